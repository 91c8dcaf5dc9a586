"""The sender's retry policy, call by call."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot import metrics
from bot.telegram import sender
from bot.telegram.sender import Blocked, with_retries


def flaky(*failures: Exception) -> tuple[Callable[[], Awaitable[str]], list[int]]:
    """A call failing with ``failures`` in turn, then answering "sent"; and its call count."""
    calls = [0]

    async def call() -> str:
        calls[0] += 1
        if calls[0] <= len(failures):
            raise failures[calls[0] - 1]
        return "sent"

    return call, calls


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sender, "BACKOFF_SECONDS", 0.0)


def errors(kind: str) -> float:
    value = metrics.REGISTRY.get_sample_value("rapport_telegram_errors_total", {"kind": kind})
    return value or 0.0


def test_timeouts_and_network_errors_are_retried_and_counted() -> None:
    before = errors("timeout")
    call, calls = flaky(TimedOut(), NetworkError("Bad Gateway"), TimedOut())
    assert asyncio.run(with_retries(call)) == "sent"
    assert calls[0] == 4
    assert errors("timeout") == before + 2


def test_retry_after_waits_as_asked() -> None:
    call, calls = flaky(RetryAfter(timedelta(0)))
    assert asyncio.run(with_retries(call)) == "sent"
    assert calls[0] == 2


def test_a_bad_request_is_not_retried() -> None:
    call, calls = flaky(BadRequest("Can't parse entities"))
    with pytest.raises(BadRequest):
        asyncio.run(with_retries(call))
    assert calls[0] == 1


def test_forbidden_means_blocked_at_once() -> None:
    call, calls = flaky(Forbidden("bot was blocked by the user"))
    with pytest.raises(Blocked):
        asyncio.run(with_retries(call))
    assert calls[0] == 1


def test_it_gives_up_after_a_few_attempts() -> None:
    call, calls = flaky(*[TimedOut()] * 10)
    with pytest.raises(TimedOut):
        asyncio.run(with_retries(call))
    assert calls[0] == sender.ATTEMPTS
