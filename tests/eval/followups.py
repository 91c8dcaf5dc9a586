"""Does the contact carry on about their own life when asked? Each line of a follow-up set
(``tests/data/small_talk/followups_*.jsonl``) is said right after one of the contact's
``personal`` lines, in the middle of a meeting, and scored by its label:

- ``more`` (the user asks on about what was just said: "where do you sing?"): the reply is
  that line's continuation (``personal_more``, ref ``personal.<kind>+``);
- ``heard`` (a reaction or an answer, nothing asked): the contact's ``personal_heard`` line;
- ``other`` (a question about the work): no line of the contact's own life.

    python3 -m tests.eval.followups [FILE ...] [-v]

Each line is ``{"persona": ID, "kind": KIND, "index": N, "text": ..., "label": ...}``:
``kind`` and ``index`` name the ``personal`` line said just before.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from functools import cache
from pathlib import Path

from flows.engine import Engine
from tests.eval.labelled import Score
from tests.eval.midmeeting import OPENING, replies

DATA = Path(__file__).resolve().parents[1] / "data" / "small_talk"
ASKED = {
    "where_from": "Where are you from?",
    "family": "Do you have family?",
    "pastime": "What do you do for fun?",
}
"""The question that brings each kind of line."""
_SEEDS = range(1, 60)


@cache
def _seed(engine: Engine, persona_id: str, kind: str, index: int) -> int:
    """A seed under which the contact answers ``ASKED[kind]`` with line ``index``."""
    wanted = engine.personas[persona_id].personal[kind][index]  # type: ignore[index]
    for seed in _SEEDS:
        said = replies(engine, persona_id, ASKED[kind], seed=seed)
        if said and said[0].text == wanted:
            return seed
    raise LookupError(f"{persona_id} never says personal.{kind}[{index}] to {ASKED[kind]!r}")


def answer(engine: Engine, row: dict[str, object]) -> str:
    """The ref of the contact's first line after ``row["text"]``, said after the line the
    row names."""
    persona_id, kind, index = str(row["persona"]), str(row["kind"]), int(str(row["index"]))
    seed = _seed(engine, persona_id, kind, index)
    opening = (*OPENING, ASKED[kind])
    said = replies(engine, persona_id, str(row["text"]), opening=opening, seed=seed)
    return (said[0].ref or said[0].kind) if said else ""


def right(row: dict[str, object], ref: str) -> bool:
    label, kind = row["label"], row["kind"]
    if label == "more":
        return ref == f"personal.{kind}+"
    if label == "heard":
        return ref.startswith("personal_heard.")
    return not ref.startswith("personal")


def score(path: Path, engine: Engine | None = None, verbose: bool = False) -> Score:
    engine = engine or Engine()
    got: Counter[str] = Counter()
    asked: Counter[str] = Counter()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        ref = answer(engine, row)
        ok = right(row, ref)
        asked[row["label"]] += 1
        got[row["label"]] += ok
        if verbose and not ok:
            print(
                f"  x {row['label']:5} {row['persona']:7} {row['kind']}.{row['index']} "
                f"{ref:28} {row['text']}"
            )
    return Score(got, asked)


def main(argv: list[str] | None = None) -> int:
    args = list(argv if argv is not None else sys.argv[1:])
    verbose = "-v" in args
    paths = [Path(a) for a in args if a != "-v"] or sorted(DATA.glob("followups_*.jsonl"))
    engine = Engine()
    for path in paths:
        result = score(path, engine, verbose)
        print(f"== {path.name}: {result.overall:.3f}")
        for label in sorted(result.asked):
            counts = f"{result.right[label]:4}/{result.asked[label]:<4}"
            print(f"   {label:8} {counts} {result.of(label):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
