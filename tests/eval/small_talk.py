"""Is small talk about the contact's own life answered from it? Asks every contact every
line of a small-talk set (``tests/data/small_talk/``) in the middle of a meeting and counts,
per label, how often the reply was the contact's own line of that kind (``personal:`` in the
persona: where_from, family, pastime); for a near miss (``other``), how often it was not one.

    python3 -m tests.eval.small_talk [FILE ...]
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from flows.engine import Engine
from tests.eval.midmeeting import replies
from tests.eval.subjects import OTHER, Score

DATA = Path(__file__).resolve().parents[1] / "data" / "small_talk"


def score(path: Path, engine: Engine | None = None) -> Score:
    engine = engine or Engine()
    right: Counter[str] = Counter()
    asked: Counter[str] = Counter()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        label = row["label"]
        for persona_id in sorted(engine.personas):
            said = replies(engine, persona_id, row["text"])
            ref = (said[0].ref or "") if said else ""
            asked[label] += 1
            if label == OTHER:
                right[label] += not ref.startswith("personal.")
            else:
                right[label] += ref == f"personal.{label}"
    return Score(right, asked)


def main(argv: list[str] | None = None) -> int:
    paths = [Path(a) for a in (argv if argv is not None else sys.argv[1:])] or sorted(
        DATA.glob("*.jsonl")
    )
    engine = Engine()
    for path in paths:
        result = score(path, engine)
        print(f"== {path.name}: {result.overall:.3f}")
        for label in sorted(result.asked):
            counts = f"{result.right[label]:4}/{result.asked[label]:<4}"
            print(f"   {label:10} {counts} {result.of(label):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
