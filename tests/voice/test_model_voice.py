"""The model voice adapter under load: at most RAPPORT_LLM_CONCURRENCY requests at once, a
deadline that counts the wait for a slot, and "typing..." kept alive while it works."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest

from bot.telegram import sender
from bot.telegram.replies import Reply
from bot.voice import telegram as voice_telegram
from bot.voice.config import VoiceConfig
from bot.voice.model import ModelVoice
from flows.engine import Engine
from tests.fake_llm import FakeLLM
from tests.voice.practices import contact_lines


def test_no_more_requests_at_once_than_the_limit_and_the_wait_counts_in_the_deadline(
    fake_llm: FakeLLM,
) -> None:
    requests = [request for _, request in contact_lines("dana")][:6]
    fake_llm.delay = 0.3
    outcomes: Counter[str] = Counter()

    async def burst(concurrency: int, timeout: float) -> None:
        voice = ModelVoice(
            VoiceConfig(fake_llm.url, "m", timeout=timeout, concurrency=concurrency),
            Engine().personas,
        )
        voice.listener = lambda _purpose, outcome, _reason, _seconds: outcomes.update([outcome])
        await asyncio.gather(*(voice.phrase(r) for r in requests))
        await voice.close()

    asyncio.run(burst(2, 10.0))
    assert fake_llm.max_in_flight == 2 and outcomes == {"used": 6}
    outcomes.clear()
    fake_llm.delay = 1.0  # one slot, 1 s a request, a 1.5 s deadline: the second request
    asyncio.run(burst(1, 1.5))  # waits 1 s for the slot, so it cannot finish in time
    assert sum(outcomes.values()) == 6 and outcomes["timeout"] >= 5, outcomes


class TypingBot:
    def __init__(self) -> None:
        self.actions = 0

    async def send_chat_action(self, *args: Any, **kwargs: Any) -> None:
        self.actions += 1


def typing_while(seconds: float, shown: bool = False) -> int:
    """Typing actions sent while a model takes ``seconds`` to phrase an answer."""
    bot = TypingBot()

    async def scenario() -> list[Reply]:
        async def slow() -> list[Reply]:
            await asyncio.sleep(seconds)
            return [Reply("done")]

        work = asyncio.create_task(slow())
        return await voice_telegram.typing_meanwhile(bot, 7, work, shown)  # type: ignore[arg-type]

    assert asyncio.run(scenario()) == [Reply("done")]
    return bot.actions


def test_typing_is_kept_alive_while_the_model_works(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(voice_telegram, "TYPING_EVERY", 0.05)
    monkeypatch.setattr(sender, "TYPING_AFTER", 0.05)
    assert typing_while(0.32) >= 3  # renewed while it worked, not sent once
    assert typing_while(0.01) == 0  # a quick model: the answer comes with no typing flash
    monkeypatch.setattr(voice_telegram, "TYPING_EVERY", 0.2)
    assert typing_while(0.12, shown=True) == 0  # the one already showing is enough
