"""The Telegram bot: a python-telegram-bot Application around the chat service.

Run it with ``rapport serve`` (long polling: :mod:`bot.telegram.polling`, or
``--webhook``: :mod:`bot.telegram.webhook`). Settings come from the environment; see
:mod:`bot.config`. Nudges are delivered by the durable dispatcher in a background
thread, never by PTB's in-memory JobQueue, so they survive restarts.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import threading
from collections.abc import AsyncIterator
from concurrent.futures import Future
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session as DbSession
from telegram import BotCommand
from telegram.error import BadRequest, InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot import logs, metrics
from bot.config import Settings
from bot.failures import CONFIGURATION, TRANSIENT, StartupFailure
from bot.store.dispatcher import Dispatcher
from bot.store.practices import Delivery, PracticeStore
from bot.telegram import handlers as h
from bot.telegram.postman import Postman
from bot.telegram.progress import Drawer
from bot.telegram.sender import Blocked
from bot.telegram.service import ChatService, Reply
from bot.telegram.transport import AiohttpRequest
from bot.voice.model import ModelVoice, VoiceConfig
from flows.understanding import understand

log = logging.getLogger(__name__)

COMMANDS = [
    ("start", "What Rapport is and how a practice goes"),
    ("practice", "Rehearse an informational interview"),
    ("prepare", "Add a question you send ahead"),
    ("questions", "Review the questions you send ahead"),
    ("end", "End the current practice"),
    ("report", "Your last scorecard"),
    ("history", "Your past practices"),
    ("progress", "A chart of your progress"),
    ("meeting", "Time a real informational interview"),
    ("done", "Log a real meeting you just left"),
    ("settings", "Meeting length and reminders"),
    ("export", "Everything Rapport keeps about you, as files"),
    ("delete", "Erase everything Rapport keeps about you"),
    ("help", "Commands"),
]


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


def build_application(settings: Settings, store: PracticeStore) -> Application:  # type: ignore[type-arg]
    assert settings.telegram_bot_token is not None
    token = settings.telegram_bot_token.get_secret_value().strip()
    config = VoiceConfig.from_settings(settings)
    voice = ModelVoice(config, store.flow.personas) if config is not None else None
    service = ChatService(store, settings.meeting_minutes, voice)
    base = settings.telegram_api_base_url
    background: dict[str, Any] = {}

    async def post_init(app: Application) -> None:  # type: ignore[type-arg]
        # Compile the understanding rules now, not on the first user's message (~1 s).
        await asyncio.to_thread(understand, "hello")
        if voice is not None:
            voice.warm()
        await app.bot.set_my_commands([BotCommand(name, text) for name, text in COMMANDS])
        postman = app.bot_data["postman"] = Postman(app.bot, service, voice=voice)
        background["stop"] = stop = asyncio.Event()
        background["postman"] = asyncio.create_task(postman.run(stop))
        background["nudges"] = nudges = NudgeRunner(service, postman)
        nudges.start()
        # Everything loaded so far (rules, personas, PTB) lives as long as the process:
        # keep it out of the collector's way, or each full collection walks it (ms pauses).
        gc.freeze()

    async def post_shutdown(app: Application) -> None:  # type: ignore[type-arg]
        if "nudges" in background:
            await asyncio.to_thread(background["nudges"].close)
        await app.bot_data["charts"].close()  # charts being drawn go to the postman
        if "stop" in background:
            background["stop"].set()
            await background["postman"]  # it marks what it sent on the way out
        if voice is not None:
            await voice.close()

    builder = (
        Application.builder()
        .token(token)
        .base_url(f"{base}/bot")
        .base_file_url(f"{base}/file/bot")
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .request(
            AiohttpRequest(
                read_timeout=settings.telegram_timeout, write_timeout=settings.telegram_timeout
            )
        )
        .get_updates_request(AiohttpRequest(pool_size=2))
    )
    share = settings.send_rate / settings.replicas
    if share > 0:  # this replica's share of the deployment's budget (0: no limit)
        # One message per 1/share seconds: evenly spaced, so no second ever holds a burst.
        limiter = AIORateLimiter(overall_max_rate=1, overall_time_period=1 / share, max_retries=0)
        # (typed for the bot's rate-limit arguments, which we never pass: None vs int)
        builder = builder.rate_limiter(limiter)  # type: ignore[arg-type]
    # Updates arrive through our own webhook server or poller (bot.telegram.polling): they
    # confirm an update to Telegram only once it is handled, which PTB's updater does not.
    builder = builder.updater(None)
    app = builder.build()
    app.bot_data["service"] = service
    app.bot_data["charts"] = Drawer()
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
    return app


def stop_on_signals() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM (Ctrl-C, a container stopping)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


@asynccontextmanager
async def explained(settings: Settings) -> AsyncIterator[None]:
    """Telegram refusing the token, an unusable Bot API address, or a refused start-up
    call, as a :class:`StartupFailure` with one clear line (no traceback, no token)."""
    base = settings.telegram_api_base_url
    try:
        yield
    except InvalidToken as exc:
        said = str(exc.__cause__ or exc).lower()
        if "not found" in said:
            raise StartupFailure(
                f"the Bot API at {base} answered 404 Not Found: check TELEGRAM_API_BASE_URL "
                "(the server root, e.g. https://api.telegram.org) and TELEGRAM_BOT_TOKEN",
                CONFIGURATION,
            ) from None
        raise StartupFailure(
            "Telegram rejected TELEGRAM_BOT_TOKEN (401 Unauthorized): check it with @BotFather",
            CONFIGURATION,
        ) from None
    except BadRequest as exc:  # a NetworkError subclass in PTB, but a refusal: no retry helps
        raise StartupFailure(
            f"Telegram refused a start-up call ({logs.scrub(str(exc))[:200]})", CONFIGURATION
        ) from None
    except NetworkError as exc:  # DNS, TLS, refused, reset, timed out
        raise StartupFailure(
            f"cannot reach the Bot API at {base} ({type(exc).__name__}: "
            f"{logs.scrub(str(exc))[:160]}): check TELEGRAM_API_BASE_URL and the network",
            TRANSIENT,
        ) from None
    except TelegramError as exc:
        raise StartupFailure(
            f"Telegram refused a start-up call ({type(exc).__name__}: "
            f"{logs.scrub(str(exc))[:160]})",
            CONFIGURATION,
        ) from None


@asynccontextmanager
async def _entered(app: Application) -> AsyncIterator[None]:  # type: ignore[type-arg]
    """The block, then ``app``'s exit (its ``__aenter__`` already done)."""
    try:
        yield
    finally:
        await app.__aexit__(None, None, None)


@asynccontextmanager
async def started(app: Application) -> AsyncIterator[None]:  # type: ignore[type-arg]
    """``app`` running, with its background work (commands, the postman, the nudge
    dispatcher: post_init) for the block; all of it stopped afterwards."""
    try:
        await app.__aenter__()
    except BaseException:
        # A refused start (a wrong token) leaves the app uninitialised, so its shutdown
        # skips the HTTP sessions: close them here, or Python complains at exit.
        for request in app.bot._request:
            await request.shutdown()
        raise
    async with _entered(app):
        await app.start()
        try:
            if app.post_init is not None:
                await app.post_init(app)
            yield
        finally:
            await app.stop()
            if app.post_shutdown is not None:
                await app.post_shutdown(app)
