"""Webhook mode: an aiohttp server on ``PORT`` that Telegram POSTs updates to.

- ``POST /telegram``: Telegram's ``X-Telegram-Bot-Api-Secret-Token`` header must equal
  ``WEBHOOK_SECRET`` (wrong or missing: 403), a body that is no update gets 400. The update
  is committed before the answer (its replies follow from the outbox), so Telegram retries
  it if this process dies midway. While the database is unusable the answer is 503, for
  as long as it takes: Telegram keeps sending the update until it is stored. An update
  whose handling fails for a reason of its own gets 500, and is set aside after
  ``MAX_TRIES`` (:mod:`bot.telegram.intake`). Updates of one chat are processed in
  order, one at a time. A body larger than ``WEBHOOK_MAX_BODY_BYTES`` gets 413, one not
  sent in full within ``WEBHOOK_BODY_TIMEOUT`` seconds 408 (both unacknowledged, and the
  connection closed).
- ``GET /healthz``, ``GET /readyz``, ``GET /metrics``: liveness, readiness and metrics
  (:mod:`bot.status`).

The bot registers ``WEBHOOK_URL`` (with the secret) with Telegram on start. Connections
are accepted by :class:`bot.telegram.listener.Listener`: a cap on open connections, a time
limit for request headers, failed accepts that never flood the log.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging

from aiohttp import web
from sqlalchemy import Engine
from telegram import Update
from telegram.ext import Application

from bot import logs
from bot.config import Settings
from bot.logs import Throttled
from bot.status import add_status_routes, serve_status
from bot.store.outage import Health
from bot.telegram.app import build_application, explained, started, stop_on_signals
from bot.telegram.intake import Verdict, take
from bot.telegram.listener import Limits, Listener
from bot.telegram.ordering import ChatLocks

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookServer:
    def __init__(
        self,
        app: Application,  # type: ignore[type-arg]
        secret: str,
        engine: Engine,
        health: Health | None = None,
        limits: Limits | None = None,
        listener: Listener | None = None,
    ) -> None:
        self.app = app
        self.secret = secret
        self.engine = engine
        self.health = health
        self.limits = limits or Limits()
        self.listener = listener
        self.chats = ChatLocks()
        self.refused_bodies = Throttled(
            log,
            "webhook: %d requests with the secret refused for a body over "
            f"{self.limits.max_body:,} bytes or not sent within "
            f"{self.limits.body_timeout:g} s (in the last %g s)",
            self.limits.log_interval,
        )

    def routes(self) -> web.Application:
        middlewares = [self.listener.middleware] if self.listener is not None else []
        web_app = web.Application(client_max_size=self.limits.max_body, middlewares=middlewares)
        web_app.router.add_post(WEBHOOK_PATH, self.receive)
        add_status_routes(web_app, self.engine, health=self.health)
        return web_app

    async def receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            return _closing(403, "forbidden")
        if (request.content_length or 0) > self.limits.max_body:
            self.refused_bodies.note()
            return _closing(413, "body too large")
        try:
            async with asyncio.timeout(self.limits.body_timeout):
                body = await request.read()
        except TimeoutError:
            self.refused_bodies.note()
            return _closing(408, "body not received in time")
        except web.HTTPRequestEntityTooLarge:  # no Content-Length (chunked), too long
            self.refused_bodies.note()
            return _closing(413, "body too large")
        except Exception:  # the connection broke, a malformed chunk...
            return _closing(400, "body not received")
        try:
            payload = json.loads(body)
            # Anything python-telegram-bot cannot make an update of is the sender's error:
            # it raises AttributeError, TypeError, KeyError... on odd shapes.
            update = Update.de_json(payload, self.app.bot) if _is_update(payload) else None
        except Exception:
            return web.json_response({"ok": False, "error": "not a Telegram update"}, status=400)
        if update is None:
            return web.json_response({"ok": False, "error": "not a Telegram update"}, status=400)
        verdict = await take(self.app, self.chats, update)
        if verdict is Verdict.REJECTED:
            return web.json_response({"ok": False, "error": "not a Telegram update"}, status=400)
        if verdict is Verdict.OUTAGE:  # not acknowledged: Telegram sends it again
            return web.json_response({"ok": False, "error": "database unavailable"}, status=503)
        if verdict is Verdict.RETRY:  # not acknowledged: Telegram sends it again
            return web.json_response({"ok": False, "error": "try again"}, status=500)
        return web.json_response({"ok": True})


async def serve_webhook(settings: Settings, db: Engine) -> None:
    assert settings.webhook_url and settings.webhook_secret
    health = Health()
    app = build_application(settings, db, health)
    secret = settings.webhook_secret.get_secret_value()
    limits = Limits.from_settings(settings)
    stop = stop_on_signals()
    async with explained(settings), started(app, stop):
        await app.bot.set_webhook(
            settings.webhook_url, secret_token=secret, allowed_updates=Update.ALL_TYPES
        )
        listener = Listener(limits)
        server = WebhookServer(app, secret, db, health, limits, listener)
        runner = web.AppRunner(server.routes(), access_log=None)
        await runner.setup()
        try:
            assert runner.server is not None
            await listener.start(runner.server, "0.0.0.0", settings.port)
            status = None  # also on STATUS_PORT when set apart (e.g. for the image's check)
            if settings.status_port is not None and settings.status_port != settings.port:
                status = await serve_status(settings.status_port, db, health)
            log.info(
                "Rapport is running (webhook on port %s, at most %d connections). "
                "Press Ctrl-C to stop.",
                settings.port,
                listener.cap,
            )
            try:
                await stop.wait()
            finally:
                if status is not None:
                    await status.cleanup()
        finally:
            await listener.close()
            await runner.cleanup()


def run_webhook(settings: Settings, db: Engine) -> None:
    """Take updates on ``db`` (its schema checked) until SIGINT or SIGTERM."""
    logs.configure(settings.log_format, settings.log_level)
    if settings.telegram_bot_token is not None:
        logs.keep_secret(settings.telegram_bot_token.get_secret_value())
    if settings.webhook_secret is not None:
        logs.keep_secret(settings.webhook_secret.get_secret_value())
    asyncio.run(serve_webhook(settings, db))


def _closing(status: int, error: str) -> web.Response:
    """An error answer that closes the connection (the body may be left unread)."""
    response = web.json_response({"ok": False, "error": error}, status=status)
    response.force_close()
    return response


def _is_update(payload: object) -> bool:
    """An object with an integer update id and text that is valid Unicode (JSON escapes
    can carry lone surrogates, which no database or Bot API call accepts)."""
    if not isinstance(payload, dict) or type(payload.get("update_id")) is not int:
        return False
    try:
        json.dumps(payload, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return False
    return True
