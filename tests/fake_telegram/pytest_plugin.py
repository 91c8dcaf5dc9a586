"""Pytest fixture for the fake Bot API server.

Enable it from ``tests/conftest.py`` with ``pytest_plugins = ["tests.fake_telegram.pytest_plugin"]``
(or import ``fake_telegram`` into a test module).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .server import FakeTelegram


@pytest.fixture
def fake_telegram() -> Iterator[FakeTelegram]:
    """A running FakeTelegram, stopped after the test; fails the test on internal errors."""
    with FakeTelegram(hang_seconds=5.0) as server:
        yield server
        assert not server.internal_errors, server.internal_errors[0]
