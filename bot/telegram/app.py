"""The Telegram bot: a python-telegram-bot Application around the chat service.

Run it with ``rapport serve`` (long polling: :mod:`bot.telegram.polling`, or
``--webhook``: :mod:`bot.telegram.webhook`). Settings come from the environment; see
:mod:`bot.config`. Nudges are delivered by the durable dispatcher in a background
thread, never by PTB's in-memory JobQueue, so they survive restarts.

Starting takes what fetching updates needs (settings, the schema check, the Bot API
client); what handles them (:mod:`bot.telegram.handling`) is imported and set up in the
background meanwhile, and updates wait for it: a restart is fetching again in about
twice the time a bare python-telegram-bot bot takes (``tests/bench/bench_cold_start.py``).
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import logging
import signal
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import Engine
from telegram import BotCommand
from telegram.error import BadRequest, InvalidToken, NetworkError, TelegramError
from telegram.ext import AIORateLimiter, Application

from bot import logs
from bot.config import Settings
from bot.failures import CONFIGURATION, TRANSIENT, StartupFailure
from bot.store.outage import Health
from bot.telegram.intake import LOADED
from bot.telegram.transport import AiohttpRequest

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


def build_application(settings: Settings, db: Engine, health: Health) -> Application:  # type: ignore[type-arg]
    """The bot, ready to fetch updates on ``db`` (its schema checked): what handles them is
    set up in the background once it has started (:mod:`bot.telegram.handling`), and
    updates wait for it (:func:`bot.telegram.intake.take`)."""
    assert settings.telegram_bot_token is not None
    token = settings.telegram_bot_token.get_secret_value().strip()
    base = settings.telegram_api_base_url
    background: dict[str, Any] = {}

    async def set_up(app: Application) -> None:  # type: ignore[type-arg]
        """The store, the service and its handlers, the postman and the nudges."""
        handling = await asyncio.to_thread(importlib.import_module, "bot.telegram.handling")
        bot_id = handling.bot_id_of(token)
        config = handling.VoiceConfig.from_settings(settings)
        store = await asyncio.to_thread(
            handling.open_store, db, bot_id, health, phrasing=config is not None
        )
        voice = None
        if config is not None:
            apart = handling.wants_worker(settings.llm_worker)
            kind = handling.WorkerVoice if apart else handling.ModelVoice
            voice = kind(config, store.flow.personas)
            log.info("model voice: requests %s", "in a worker process" if apart else "in process")
        background["voice"] = voice
        if voice is not None:
            voice.warm()
        app.bot_data["service"] = service = handling.ChatService(
            store, settings.meeting_minutes, voice
        )
        app.bot_data["charts"] = handling.Drawer()
        handling.add_handlers(app)
        postman = app.bot_data["postman"] = handling.Postman(app.bot, service, voice=voice)
        background["stop"] = stop = asyncio.Event()
        background["postman"] = asyncio.create_task(postman.run(stop))
        background["nudges"] = nudges = handling.NudgeRunner(service, postman)
        nudges.start()

    async def post_init(app: Application) -> None:  # type: ignore[type-arg]
        # What handles updates (the storage layer, the flows, the contacts, the
        # understanding's rules and encoder: ~0.5 s), then every regex compiled and the
        # typo index, load in the background while updates are already being fetched.
        app.bot_data[LOADED] = loaded = asyncio.get_running_loop().create_future()
        app.bot_data[LOADING] = asyncio.create_task(_load(set_up(app), loaded, app.bot_data))
        await app.bot.set_my_commands([BotCommand(name, text) for name, text in COMMANDS])

    async def post_shutdown(app: Application) -> None:  # type: ignore[type-arg]
        loading: asyncio.Task[None] | None = app.bot_data.get(LOADING)
        if loading is not None and not loading.done():  # stopped at once: start nothing
            loading.cancel()
            await asyncio.wait({loading})
        if "nudges" in background:
            await asyncio.to_thread(background["nudges"].close)
        if (charts := app.bot_data.get("charts")) is not None:
            await charts.close()  # charts being drawn go to the postman
        if "stop" in background:
            background["stop"].set()
            await background["postman"]  # it marks what it sent on the way out
        if background.get("voice") is not None:
            await background["voice"].close()

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
    return app


LOADING = "loading"
"""``bot_data`` key: the task of :func:`_load` (its failure stops the bot)."""


async def _load(
    set_up: Coroutine[Any, Any, None], loaded: asyncio.Future[bool], bot_data: dict[str, Any]
) -> None:
    """``set_up``, then say so on ``loaded`` (True; False if it failed: the updates that
    wait are then not handled, and come again); then, with updates going ahead, compile
    every regex (the rules' and each contact's own) and build the typo index."""
    ok = False
    try:
        await set_up
        ok = True
    finally:
        if not loaded.done():
            loaded.set_result(ok)
    from flows.understanding import warm_up  # (imported in set_up already)

    await asyncio.to_thread(warm_up)
    service = bot_data.get("service")
    if service is not None:
        await asyncio.to_thread(service.store.flow.warm_up)
    log.debug("contacts and understanding loaded")
    # Everything loaded so far (rules, personas, PTB) lives as long as the process:
    # keep it out of the collector's way, or each full collection walks it (ms pauses).
    gc.freeze()


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
async def started(
    app: Application,  # type: ignore[type-arg]
    stop: asyncio.Event,
) -> AsyncIterator[None]:
    """``app`` running, with its background work (commands, the postman, the nudge
    dispatcher, loading the contacts and the understanding: post_init) for the block; all
    of it stopped afterwards. If loading fails, ``stop`` is set and its error raised
    once everything has stopped (as when it loaded before the block)."""
    try:
        await app.__aenter__()
    except BaseException:
        # A refused start (a wrong token) leaves the app uninitialised, so its shutdown
        # skips the HTTP sessions: close them here, or Python complains at exit.
        for request in app.bot._request:
            await request.shutdown()
        raise
    warming: asyncio.Task[None] | None = None
    async with _entered(app):
        await app.start()
        try:
            if app.post_init is not None:
                await app.post_init(app)
            warming = app.bot_data.get(LOADING)
            if warming is not None:
                warming.add_done_callback(lambda task: _stop_if_failed(task, stop))
            yield
        finally:
            await app.stop()
            if app.post_shutdown is not None:
                await app.post_shutdown(app)
    if warming is not None and _failed(warming):
        raise warming.exception()  # type: ignore[misc]


def _failed(task: asyncio.Task[None]) -> bool:
    return task.done() and not task.cancelled() and task.exception() is not None


def _stop_if_failed(task: asyncio.Task[None], stop: asyncio.Event) -> None:
    if _failed(task):
        stop.set()
