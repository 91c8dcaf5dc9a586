"""What handles the bot's updates, set up in the background once it is fetching them.

The practice store, the chat service, the handlers, the postman, the nudge dispatcher,
the contacts and the understanding: importing this module (the storage layer, the flows)
and loading them takes about half a second, and none of it is needed to start fetching
updates, which wait for it (:mod:`bot.telegram.app`, :func:`bot.telegram.intake.take`).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import Future
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session as DbSession
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot import metrics
from bot.late_notes import late_note_after
from bot.store.dispatcher import Dispatcher
from bot.store.outage import Health
from bot.store.practices import Delivery, PracticeStore
from bot.store.updates import bot_id_of
from bot.telegram import handlers as h
from bot.telegram.postman import Postman
from bot.telegram.progress import Drawer
from bot.telegram.replies import Reply
from bot.telegram.sender import Blocked
from bot.telegram.service import ChatService
from bot.voice.config import VoiceConfig
from bot.voice.model import ModelVoice
from bot.voice.worker import WorkerVoice, wants_worker
from flows import understanding
from flows.engine import Engine as Flow

__all__ = [
    "ChatService",
    "Drawer",
    "ModelVoice",
    "NudgeRunner",
    "Postman",
    "VoiceConfig",
    "WorkerVoice",
    "add_handlers",
    "bot_id_of",
    "open_store",
    "wants_worker",
]

log = logging.getLogger(__name__)


def open_store(db: Engine, bot_id: int, health: Health, *, phrasing: bool) -> PracticeStore:
    """The practice store on ``db`` (its schema already checked), with the updates of an
    earlier bot id adopted, the contacts read and the understanding loaded (a thread's
    work: it reads files and the database). ``phrasing``: a model voice phrases lines."""
    late = late_note_after()  # (checked by ``rapport serve`` before it started)
    flow = (
        Flow(phrasing=phrasing) if late is None else Flow(late_note_after=late, phrasing=phrasing)
    )
    store = PracticeStore(db, flow, bot_id=bot_id, health=health)
    if bot_id:
        with DbSession(store.engine) as db_session, db_session.begin():
            store.updates.adopt(db_session)
    _ = store.flow.personas  # (a contact file with a problem stops the bot: PersonaError)
    understanding.load()
    return store


def add_handlers(app: Application) -> None:  # type: ignore[type-arg]
    private = filters.ChatType.PRIVATE
    # A group's new messages only: an edit or a service message ("X joined") is no question.
    app.add_handler(
        MessageHandler(
            filters.ChatType.GROUPS & ~filters.UpdateType.EDITED & ~filters.StatusUpdate.ALL,
            h.on_group,
        )
    )
    app.add_handler(CommandHandler("start", h.on_start, filters=private))
    app.add_handler(CommandHandler("help", h.on_help, filters=private))
    app.add_handler(CommandHandler("practice", h.on_practice, filters=private))
    app.add_handler(CommandHandler("end", h.on_end, filters=private))
    app.add_handler(CommandHandler("prepare", h.on_prepare, filters=private))
    app.add_handler(CommandHandler("questions", h.on_questions, filters=private))
    app.add_handler(CommandHandler("report", h.on_report, filters=private))
    app.add_handler(CommandHandler("history", h.on_history, filters=private))
    app.add_handler(CommandHandler("progress", h.on_progress, filters=private))
    app.add_handler(CommandHandler("meeting", h.on_meeting, filters=private))
    app.add_handler(CommandHandler("done", h.on_done, filters=private))
    app.add_handler(CommandHandler("settings", h.on_settings, filters=private))
    app.add_handler(CommandHandler("export", h.on_export, filters=private))
    app.add_handler(CommandHandler("delete", h.on_delete, filters=private))
    app.add_handler(CallbackQueryHandler(h.on_button))
    # After every CommandHandler: a command none of them took.
    app.add_handler(
        MessageHandler(private & filters.COMMAND & ~filters.UpdateType.EDITED, h.on_unknown_command)
    )
    app.add_handler(
        MessageHandler(
            private & filters.TEXT & ~filters.COMMAND & ~filters.UpdateType.EDITED, h.on_text
        )
    )
    app.add_handler(
        MessageHandler(
            private & ~filters.TEXT & ~filters.UpdateType.EDITED & ~filters.StatusUpdate.ALL,
            h.on_unsupported,
        )
    )
    app.add_error_handler(h.on_error)


def wall_clock() -> datetime:
    return datetime.now(UTC)


class NudgeRunner:
    """Runs the durable dispatcher in a thread. A nudge's text is queued in the outbox in
    the transaction that delivers it, and handed to the postman once that has committed
    (the dispatcher never waits for Telegram: one slow chat delays no other nudge)."""

    def __init__(self, service: ChatService, postman: Postman) -> None:
        self.service = service
        self.postman = postman
        self.stop = threading.Event()
        self.dispatcher = Dispatcher(service.store, lambda _delivery: None, record=self._record)
        self.thread = threading.Thread(target=self._run, name="nudges", daemon=True)
        self.loop: asyncio.AbstractEventLoop | None = None
        self._sending: set[Future[None]] = set()

    def start(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.thread.start()

    def close(self) -> None:
        self.stop.set()
        self.dispatcher.wake()
        self.thread.join(timeout=10)

    def _run(self) -> None:
        self.dispatcher.run(self.stop, wall_clock)

    def _record(self, db: DbSession, delivery: Delivery) -> None:
        chat_id = self.service.chat_of(delivery.user_id)
        if chat_id is None:  # blocked the bot, or not a Telegram user
            return
        replies = self.service.render_delivery(delivery)
        queued = self.service.queue(db, delivery.user_id, chat_id, replies, wall_clock())
        self.service.store.on_commit(lambda: self._post(chat_id, queued, delivery))

    def _post(self, chat_id: int, replies: list[Reply], delivery: Delivery) -> None:
        if self.loop is None:
            return  # not started: the postman's loop sends them once their lease is over
        sending = asyncio.run_coroutine_threadsafe(
            self._send(chat_id, replies, delivery), self.loop
        )
        self._sending.add(sending)
        sending.add_done_callback(self._sending.discard)

    async def _send(self, chat_id: int, replies: list[Reply], delivery: Delivery) -> None:
        try:
            sent = await self.postman.deliver(chat_id, replies)
        except Blocked:
            await self.service.run(self.service.deactivate, delivery.user_id, wall_clock())
            return
        if not sent:  # Telegram failed it: it stays queued and the postman tries again
            metrics.nudge_retried(delivery.nudge.kind)
            log.warning(
                "nudge %s (%s) not delivered yet; it stays queued for a retry",
                delivery.nudge.id,
                delivery.nudge.kind,
                extra={"user_id": delivery.user_id, "nudge": delivery.nudge.kind},
            )
            return
        # Marked at once, not batched with the answers: a nudge shown twice after a crash
        # is worse than a commit per nudge (they are few).
        try:
            await self.postman.flush()
        except Exception as exc:  # the timer the postman set marks it a moment later
            log.warning("marking nudge %s sent failed (%s)", delivery.nudge.id, type(exc).__name__)
        late = (wall_clock() - delivery.nudge.due_at).total_seconds()
        metrics.nudge_sent(delivery.nudge.kind, late)
        log.info(
            "nudge %s (%s) sent %.1fs after due",
            delivery.nudge.id,
            delivery.nudge.kind,
            late,
            extra={"user_id": delivery.user_id, "nudge": delivery.nudge.kind},
        )
