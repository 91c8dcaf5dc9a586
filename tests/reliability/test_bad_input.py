"""Scenario 4: random and malformed updates POSTed to the webhook (Hypothesis).

CI size: 1,000 requests; ``python3 -m tests.reliability --full`` sends 10,000. Runs on
PostgreSQL when ``RAPPORT_TEST_DATABASE_URL`` is set, else on SQLite.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.reliability import scenarios
from tests.reliability.figures import Figures

EXAMPLES = 1_000


@pytest.fixture(scope="module")
def thrown(workdir: Path, record: Callable[[Figures], Figures]) -> Figures:
    return record(scenarios.bad_input(EXAMPLES, workdir=workdir))


def test_bad_input_never_crashes_the_bot(thrown: Figures) -> None:
    assert not thrown.failures("crash"), thrown.report()
    assert thrown.inputs >= EXAMPLES // 2, thrown.report()


def test_bad_input_is_answered_200_or_400(thrown: Figures) -> None:
    assert not thrown.failures("http"), thrown.report()


def test_bad_input_leaves_the_database_consistent(thrown: Figures) -> None:
    assert not thrown.failures("database"), thrown.report()


def test_a_normal_practice_works_after_bad_input(thrown: Figures) -> None:
    assert not thrown.failures("after"), thrown.report()


def test_bad_input_texts_stay_out_of_the_logs(thrown: Figures) -> None:
    assert not thrown.failures("logs"), thrown.report()
