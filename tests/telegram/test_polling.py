"""The poller confirms an update to Telegram (moves its offset past it) only once the
update's work has committed, and fetches a failed one again."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from telegram import Update

from bot.telegram.intake import FAILED, MAX_TRIES, committed, note_failure
from bot.telegram.polling import Poller
from tests.telegram.test_webhook_retries import DISK_FULL


class StubTelegram:
    """getUpdates as Telegram does it: an offset confirms (drops) everything below it."""

    def __init__(self, update_ids: list[int]) -> None:
        self.waiting = list(update_ids)
        self.offsets: list[int | None] = []

    async def get_updates(self, offset: int | None = None, **_: Any) -> list[Update]:
        self.offsets.append(offset)
        if offset is not None:
            self.waiting = [u for u in self.waiting if u >= offset]
        if not self.waiting:
            await asyncio.sleep(0.01)  # a (very short) long poll
        return [Update(u) for u in self.waiting[:3]]


class StubApp:
    """Handles an update by committing it, except that ``flaky`` fails once first (as the
    error handler records a failed update) and ``slow`` takes a while before committing."""

    def __init__(self, bot: StubTelegram, flaky: int, slow: int) -> None:
        self.bot = bot
        self.bot_data: dict[str, Any] = {}
        self.flaky, self.slow = flaky, slow
        self.commits: Counter[int] = Counter()
        self.offsets_while_slow: list[int | None] = []
        self.flaky_span: list[int] = []
        """Positions in the offsets log: when ``flaky`` failed, when it finally committed."""

    async def process_update(self, update: Update) -> None:
        uid = update.update_id
        failures: Counter[int] = self.bot_data.setdefault(FAILED, Counter())
        if uid == self.flaky and not self.commits[uid] and not failures[uid]:
            failures[uid] += 1  # what on_error does for a transient failure
            self.flaky_span.append(len(self.bot.offsets))
            return
        if uid == self.flaky:
            self.flaky_span.append(len(self.bot.offsets))
        if uid == self.slow:
            await asyncio.sleep(0.05)
            self.offsets_while_slow = list(self.bot.offsets)
        self.commits[uid] += 1
        committed()


def test_an_update_is_confirmed_only_after_its_commit_and_a_failed_one_comes_again() -> None:
    telegram = StubTelegram([10, 11, 12, 13, 14, 15, 16])
    app = StubApp(telegram, flaky=12, slow=14)

    async def scenario() -> None:
        stop = asyncio.Event()
        poller = Poller(app, poll_seconds=0, hold_seconds=0.01)  # type: ignore[arg-type]
        running = asyncio.create_task(poller.run(stop))
        for _ in range(200):
            if not telegram.waiting:
                break
            await asyncio.sleep(0.01)
        stop.set()
        await running

    asyncio.run(scenario())
    assert app.commits == {u: 1 for u in range(10, 17)}  # each once, the flaky one too
    assert not telegram.waiting  # all confirmed in the end
    # while 14 was still working, nothing at or past it was confirmed
    assert all(o is None or o <= 14 for o in app.offsets_while_slow)
    # from 12's failure to its second, successful, handling nothing past it was confirmed
    failed_at, done_at = app.flaky_span
    assert all(o is None or o <= 12 for o in telegram.offsets[failed_at:done_at])


class DownApp:
    """The database is unusable for the first ``outage`` tries of every update (as
    on_error records an outage), then works."""

    def __init__(self, bot: StubTelegram, outage: int) -> None:
        self.bot = bot
        self.bot_data: dict[str, Any] = {}
        self.outage = outage
        self.tries = 0
        self.commits: Counter[int] = Counter()

    async def process_update(self, update: Update) -> None:
        self.tries += 1
        if self.tries <= self.outage:
            note_failure(self.bot_data, update.update_id, DISK_FULL)
            return
        self.commits[update.update_id] += 1
        committed()


def test_updates_that_meet_a_database_outage_are_kept_however_long_it_lasts() -> None:
    telegram = StubTelegram([20, 21])
    app = DownApp(telegram, outage=MAX_TRIES * 4)

    async def scenario() -> None:
        stop = asyncio.Event()
        poller = Poller(app, poll_seconds=0, hold_seconds=0.01, db_retry_seconds=0.01)  # type: ignore[arg-type]
        running = asyncio.create_task(poller.run(stop))
        while telegram.waiting:
            await asyncio.sleep(0.01)
        stop.set()
        await running

    asyncio.run(scenario())
    assert app.commits == {20: 1, 21: 1}  # neither dropped, each stored once
    assert app.tries > MAX_TRIES * 4
