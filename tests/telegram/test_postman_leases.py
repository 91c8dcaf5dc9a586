"""Answers held back by the send-rate limiter are never taken and sent a second time."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from telegram.error import BadRequest, TimedOut

from bot.store.db import make_engine
from bot.store.practices import PracticeStore
from bot.store.schema import upgrade
from bot.telegram import sender
from bot.telegram.postman import Postman
from bot.telegram.replies import Reply
from bot.telegram.service import ChatService
from tests.conftest import T0
from tests.telegram.standins import TextBot


class HeldBot(TextBot):
    """Telegram behind a rate limiter that holds every message until ``release``."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.texts: list[str] = []

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> None:
        await self.release.wait()
        self.texts.append(text)


def test_a_queued_answer_is_not_sent_again_when_its_lease_would_have_run_out(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    upgrade(engine)
    service = ChatService(PracticeStore(engine))
    user = service.user(42, 42, T0)
    with service.store.transaction() as db:
        replies = service.queue(db, user, 42, [Reply("one"), Reply("two")], T0)
    now = [T0]

    def clock() -> datetime:
        return now[0]

    async def scenario() -> tuple[list[str], list[str], int, int]:
        bot, other_bot = HeldBot(), HeldBot()
        here = Postman(bot, service, clock=clock)  # type: ignore[arg-type]
        there = Postman(other_bot, ChatService(service.store), clock=clock)  # type: ignore[arg-type]
        courier = here.post(42, replies)
        await asyncio.sleep(0)  # the courier is waiting for the limiter
        for _ in range(8):  # four minutes behind the limiter, its lease renewed as it waits
            now[0] += timedelta(seconds=30)
            await here.renew_leases()
            other_bot.release.set()
            here_due = await here.send_due()
            there_due = await there.send_due()
            assert (here_due, there_due) == (0, 0)
        bot.release.set()
        await courier
        await here.flush()
        return bot.texts, other_bot.texts, here_due, there_due

    texts, others, _, _ = asyncio.run(scenario())
    assert texts == ["one", "two"] and others == []
    assert service.outbox.pending() == 0
    engine.dispose()


class RefusingBot(TextBot):
    """Telegram refusing the first message for good (a BadRequest), taking the rest."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> None:
        if text == "bad":
            raise BadRequest("Bad Request: can't parse entities")
        self.texts.append(text)


def test_a_message_telegram_refuses_for_good_fails_at_once_and_the_rest_go_out(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    upgrade(engine)
    service = ChatService(PracticeStore(engine))
    user = service.user(42, 42, T0)
    with service.store.transaction() as db:
        replies = service.queue(db, user, 42, [Reply("bad"), Reply("good")], T0)
    bot = RefusingBot()

    async def scenario() -> bool:
        postman = Postman(bot, service, clock=lambda: T0)  # type: ignore[arg-type]
        sent = await postman.deliver(42, replies)
        await postman.flush()
        return sent

    assert asyncio.run(scenario()) is False
    assert bot.texts == ["good"]
    assert service.outbox.pending() == 0  # not retried for hours: failed
    engine.dispose()


class FlakyBot(TextBot):
    """Telegram timing out on one message until ``mend``, taking everything else."""

    def __init__(self, failing: str) -> None:
        self.failing = failing
        self.texts: list[str] = []

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> None:
        if text == self.failing:
            raise TimedOut("timed out")
        self.texts.append(text)

    def mend(self) -> None:
        self.failing = ""


def test_an_answer_held_back_by_timeouts_goes_out_before_the_next_answer(
    tmp_path: Path, monkeypatch: Any
) -> None:
    """When Telegram keeps timing out, the rest of an answer waits in the outbox with a
    backoff; the chat's next answer must not overtake it: the user would read the
    contact's second reply before the end of the first."""
    monkeypatch.setattr(sender, "BACKOFF_SECONDS", 0)
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    upgrade(engine)
    service = ChatService(PracticeStore(engine))
    user = service.user(42, 42, T0)
    bot = FlakyBot(failing="first answer, part two")

    async def scenario() -> None:
        postman = Postman(bot, service, clock=lambda: T0)  # type: ignore[arg-type]
        with service.store.transaction() as db:
            first = service.queue(
                db, user, 42, [Reply("first answer"), Reply("first answer, part two")], T0
            )
        assert await postman.deliver(42, first) is False  # four timeouts: held back
        bot.mend()
        with service.store.transaction() as db:
            second = service.queue(db, user, 42, [Reply("second answer")], T0)
        assert await postman.deliver(42, second) is True
        assert await postman.send_due() == 0  # nothing left over, nothing sent twice
        await postman.flush()

    asyncio.run(scenario())
    assert bot.texts == ["first answer", "first answer, part two", "second answer"]
    assert service.outbox.pending() == 0
    engine.dispose()
