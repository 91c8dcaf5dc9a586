"""The sender's retry policy, call by call."""

from __future__ import annotations

import asyncio
import warnings
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


def test_a_reply_reaches_telegram_as_html_with_its_buttons_and_no_link_preview() -> None:
    """A text reply goes out through the generic Bot API call (Telegram's answer is not
    parsed into a Message): the same fields as ``send_message`` would send, and no warning."""
    from telegram.request import HTTPXRequest

    from bot.telegram.replies import Button, Reply
    from tests.fake_telegram import FakeTelegram

    reply = Reply(
        "<b>Shall we begin?</b> See https://example.org",
        buttons=((Button("Yes", "go:yes"), Button("Not yet", "go:no")),),
    )

    async def scenario(fake: FakeTelegram, chat_id: int) -> None:
        async with fake.make_bot(request=HTTPXRequest(), get_updates_request=HTTPXRequest()) as bot:
            await sender.send_one(bot, chat_id, reply)
            await sender.send_one(bot, chat_id, Reply("plain &amp; simple"))

    with FakeTelegram() as fake, warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        alice = fake.user(7, "Alice")
        fake.send_text(alice, "hi")  # (her private chat with the bot)
        asyncio.run(scenario(fake, alice.id))
        first, second = fake.sent(alice.id)
        assert not fake.internal_errors
    assert [str(w.message) for w in seen] == []
    assert first.text == "Shall we begin? See https://example.org"
    assert first.parse_mode == "HTML" and first.entities[0]["type"] == "bold"
    assert [(b["text"], b["callback_data"]) for b in first.buttons] == [
        ("Yes", "go:yes"),
        ("Not yet", "go:no"),
    ]
    assert first.params["link_preview_options"] == {"is_disabled": True}
    assert second.text == "plain & simple" and second.buttons == []
