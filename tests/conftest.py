"""Shared fixtures: an engine over the packaged contacts and a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from flows.engine import Engine

pytest_plugins = ["tests.fake_telegram.pytest_plugin", "tests.fake_llm.pytest_plugin"]

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine()
