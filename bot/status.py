"""Status endpoints: ``/healthz`` (liveness), ``/readyz`` (readiness), ``/metrics``.

Webhook mode adds them to its server on ``PORT``; polling mode serves them on
``STATUS_PORT`` when it is set (:func:`serve_status`).

- ``GET /healthz``: 200 ``{"status": "ok"}`` while the process runs.
- ``GET /readyz``: 200 when the database answers, takes a write (SQLite: a read-only
  or full file does not) and its schema is the one this version ships, and no update met
  a database outage since the last one stored (:class:`bot.store.outage.Health`); 503
  with a short reason otherwise. The check runs in a thread with a timeout, so a hung
  database gives 503, not a hung probe; at most one check runs at a time.
- ``GET /metrics``: Prometheus' text format (:mod:`bot.metrics`).
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from sqlalchemy import Engine, text

from bot import metrics
from bot.store.outage import Health, describe
from bot.store.schema import current_revision, head_revision

log = logging.getLogger(__name__)

READY_TIMEOUT = 2.0
"""Seconds /readyz waits for the database before answering 503."""


class Readiness:
    """Checks the database for ``/readyz``: it answers, and its schema is current."""

    def __init__(
        self, engine: Engine, timeout: float = READY_TIMEOUT, health: Health | None = None
    ) -> None:
        self.engine = engine
        self.timeout = timeout
        self.health = health
        self._head: str | None = None
        self._running: asyncio.Task[str | None] | None = None
        self._last: str | None = None

    def _check(self) -> str | None:
        """In a thread: None when ready, else the reason."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            if self.engine.dialect.name == "sqlite":
                _write_probe(self.engine)
            current = current_revision(self.engine)
        except Exception as exc:  # any driver's error means "not ready"
            return describe(exc)
        if self._head is None:
            self._head = head_revision()
        if current != self._head:
            return f"database schema is {current or 'empty'}, this version needs {self._head}"
        if self.health is not None and (reason := self.health.reason) is not None:
            return f"{reason}: updates are kept until it is usable again"
        return None

    async def check(self) -> str | None:
        """None when ready, else a short reason. A check still running is awaited again,
        never doubled: a hung database ties up one thread, not one per probe."""
        if self._running is None or self._running.done():
            self._running = asyncio.ensure_future(asyncio.to_thread(self._check))
        try:
            reason = await asyncio.wait_for(asyncio.shield(self._running), self.timeout)
        except TimeoutError:
            reason = f"database did not answer within {self.timeout:g} s"
        if reason != self._last:
            if reason is None:
                log.info("ready")
            else:
                log.warning("not ready: %s", reason)
            self._last = reason
        return reason


def _write_probe(engine: Engine) -> None:
    """Write to the SQLite file (its header's user_version, unchanged): a read-only file
    or a full disk fails here, where ``SELECT 1`` still works."""
    with engine.begin() as connection:
        version = connection.exec_driver_sql("PRAGMA user_version").scalar()
        connection.exec_driver_sql(f"PRAGMA user_version = {int(version or 0)}")


async def healthz(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def metrics_endpoint(_request: web.Request) -> web.Response:
    body, content_type = metrics.exposition()
    return web.Response(body=body, headers={"Content-Type": content_type})


def add_status_routes(
    app: web.Application,
    engine: Engine,
    *,
    timeout: float = READY_TIMEOUT,
    health: Health | None = None,
) -> None:
    """Add ``GET /healthz``, ``/readyz`` and ``/metrics`` to ``app``."""
    readiness = Readiness(engine, timeout, health)

    async def readyz(_request: web.Request) -> web.Response:
        reason = await readiness.check()
        if reason is None:
            return web.json_response({"status": "ok"})
        return web.json_response({"status": "unavailable", "reason": reason}, status=503)

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_endpoint)


async def serve_status(port: int, engine: Engine, health: Health | None = None) -> web.AppRunner:
    """Serve the status endpoints on 0.0.0.0:``port``; the caller calls ``cleanup()``."""
    app = web.Application()
    add_status_routes(app, engine, health=health)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, "0.0.0.0", port).start()
    except BaseException:
        await runner.cleanup()
        raise
    log.info("status endpoints on port %s (/healthz, /readyz, /metrics)", port)
    return runner
