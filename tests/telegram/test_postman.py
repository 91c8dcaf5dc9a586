"""The postman marks what it sent with a commit of its own only once sending is quiet."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.telegram import postman as postman_module
from bot.telegram.postman import Postman
from bot.telegram.replies import Reply
from tests.telegram.standins import TextBot


class StubBot(TextBot):
    async def send_message(self, *args: Any, **kwargs: Any) -> None:
        return None


class StubService:
    """Counts the commits the postman makes to mark sent messages."""

    def __init__(self) -> None:
        self.waiting: list[int] = []
        self.commits = 0

    def sent(self, outbox_id: int) -> None:
        self.waiting.append(outbox_id)

    def unmarked(self) -> bool:
        return bool(self.waiting)

    async def run(self, call: Any, *args: Any) -> Any:
        return call(*args)

    def mark_sent(self) -> None:
        self.commits += 1
        self.waiting.clear()


def test_sent_messages_are_marked_once_sending_is_quiet(monkeypatch: Any) -> None:
    monkeypatch.setattr(postman_module, "FLUSH_SECONDS", 0.1)
    service = StubService()

    async def scenario() -> tuple[int, int, int]:
        postman = Postman(StubBot(), service)  # type: ignore[arg-type]
        for i in range(8):  # an answer every 40 ms: never quiet for 100 ms
            await postman.deliver(42, [Reply(f"line {i}", outbox_id=i)])
            await asyncio.sleep(0.04)
        while_busy = service.commits
        await asyncio.sleep(0.2)
        after_quiet = service.commits
        await postman.flush()  # nothing left to mark: no commit
        return while_busy, after_quiet, service.commits

    while_busy, after_quiet, at_the_end = asyncio.run(scenario())
    assert while_busy == 0
    assert after_quiet == 1 and not service.waiting
    assert at_the_end == 1


class RecordingBot(TextBot):
    def __init__(self) -> None:
        self.texts: list[str] = []

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> None:
        await asyncio.sleep(0.01 if "slow" in text else 0)
        self.texts.append(text)


def test_posted_answers_go_out_in_order_each_after_its_typing_action() -> None:
    """Handlers post and return at their commit; the chat still gets its answers in the
    order they were posted, each only after its typing action, other chats meanwhile."""
    bot, service = RecordingBot(), StubService()

    async def scenario() -> None:
        postman = Postman(bot, service)  # type: ignore[arg-type]

        async def typing(seconds: float) -> None:
            await asyncio.sleep(seconds)
            bot.texts.append(f"typing {seconds}")

        first = postman.post(
            1, [Reply("1a slow"), Reply("1b")], after=asyncio.create_task(typing(0.03))
        )
        second = postman.post(1, [Reply("2a")], after=asyncio.create_task(typing(0)))
        other = postman.post(2, [Reply("other chat")])
        await asyncio.gather(first, second, other)

    asyncio.run(scenario())
    mine = [t for t in bot.texts if t != "other chat"]
    assert mine == ["typing 0", "typing 0.03", "1a slow", "1b", "2a"]
    assert bot.texts.index("other chat") < bot.texts.index("1a slow")  # not held up
