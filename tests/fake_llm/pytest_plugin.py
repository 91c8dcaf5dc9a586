"""Pytest fixture for the fake model server (enabled in ``tests/conftest.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fake_llm.server import FakeLLM


@pytest.fixture
def fake_llm() -> Iterator[FakeLLM]:
    """A running FakeLLM on loopback, stopped after the test."""
    with FakeLLM() as server:
        yield server
