"""Sending what the outbox holds: an answer right after its commit, the rest later.

:meth:`Postman.deliver` sends an update's (or a nudge's) replies in order, as soon as the
transaction that queued them has committed; what it sent is marked in the outbox a moment
later, many at once. If Telegram keeps failing (the sender's retries are used up), the
rest of that answer stays queued with a backoff, and the chat's next answer takes it along
first, so nothing newer overtakes it. :meth:`Postman.run` is the background
loop (every replica runs one) that sends whatever is due: answers a dead process queued
and never sent, and the ones that failed. One chat's messages go out in order, different
chats' at the same time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from telegram import Bot
from telegram.error import BadRequest

from bot.store.outbox import RENEW, Letter
from bot.telegram.ordering import ChatLocks
from bot.telegram.replies import Reply, reply_of
from bot.telegram.sender import Blocked, send_one
from bot.telegram.service import ChatService
from bot.voice.telegram import phrase_all, typing_meanwhile

if TYPE_CHECKING:
    from bot.voice.model import ModelVoice

log = logging.getLogger(__name__)

FLUSH_SECONDS = 0.25
"""How long the sending must have been quiet before what was sent is marked in the outbox
by a commit of its own. Usually the next update's transaction marks it first, at no
extra commit (:meth:`ChatService.handle`); a process killed before marking repeats those
messages later, so the wait is short."""
POLL_SECONDS = 2.0
SHUTDOWN_SECONDS = 5.0


def wall_clock() -> datetime:
    return datetime.now(UTC)


class Postman:
    def __init__(
        self,
        bot: Bot,
        service: ChatService,
        *,
        poll: float = POLL_SECONDS,
        clock: Callable[[], datetime] = wall_clock,
        voice: ModelVoice | None = None,
    ) -> None:
        self.bot = bot
        self.service = service
        self.voice = voice
        """Phrases an answer's contact lines before it goes (see bot.voice.telegram)."""
        self.poll = poll
        self.clock = clock
        self.chats = ChatLocks()
        self._posted: dict[int, asyncio.Task[None]] = {}
        """Each chat's latest courier (see post): the next one goes after it."""
        self._flushing: asyncio.Task[None] | None = None
        self._last_mark = 0.0
        self._held: set[int] = set()
        """Outbox rows this process is sending (queued behind the rate limiter, or on
        their way): their leases are renewed and no pass of the loop takes them again."""
        self._held_back: dict[int, dict[int, int]] = {}
        """Per chat, the rows this process put back after Telegram kept failing (id to
        attempts, see Outbox.retake): the chat's next answer takes them along first."""

    # -- right after a commit ---------------------------------------------------------------

    def post(
        self,
        chat_id: int,
        replies: Sequence[Reply],
        *,
        after: asyncio.Task[None] | None = None,
        on_blocked: Callable[[], Awaitable[None]] | None = None,
    ) -> asyncio.Task[None]:
        """Send ``replies`` once what was posted to the chat before has gone (and ``after``,
        the typing action, is done or called off), without making the caller wait: the
        update's handler returns at its commit, so the chat's next update can be worked on
        while this one's answer is on its way. ``on_blocked`` runs if the user has blocked
        the bot."""
        previous = self._posted.get(chat_id)
        self._hold(replies)
        phrasing = None
        if self.voice is not None and any(r.voice for r in replies):  # asked for at once
            phrasing = asyncio.create_task(phrase_all(self.voice, replies))
        courier = asyncio.create_task(
            self._carry(chat_id, replies, previous, after, on_blocked, phrasing)
        )
        self._posted[chat_id] = courier
        courier.add_done_callback(lambda done: self._posted_gone(chat_id, done))
        return courier

    async def _carry(
        self,
        chat_id: int,
        replies: Sequence[Reply],
        previous: asyncio.Task[None] | None,
        after: asyncio.Task[None] | None,
        on_blocked: Callable[[], Awaitable[None]] | None,
        phrasing: asyncio.Task[list[Reply]] | None = None,
    ) -> None:
        try:
            for first in (previous, after):
                if first is not None:
                    await asyncio.wait([first])
            refused = after.exception() if after is not None and not after.cancelled() else None
            if isinstance(refused, Blocked):  # (the typing action found out first)
                raise refused
            if phrasing is not None:
                shown = after is not None and not after.cancelled()
                replies = await typing_meanwhile(self.bot, chat_id, phrasing, shown)
            await self.deliver(chat_id, replies)
        except Blocked:
            if on_blocked is not None:
                await on_blocked()
        except Exception as exc:  # never unseen: what is unsent stays in the outbox
            log.error("sending to chat %s failed (%s)", chat_id, type(exc).__name__)
        finally:  # (deliver lets go of them too; not if it never ran)
            self._held.difference_update(r.outbox_id for r in replies)

    def _hold(self, replies: Sequence[Reply]) -> None:
        self._held.update(r.outbox_id for r in replies if r.outbox_id is not None)

    def _posted_gone(self, chat_id: int, courier: asyncio.Task[None]) -> None:
        if self._posted.get(chat_id) is courier:
            del self._posted[chat_id]

    async def deliver(self, chat_id: int, replies: Sequence[Reply]) -> bool:
        """Send ``replies`` in order, never interleaved with another batch for the chat;
        whether all of them went out. Blocked (the user blocked the bot) is raised for the
        caller to act on; any other failure leaves the rest queued for a later attempt."""
        self._hold(replies)
        sending = list(replies)
        try:
            async with self.chats.hold(chat_id):
                sending = await self._behind_held_back(chat_id, sending)
                return await self._send(chat_id, sending)
        finally:
            self._held.difference_update(r.outbox_id for r in sending)

    async def _behind_held_back(self, chat_id: int, replies: list[Reply]) -> list[Reply]:
        """``replies``, after what this process held back for the chat (the end of an
        earlier answer that Telegram kept failing on), so that nothing newer overtakes it.
        Rows that some sender has taken since are theirs to send."""
        held = self._held_back.pop(chat_id, None)
        ours = {r.outbox_id for r in replies}
        held = {i: a for i, a in (held or {}).items() if i not in ours}
        if not held:
            return replies
        try:
            earlier = await self.service.run(self.service.outbox.retake, held, self.clock())
        except Exception as exc:  # the database: they stay queued, and remembered
            log.error("taking back held messages failed (%s)", type(exc).__name__)
            self._held_back[chat_id] = held
            return replies
        first = [reply_of(letter, buttons=False) for letter in earlier]
        self._hold(first)
        return first + replies

    async def _send(self, chat_id: int, replies: Sequence[Reply]) -> bool:
        complete = True
        for i, reply in enumerate(replies):
            try:
                await send_one(self.bot, chat_id, reply)
            except Blocked:
                raise
            except BadRequest as exc:  # the same request would fail the same way: give up
                log.error(
                    "Telegram refused a message for chat %s (%s); it is dropped",
                    chat_id,
                    type(exc).__name__,
                )
                if reply.outbox_id is not None:
                    await self.service.run(self.service.outbox.fail, [reply.outbox_id])
                complete = False
                continue
            except Exception as exc:
                later = [r.outbox_id for r in replies[i:] if r.outbox_id is not None]
                log.warning(
                    "sending to chat %s failed (%s); %d message(s) stay queued",
                    chat_id,
                    type(exc).__name__,
                    len(later),
                )
                held = await self.service.run(self.service.outbox.retry_later, later, self.clock())
                self._held_back.setdefault(chat_id, {}).update(held)
                return False
            if reply.outbox_id is not None:
                self._mark_sent(reply.outbox_id, reply)
        return complete

    def _mark_sent(self, outbox_id: int, reply: Reply) -> None:
        if reply.phrased:
            self.service.sent(outbox_id, reply.phrased)
        else:
            self.service.sent(outbox_id)
        self._last_mark = asyncio.get_running_loop().time()
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.create_task(self._flush_soon())

    async def _flush_soon(self) -> None:
        # Once the sending has been quiet for FLUSH_SECONDS: while answers keep going out,
        # the next update's transaction marks them at no cost, and a commit of its own
        # (a disk flush, on the event loop with SQLite) would only delay someone's answer.
        loop = asyncio.get_running_loop()
        while (quiet := loop.time() - self._last_mark) < FLUSH_SECONDS:
            await asyncio.sleep(FLUSH_SECONDS - quiet)
        await self.flush()

    async def flush(self) -> None:
        """Mark what was sent and no update has marked yet, now (also on shutdown)."""
        if self.service.unmarked():
            await self.service.run(self.service.mark_sent)

    # -- the background loop ----------------------------------------------------------------

    async def renew_leases(self) -> None:
        """Keep the rows this process holds (waiting for the rate limiter, or sent and
        not yet marked) leased to it, so that no sender takes them again."""
        held = self._held | set(self.service.unmarked_ids())
        if held:
            await self.service.run(self.service.outbox.renew, held, self.clock())

    async def _keep_leases(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), RENEW.total_seconds())
            try:
                await self.renew_leases()
            except Exception as exc:  # the database: the next round tries again
                log.error("renewing outbox leases failed (%s)", type(exc).__name__)

    async def run(self, stop: asyncio.Event) -> None:
        """Until ``stop``: send what is due, then wait ``poll`` seconds (and meanwhile
        renew the leases of what is still being sent)."""
        keeper = asyncio.create_task(self._keep_leases(stop))
        while not stop.is_set():
            try:
                await self.send_due()
            except Exception as exc:  # the database or the network: try again next round
                log.error("outbox pass failed (%s); retrying shortly", type(exc).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.poll)
        if self._posted:  # answers on their way: let them arrive (else the outbox sends later)
            await asyncio.wait(list(self._posted.values()), timeout=SHUTDOWN_SECONDS)
        await keeper
        await self.flush()

    async def send_due(self) -> int:
        """Claim what is due and send it, chats side by side; returns how many were due."""
        letters = await self.service.run(
            self.service.outbox.claim_due, self.clock(), skip=frozenset(self._held)
        )
        by_chat: defaultdict[int, list[Letter]] = defaultdict(list)
        for letter in letters:
            by_chat[letter.chat_id].append(letter)
            held = self._held_back.get(letter.chat_id)
            if held is not None:  # taken by this pass: no longer held back
                held.pop(letter.id, None)
                if not held:
                    del self._held_back[letter.chat_id]
        await asyncio.gather(*(self._resend(chat, rows) for chat, rows in by_chat.items()))
        return len(letters)

    async def _resend(self, chat_id: int, letters: list[Letter]) -> None:
        # Recovered messages are late (their lease ran out): their buttons (a checklist,
        # a contact picker) likely belong to a moment that has passed, so they go without.
        try:
            await self.deliver(chat_id, [reply_of(letter, buttons=False) for letter in letters])
        except Blocked:
            await self.service.run(self.service.deactivate, letters[0].user_id, self.clock())
