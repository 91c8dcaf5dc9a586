"""Long polling that tells Telegram an update is done only once it has been handled.

``getUpdates(offset)`` confirms every update below ``offset`` for good. python-telegram-bot's
own updater asks for the next batch (confirming the last one) as soon as it has queued
it, so a process killed while handling a batch loses what it had not handled yet. Here
the offset moves past an update only once its work has committed (its answers then wait
in the outbox, see :mod:`bot.telegram.postman`), or it was a duplicate, or was set aside
after ``MAX_TRIES``; so a restarted bot gets the rest again, and the processed-updates
table makes handling one twice a no-op. While the database is unusable nothing is
confirmed: the poller backs off (up to ``RAPPORT_DB_RETRY_SECONDS`` between tries) and
fetches the same updates again, for as long as the outage lasts.

The next batch is fetched once the work of the one in hand has committed (while its
answers are still being sent), or after ``HOLD_SECONDS`` if something takes longer (a
chart, a Telegram flood wait): then the updates still in hand, which Telegram sends
again because they are not confirmed, are skipped.

Run with ``rapport serve`` (without ``--webhook``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable
from typing import TypeVar

from sqlalchemy import Engine
from telegram import Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application

from bot import logs
from bot.config import Settings
from bot.store.outage import Health
from bot.telegram.app import build_application, explained, started, stop_on_signals
from bot.telegram.intake import Verdict, take
from bot.telegram.ordering import ChatLocks
from bot.telegram.transport import requests_written

log = logging.getLogger(__name__)
T = TypeVar("T")

POLL_SECONDS = 10
"""How long one getUpdates waits for news (long polling)."""
HOLD_SECONDS = 1.0
"""How long a batch in hand may hold up fetching the next one."""
BACKOFF_SECONDS = (1, 2, 5, 10, 30)
"""Waits after getUpdates failures in a row (Telegram unreachable, another bot polling)."""
DRAIN_SECONDS = 10.0
DB_RETRY_SECONDS = 5.0
"""The longest wait between tries while the database is unusable (RAPPORT_DB_RETRY_SECONDS)."""


class Poller:
    def __init__(
        self,
        app: Application,  # type: ignore[type-arg]
        *,
        poll_seconds: int = POLL_SECONDS,
        hold_seconds: float = HOLD_SECONDS,
        db_retry_seconds: float = DB_RETRY_SECONDS,
    ) -> None:
        self.app = app
        self.poll_seconds = poll_seconds
        self.hold_seconds = hold_seconds
        self.db_retry_seconds = db_retry_seconds
        self.outages = 0
        """Batches in a row that met a database outage (the back-off grows with it)."""
        self.chats = ChatLocks()
        self.in_hand: dict[int, asyncio.Task[Verdict]] = {}
        self.committed: set[int] = set()
        """Updates in hand whose work has committed (their answers may still be going)."""
        self.open: set[int] = set()
        """Updates in hand whose work has neither committed nor ended (kept as they change:
        asking for them after every commit would walk every update in hand)."""
        self.progress = asyncio.Event()
        """Set when nothing in hand is unsettled any more (see _settle)."""
        self.again: set[int] = set()
        """Updates whose handling failed: Telegram must send them again."""
        self.next_id: int | None = None
        """One past the highest update id taken so far."""

    def offset(self) -> int | None:
        """Confirms everything below it: nothing that is unsettled or still to retry."""
        waiting = [*self.open, *self.again]
        return min(waiting) if waiting else self.next_id

    async def run(self, stop: asyncio.Event) -> None:
        """Fetch and handle updates until ``stop``; then finish what is in hand."""
        failures = 0
        while not stop.is_set():
            await self._settle()
            if self.outages:  # the database is unusable: wait before trying again
                wait = min(self.db_retry_seconds, 0.25 * 2**self.outages)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), wait)
            if stop.is_set():
                break
            try:
                updates = await _unless(stop, self._fetch())
            except InvalidToken:
                raise
            except TelegramError as exc:
                wait = BACKOFF_SECONDS[min(failures, len(BACKOFF_SECONDS) - 1)]
                failures += 1
                log.warning("getUpdates failed (%s); retrying in %ss", type(exc).__name__, wait)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), wait)
                continue
            failures = 0
            for update in updates or ():
                self._take(update)
        await self._drain()

    async def _fetch(self) -> list[Update]:
        updates = await self.app.bot.get_updates(
            offset=self.offset(),
            # (something uncommitted in hand comes straight back: no point waiting)
            timeout=0 if self.open else self.poll_seconds,
            allowed_updates=Update.ALL_TYPES,
        )
        return list(updates)

    def _take(self, update: Update) -> None:
        update_id = update.update_id
        if update_id in self.in_hand:
            return  # sent again because it is not confirmed yet: still being handled
        if self.next_id is not None and update_id < self.next_id and update_id not in self.again:
            return  # handled already (its confirmation is held up by an earlier one)
        self.again.discard(update_id)
        self.next_id = max(self.next_id or 0, update_id + 1)
        task = asyncio.create_task(
            take(self.app, self.chats, update, on_commit=lambda: self._committed(update_id))
        )
        task.add_done_callback(lambda done: self._ended(update_id, done))
        self.in_hand[update_id] = task
        self.open.add(update_id)

    def _committed(self, update_id: int) -> None:
        self.committed.add(update_id)
        self._settled(update_id)

    def _ended(self, update_id: int, task: asyncio.Task[Verdict]) -> None:
        if self.in_hand.get(update_id, task) is task:  # (not a later take of the update)
            self._settled(update_id)

    def _settled(self, update_id: int) -> None:
        self.open.discard(update_id)
        if not self.open:
            self.progress.set()

    async def _settle(self) -> None:
        """Wait (up to ``hold_seconds``) until the work of every update in hand has
        committed, let their answers go out, and sort out the updates that are done."""
        if self.open:
            self.progress.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.progress.wait(), self.hold_seconds)
        await requests_written()  # the answers being sent first, then the next poll
        outage = stored = False
        for update_id, task in list(self.in_hand.items()):
            if task.done():
                del self.in_hand[update_id]
                committed = update_id in self.committed
                self.committed.discard(update_id)
                failed = task.cancelled() or task.exception() is not None
                # (a failure after the commit, say while sending, needs no second delivery:
                # it would be a duplicate, and its answers wait in the outbox)
                verdict = None if failed else task.result()
                if not committed and verdict in (Verdict.RETRY, Verdict.OUTAGE):
                    self.again.add(update_id)
                outage |= verdict is Verdict.OUTAGE and not committed
                stored |= committed or verdict is Verdict.DONE
        if outage:
            self.outages = min(self.outages + 1, 16)
            if self.outages == 1:
                log.warning("the database is unusable: updates are kept and tried again")
        elif stored and self.outages:
            log.info("the database is usable again")
            self.outages = 0

    async def _drain(self) -> None:
        """On the way out: finish what is in hand, and confirm it."""
        if self.in_hand:
            await asyncio.wait(self.in_hand.values(), timeout=DRAIN_SECONDS)
        await self._settle()
        with contextlib.suppress(TelegramError):  # confirming; a restart would do it too
            await self.app.bot.get_updates(offset=self.offset(), timeout=0, limit=1)


async def _unless(stop: asyncio.Event, work: Awaitable[T]) -> T | None:
    """``await work``, given up (cancelled, None returned) if ``stop`` is set first."""
    task = asyncio.ensure_future(work)
    stopped = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopped.cancel()
    if task.done():
        return task.result()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return None


async def serve_polling(settings: Settings, db: Engine) -> None:
    health = Health()
    app = build_application(settings, db, health)
    stop = stop_on_signals()
    status = None
    if settings.status_port is not None:  # first: a taken port fails before anything
        from bot.status import serve_status  # aiohttp's server: only when asked for

        status = await serve_status(settings.status_port, db, health)
    try:
        async with explained(settings), started(app, stop):
            await app.bot.delete_webhook()
            log.info("Rapport is running (long polling). Press Ctrl-C to stop.")
            await Poller(app, db_retry_seconds=settings.db_retry_seconds).run(stop)
    finally:
        if status is not None:
            await status.cleanup()


def run_polling(settings: Settings, db: Engine) -> None:
    """Fetch and handle updates on ``db`` (its schema checked) until SIGINT or SIGTERM."""
    logs.configure(settings.log_format, settings.log_level)
    if settings.telegram_bot_token is not None:
        logs.keep_secret(settings.telegram_bot_token.get_secret_value())
    if settings.webhook_secret is not None:
        logs.keep_secret(settings.webhook_secret.get_secret_value())
    asyncio.run(serve_polling(settings, db))
