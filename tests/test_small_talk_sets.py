"""Small talk about the contact's own life, written by helpers who never saw the rules
(``tests/data/small_talk/``; ``tests/data/README.md`` says who wrote what and when each was
scored). The held-out sets are never tuned against: this test only holds the line they
were scored at."""

from __future__ import annotations

import pytest

from flows.engine import Engine
from tests.eval import followups
from tests.eval.small_talk import DATA, OTHER, score

FLOORS = {
    "blind_1_heldout.jsonl": (0.80, 0.97),
    "blind_2_heldout.jsonl": (0.77, 0.97),
    "blind_3_heldout.jsonl": (0.77, 0.94),
    "train_1.jsonl": (0.85, 0.99),
    "train_2.jsonl": (0.92, 0.99),
    "train_3.jsonl": (0.94, 0.99),
}
"""Each set's share of replies with the contact's own line of the kind asked, and of its
near misses that got none ("how many kids do you teach a day?" never hears about the
contact's family), asked of all seventeen contacts: a little under the scores recorded in
tests/data/README.md."""


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_a_small_talk_set_holds_its_score(name: str, engine: Engine) -> None:
    result = score(DATA / name, engine)
    overall, near_misses = FLOORS[name]
    assert result.overall >= overall, (result.overall, dict(result.right))
    assert result.of(OTHER) >= near_misses, result.of(OTHER)


FOLLOW_UP_FLOORS = {
    "followups_blind_heldout.jsonl": (0.92, 0.90),
    "followups_train.jsonl": (0.94, 0.91),
}
"""Each follow-up set's share of right replies right after a line of the contact's own
life, and of its questions that ask on about that line ("where do you perform?") that
heard what comes next: a little under the scores recorded in tests/data/README.md."""


@pytest.mark.parametrize("name", sorted(FOLLOW_UP_FLOORS))
def test_a_follow_up_set_holds_its_score(name: str, engine: Engine) -> None:
    result = followups.score(DATA / name, engine)
    overall, more = FOLLOW_UP_FLOORS[name]
    assert result.overall >= overall, (result.overall, dict(result.right))
    assert result.of("more") >= more, result.of("more")
