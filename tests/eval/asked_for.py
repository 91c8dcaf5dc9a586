"""Does the contact put first the person the user asked for? Each row of a set in
``tests/data/referrals/`` is a request for names to one contact (``persona``, ``text``) and
the referral it asks for by kind (``expected``, a full name), or "" when it names no kind
one of them alone is. ``flows.asked_for.referral_asked_for`` reads it.

    python3 -m tests.eval.asked_for [FILE ...] [--errors]

Prints how often the person put first was the one asked for (``picked``), and how often a
request naming no such kind still moved someone first (``invented``). ``--errors`` lists
the misses (for training sets only: a held-out set is scored, never read).
"""

from __future__ import annotations

from pathlib import Path

from flows.asked_for import referral_asked_for
from flows.persona import load_personas
from tests.eval.sets import files_and_errors, load

DATA = Path(__file__).resolve().parents[1] / "data" / "referrals"


def shares(rows: list[dict[str, str]]) -> tuple[float, float]:
    """How often the person asked for came first, and how often someone was moved first for
    a request naming no kind."""
    personas = load_personas()
    got = [referral_asked_for(personas[r["persona"]].referrals, r["text"]) for r in rows]
    pairs = list(zip(got, rows, strict=True))
    kinds = [(g.name if g else "") == r["expected"] for g, r in pairs if r["expected"]]
    plain = [g is not None for g, r in pairs if not r["expected"]]
    return sum(kinds) / len(kinds), sum(plain) / len(plain)


def main() -> None:
    files, show_errors = files_and_errors(__doc__, DATA, "asked_for_*.jsonl")
    personas = load_personas()
    for path in files:
        rows = load(path)
        picked, moved = shares(rows)
        errors = []
        for row in rows:
            found = referral_asked_for(personas[row["persona"]].referrals, row["text"])
            got = found.name if found else ""
            if got != row["expected"]:
                want = row["expected"]
                errors.append(f"{row['persona']}: want {want!r}, got {got!r}: {row['text']}")
        print(f"== {path.name}: {len(rows)} requests")
        print(f"  asked for a kind: the person put first {picked:.3f}")
        print(f"  no kind: someone moved first anyway {moved:.3f}")
        if show_errors:
            for line in errors:
                print("   ", line)


if __name__ == "__main__":
    main()
