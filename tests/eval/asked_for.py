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

import argparse
import json
from pathlib import Path

from flows.asked_for import referral_asked_for
from flows.persona import load_personas

DATA = Path(__file__).resolve().parents[1] / "data" / "referrals"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--errors", action="store_true")
    args = parser.parse_args()
    personas = load_personas()
    for path in args.files or sorted(DATA.glob("*.jsonl")):
        rows = [json.loads(x) for x in path.read_text("utf-8").splitlines() if x.strip()]
        picked = invented = kinds = plain = 0
        errors = []
        for row in rows:
            found = referral_asked_for(personas[row["persona"]].referrals, row["text"])
            got = found.name if found else ""
            if row["expected"]:
                kinds += 1
                picked += got == row["expected"]
            else:
                plain += 1
                invented += bool(got)
            if got != row["expected"]:
                want = row["expected"]
                errors.append(f"{row['persona']}: want {want!r}, got {got!r}: {row['text']}")
        right = (picked + plain - invented) / len(rows)
        print(f"== {path.name}: {len(rows)} requests, right {right:.3f}")
        print(f"  asked for a kind: picked {picked / kinds:.3f} ({picked} of {kinds})")
        moved = invented / plain
        print(f"  no kind: someone moved first anyway {moved:.3f} ({invented} of {plain})")
        if args.errors:
            for line in errors:
                print("   ", line)


if __name__ == "__main__":
    main()
