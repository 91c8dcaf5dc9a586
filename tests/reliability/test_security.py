"""Scenario 5: the webhook secret, one user's data kept from another, and the logs.

Runs on PostgreSQL when ``RAPPORT_TEST_DATABASE_URL`` is set, else on SQLite. (The log
scan runs in every scenario of the suite too: each checks its own processes' logs.)
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.reliability import scenarios
from tests.reliability.figures import Figures


@pytest.fixture(scope="module")
def checked(workdir: Path, record: Callable[[Figures], Figures]) -> Figures:
    return record(scenarios.security(workdir=workdir))


def test_the_webhook_secret_is_enforced_and_user_data_kept_apart(checked: Figures) -> None:
    assert not checked.failures("security", "database"), checked.report()


def test_no_token_secret_or_user_text_in_the_logs(checked: Figures) -> None:
    assert not checked.failures("logs"), checked.report()
