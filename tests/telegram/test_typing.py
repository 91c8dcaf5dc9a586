"""The chat shows "typing..." only while an answer takes a while, never after the answer."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.telegram import sender
from bot.telegram.postman import Postman
from bot.telegram.replies import Reply
from bot.telegram.sender import TypingCue
from tests.telegram.standins import TextBot
from tests.telegram.test_postman import StubService


class ChatBot(TextBot):
    """Telegram's side of one chat: what arrived, in order."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    async def send_chat_action(self, chat_id: int, action: str, **kwargs: Any) -> None:
        await asyncio.sleep(0.02)  # (a round trip: the answer must not overtake it)
        self.seen.append(action)

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> None:
        self.seen.append(text)


def answer_after(work_seconds: float, typing_after: float) -> list[str]:
    """What the chat sees when preparing the answer takes ``work_seconds``."""
    bot = ChatBot()

    async def scenario() -> None:
        postman = Postman(bot, StubService())  # type: ignore[arg-type]
        cue = TypingCue(bot, 7, typing_after)  # type: ignore[arg-type]
        await asyncio.sleep(work_seconds)  # the update's work (a database thread, a model)
        await postman.post(7, [Reply("The answer.")], after=cue.answer_ready())

    asyncio.run(scenario())
    return bot.seen


def test_an_answer_ready_at_once_comes_with_no_typing_action() -> None:
    assert answer_after(0.01, typing_after=0.3) == ["The answer."]


def test_an_answer_that_takes_a_while_shows_typing_first() -> None:
    assert answer_after(0.15, typing_after=0.05) == ["typing", "The answer."]


def test_the_answer_waits_for_a_typing_action_already_on_its_way() -> None:
    """Ready just after the typing action left: the action still arrives first (one
    arriving after the answer would leave "typing..." under it)."""
    assert answer_after(0.06, typing_after=0.05) == ["typing", "The answer."]


def test_no_typing_action_when_no_answer_comes() -> None:
    bot = ChatBot()

    async def scenario() -> None:
        cue = TypingCue(bot, 7, 0.02)  # type: ignore[arg-type]
        cue.drop()  # the work failed: nothing will be sent
        await asyncio.sleep(0.1)

    asyncio.run(scenario())
    assert bot.seen == []


def test_the_default_wait_is_short_enough_to_feel_like_an_answer_is_coming(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert 0.2 <= sender.TYPING_AFTER <= 1.0
    monkeypatch.setattr(sender, "TYPING_AFTER", 0.02)
    bot = ChatBot()

    async def scenario() -> None:
        cue = TypingCue(bot, 7)  # type: ignore[arg-type]
        await asyncio.sleep(0.1)
        await cue.answer_ready()

    asyncio.run(scenario())
    assert bot.seen == ["typing"]
