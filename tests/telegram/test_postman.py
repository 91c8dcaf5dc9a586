"""The postman marks what it sent with a commit of its own only once sending is quiet."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.telegram import postman as postman_module
from bot.telegram.postman import Postman
from bot.telegram.service import Reply


class StubBot:
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
