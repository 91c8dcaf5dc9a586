"""Does the contact follow the user when they put their own work right? Each row of a set
in ``tests/data/userfacts/corrections/`` is what the user said earlier (``said``) and one
last message (``text``): a correction ("sorry, a teaching assistant, not a teacher") or a
near miss that changes nothing ("not me, my sister is the nurse"). ``role`` is the work the
contact should hold after it; ``flows.userfacts.facts_from`` reads the whole meeting.

    python3 -m tests.eval.corrections [FILE ...] [--errors]

Prints, per kind, how often the role held afterwards was right. ``--errors`` lists the
misses (for training sets only: a held-out set is scored, never read).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from flows.session import Turn
from flows.userfacts import facts_from
from tests.eval.sets import files_and_errors, load
from tests.eval.userfacts import same

DATA = Path(__file__).resolve().parents[1] / "data" / "userfacts" / "corrections"
_AT = datetime(2026, 1, 1)


def role_after(row: dict[str, Any]) -> str:
    """The user's work as the contact holds it after every message of ``row``."""
    texts = [*row["said"], row["text"]]
    turns = [Turn(at=_AT, speaker="user", stage="converse", text=str(t)) for t in texts]
    background = facts_from(turns).background
    return background.role if background else ""


def score(rows: list[dict[str, Any]]) -> dict[str, tuple[int, int, list[str]]]:
    """Per kind: right, all, and the misses."""
    out: dict[str, tuple[int, int, list[str]]] = {}
    for row in rows:
        kind = str(row["kind"])
        right, total, errors = out.get(kind, (0, 0, []))
        got = role_after(row)
        ok = same("role", str(row["role"]), got)
        if not ok:
            errors.append(f"want {row['role']!r}, read {got!r}: {row['said']} -> {row['text']}")
        out[kind] = (right + ok, total + 1, errors)
    return out


def main() -> None:
    files, show_errors = files_and_errors(__doc__, DATA)
    for path in files:
        rows = load(path)
        tallies = score(rows)
        right = sum(r for r, _, _ in tallies.values())
        print(f"== {path.name}: {len(rows)} rows, role right afterwards {right / len(rows):.3f}")
        for kind, (r, n, errors) in sorted(tallies.items()):
            print(f"  {kind:11} {r / n:.3f} ({r} of {n})")
            if show_errors:
                for line in errors:
                    print("     ", line)


if __name__ == "__main__":
    main()
