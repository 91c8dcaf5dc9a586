"""Small talk about the contact's own life, written by a helper who never saw the rules
(``tests/data/small_talk/``; ``tests/data/README.md`` has its first score). Held out: this
test only holds the line it was scored at."""

from __future__ import annotations

from flows.engine import Engine
from tests.eval.small_talk import DATA, OTHER, score


def test_the_blind_small_talk_set_holds_its_first_score() -> None:
    result = score(DATA / "blind_1_heldout.jsonl", Engine())
    assert result.overall >= 0.44, (result.overall, dict(result.right))
    # a question about the work that shares a word ("how many kids do you teach a day?")
    # never gets a line of the contact's family life
    assert result.of(OTHER) >= 0.99, result.of(OTHER)
