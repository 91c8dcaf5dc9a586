"""Are asking leave to ask ("can I ask two last things?") and a gap in the user's work history
("cv gap 2 yrs travelling") heard, and their look-alikes not? Each row of a set in
``tests/data/signals/`` is a message (``text``) labelled ``leave``, ``gap`` or ``none``;
the signals ``may_i_ask`` and ``cv_gap`` (``patterns.yaml``) read them.

    python3 -m tests.eval.asides [FILE ...] [--errors]

Prints, per label, how often its signal was read (for ``none``: how often neither was).
``--errors`` lists the misses (for training sets only: a held-out set is scored, never read).
"""

from __future__ import annotations

from pathlib import Path

from flows.understanding import signals
from tests.eval.sets import files_and_errors, load

DATA = Path(__file__).resolve().parents[1] / "data" / "signals"
SIGNAL = {"leave": "may_i_ask", "gap": "cv_gap"}


def read_as(text: str) -> str:
    said = signals(text)
    found = [label for label, signal in SIGNAL.items() if signal in said]
    return found[0] if len(found) == 1 else "none" if not found else "+".join(found)


def main() -> None:
    files, show_errors = files_and_errors(__doc__, DATA)
    for path in files:
        rows = load(path)
        got = [read_as(row["text"]) for row in rows]
        right = sum(g == r["label"] for g, r in zip(got, rows, strict=True)) / len(rows)
        print(f"== {path.name}: {len(rows)} messages, all right {right:.3f}")
        for label in ("leave", "gap", "none"):
            mine = [g == r["label"] for g, r in zip(got, rows, strict=True) if r["label"] == label]
            if mine:
                print(f"    {label:<6} {sum(mine) / len(mine):.3f} ({len(mine)})")
        if show_errors:
            for g, row in zip(got, rows, strict=True):
                if g != row["label"]:
                    print(f"    want {row['label']}, read {g}: {row['text']}")


if __name__ == "__main__":
    main()
