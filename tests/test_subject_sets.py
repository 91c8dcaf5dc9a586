"""Questions about the contact's own working life, written by people who never saw the
subject rules or the details' keys (``tests/data/subjects/``; ``tests/data/README.md`` says
who wrote what and when each was scored). The held-out sets are never tuned against: this
test only holds the line they were scored at."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.engine import Engine
from tests.eval.subjects import DATA, OTHER, score

FLOORS = {
    "blind_1_heldout.jsonl": 0.72,
    "blind_2_heldout.jsonl": 0.78,
    "blind_3_heldout.jsonl": 0.79,
    "train.jsonl": 0.93,
}
"""Each set's share of replies from the right detail (near misses: from none), asked of all
seventeen contacts, a little under its score when it was recorded."""


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_a_subjects_set_holds_its_score(name: str, engine: Engine) -> None:
    result = score(Path(DATA / name), engine)
    assert result.overall >= FLOORS[name], (result.overall, dict(result.right))
    # a near miss ("did you have a mentor?", "are you taking on trainees?") never gets a
    # subject's detail: that would answer a question nobody asked
    assert result.of(OTHER) >= 0.99, result.of(OTHER)
