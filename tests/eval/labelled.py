"""Scoring a labelled set of questions asked of every contact: each line of a JSONL file is
``{"text": ..., "label": ..., ...}``; every contact is asked every line mid-meeting, and a
reply counts as right when what answered it is the line's label (for a near miss, ``other``,
when nothing labelled answered it). Shared by ``tests.eval.subjects`` and
``tests.eval.small_talk``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from flows.engine import Engine

OTHER = "other"

Answered = Callable[[Engine, str, str], "str | None"]
"""What answered ``text`` when ``persona_id`` was asked it: a label, or None."""


@dataclass(frozen=True)
class Score:
    right: Counter[str]
    asked: Counter[str]

    @property
    def overall(self) -> float:
        return sum(self.right.values()) / max(1, sum(self.asked.values()))

    def of(self, label: str) -> float:
        return self.right[label] / max(1, self.asked[label])


def score_by(path: Path, engine: Engine, answered: Answered) -> Score:
    """Every line of ``path`` asked of every contact, scored by what ``answered`` says."""
    right: Counter[str] = Counter()
    asked: Counter[str] = Counter()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        label = row["label"]
        for persona_id in sorted(engine.personas):
            got = answered(engine, persona_id, row["text"])
            asked[label] += 1
            right[label] += got is None if label == OTHER else got == label
    return Score(right, asked)


def print_scores(paths: Sequence[Path], score: Callable[[Path, Engine], Score]) -> None:
    """Each file's overall score, then its score per label."""
    engine = Engine()
    for path in paths:
        result = score(path, engine)
        print(f"== {path.name}: {result.overall:.3f}")
        for label in sorted(result.asked):
            counts = f"{result.right[label]:4}/{result.asked[label]:<4}"
            print(f"   {label:18} {counts} {result.of(label):.3f}")
