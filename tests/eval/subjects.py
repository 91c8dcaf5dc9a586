"""Does a question about the contact's own working life reach their detail on it? Asks every
contact every question of a subjects set (``tests/data/subjects/``) in the middle of a
meeting and counts, per label, how often the reply came from the contact's detail on that
subject (``subject:`` in the persona's specifics); for a near miss (``other``), how often
no subject's detail answered it.

    python3 -m tests.eval.subjects [FILE ...]

Each line is ``{"text": ..., "label": SUBJECT or "other", "style": ...}``. Without FILE it
scores every file of ``tests/data/subjects/``.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from flows.engine import Engine
from flows.specifics import SPEC
from tests.eval.midmeeting import reply

DATA = Path(__file__).resolve().parents[1] / "data" / "subjects"
OTHER = "other"


@dataclass(frozen=True)
class Score:
    right: Counter[str]
    asked: Counter[str]

    @property
    def overall(self) -> float:
        return sum(self.right.values()) / max(1, sum(self.asked.values()))

    def of(self, label: str) -> float:
        return self.right[label] / max(1, self.asked[label])


def answered_by(engine: Engine, persona_id: str, text: str) -> str | None:
    """The subject of the detail that answered ``text`` first, if a subject's detail did."""
    first = reply(engine, persona_id, text)["ref"].split(",")[0]
    if not first.startswith(f"{SPEC}."):
        return None
    index = int(first.split(".")[1].rstrip("+"))
    return engine.personas[persona_id].specifics[index].subject or None


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
            got = answered_by(engine, persona_id, row["text"])
            asked[label] += 1
            right[label] += got is None if label == OTHER else got == label
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
            print(f"   {label:18} {counts} {result.of(label):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
