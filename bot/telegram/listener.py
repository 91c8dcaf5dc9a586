"""The webhook's listening socket, guarded against connections that hold on without sending
a request (slow loris) and against running out of file descriptors.

aiohttp parses and answers the requests; this module owns the accept loop around it:

- At most ``max_connections`` connections are open at once, lowered at start to fit under
  the process's open-file limit (``RLIMIT_NOFILE``) with room left for the database, the
  Bot API and the logs (:func:`connection_budget`). A connection past the cap takes the
  place of the oldest one still waiting for its request headers (an idle one, which has
  not started a request); when every open connection is in a request, the new one is
  closed as soon as it is accepted, which costs a moment and no descriptor.
- A connection must send complete request headers within ``header_timeout`` seconds of
  opening, or of the answer to its previous request, or it is closed: a connection that
  sends nothing, or its headers a byte at a time, cannot hold a place for long. Telegram
  sends its headers at once and opens a new connection when an idle one was closed.
- ``accept()`` failing for want of resources (too many open files...) closes the oldest
  idle connection or pauses accepting for a moment. It never spins: asyncio's own accept
  loop (Python 3.11) logs such a failure with a traceback up to ``backlog`` times per
  attempt and schedules as many retries, which filled disks with logs.
- Each of these is logged at most once per ``log_interval`` seconds, with a count
  (:class:`bot.logs.Throttled`), and counted in ``/metrics``. So are aiohttp's own
  complaints about malformed requests (one traceback each, otherwise).

The request body's limits (size, time to send it) are checked by the handler that reads
it (:mod:`bot.telegram.webhook`); :meth:`Listener.middleware` tells this module when a
request starts and ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import resource
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot import metrics
from bot.config import Settings
from bot.logs import OncePerInterval, Throttled

log = logging.getLogger(__name__)

FD_RESERVE = 128
"""Descriptors kept free beyond those open at start: database connections (three each
for SQLite in WAL mode), Bot API connections, log files."""
BACKLOG = 128
ACCEPT_PAUSE = 0.25
"""Seconds accepting pauses after accept() failed with nothing to free."""
OUT_OF_RESOURCES = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})


@dataclass(frozen=True)
class Limits:
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    max_body: int = 1_048_576
    max_connections: int = 256
    log_interval: float = 60.0

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            header_timeout=settings.webhook_header_timeout,
            body_timeout=settings.webhook_body_timeout,
            max_body=settings.webhook_max_body_bytes,
            max_connections=settings.webhook_max_connections,
            log_interval=settings.webhook_log_interval,
        )


def open_descriptors() -> int:
    for folder in ("/proc/self/fd", "/dev/fd"):
        with contextlib.suppress(OSError):
            return len(os.listdir(folder))
    return 0


def connection_budget(wanted: int, reserve: int = FD_RESERVE) -> int:
    """``wanted``, lowered so that that many connections fit under the soft open-file
    limit with ``reserve`` descriptors to spare beyond those open now (at least 1)."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(1, min(wanted, soft - open_descriptors() - reserve))


class _Connection(asyncio.Protocol):
    """Stands between the transport and aiohttp's handler, so the listener sees every
    connection open and close."""

    def __init__(self, listener: Listener, inner: asyncio.Protocol) -> None:
        self.listener = listener
        self.inner = inner
        self.transport: asyncio.Transport | None = None
        self.timer: asyncio.TimerHandle | None = None
        self.requests = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.listener._opened(self)
        self.inner.connection_made(transport)

    def data_received(self, data: bytes) -> None:
        self.inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self.inner.eof_received()

    def connection_lost(self, exc: Exception | None) -> None:
        self.listener._closed(self)
        self.inner.connection_lost(exc)

    def pause_writing(self) -> None:
        self.inner.pause_writing()

    def resume_writing(self) -> None:
        self.inner.resume_writing()

    def close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.close()


class Listener:
    """Accepts connections within :class:`Limits` for aiohttp's ``runner.server``.
    ``start`` listens, ``close`` stops accepting (the runner's cleanup closes the
    connections)."""

    def __init__(self, limits: Limits, *, name: str = "webhook", cap: int | None = None) -> None:
        self.factory: Callable[[], asyncio.Protocol] | None = None
        self.limits = limits
        self.cap = connection_budget(limits.max_connections) if cap is None else cap
        """Connections open at once: ``max_connections`` fitted under the open-file limit
        unless given."""
        self.open: set[_Connection] = set()
        self.idle: dict[_Connection, None] = {}
        """Connections waiting for a request's headers, oldest first."""
        self._by_handler: dict[object, _Connection] = {}
        self._sock: socket.socket | None = None
        self._task: asyncio.Task[None] | None = None
        every = limits.log_interval
        self.refused = Throttled(
            log,
            f"{name}: %d connections closed as soon as accepted: all {self.cap} allowed "
            "connections are busy with requests (in the last %g s)",
            every,
        )
        self.evicted = Throttled(
            log,
            f"{name}: %d idle connections closed to make room for new ones at the cap of "
            f"{self.cap} connections (in the last %g s)",
            every,
        )
        self.timed_out = Throttled(
            log,
            f"{name}: %d connections closed for sending no request headers within "
            f"{limits.header_timeout:g} s (in the last %g s)",
            every,
            logging.INFO,
        )
        self.accept_failed = Throttled(
            log,
            f"{name}: accept() failed for want of resources (too many open files?) %d times "
            "(in the last %g s); idle connections are closed to make room",
            every,
        )

    async def start(self, factory: Callable[[], asyncio.Protocol], host: str, port: int) -> None:
        self.factory = factory
        if self.cap < self.limits.max_connections:
            soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
            log.warning(
                "WEBHOOK_MAX_CONNECTIONS=%d lowered to %d to fit under the open-file limit "
                "of %d (raise it with `ulimit -n` or LimitNOFILE=)",
                self.limits.max_connections,
                self.cap,
                soft,
            )
        chatty = logging.getLogger("aiohttp.server")
        if not any(isinstance(f, OncePerInterval) for f in chatty.filters):
            chatty.addFilter(OncePerInterval(self.limits.log_interval))
        sock = socket.create_server((host, port), backlog=BACKLOG)
        sock.setblocking(False)
        self._sock = sock
        self._task = asyncio.create_task(self._accept_loop(sock))

    @property
    def port(self) -> int:
        assert self._sock is not None
        return int(self._sock.getsockname()[1])

    async def close(self) -> None:
        """Stop accepting; the open connections are left to the runner's cleanup."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._sock is not None:
            self._sock.close()
        for throttled in (self.refused, self.evicted, self.timed_out, self.accept_failed):
            throttled.flush()

    @web.middleware
    async def middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[Any]]
    ) -> Any:
        """Marks the connection busy while a request is handled (its headers are in)."""
        connection = self._by_handler.get(request.protocol)
        if connection is not None:
            self._busy(connection)
        try:
            return await handler(request)
        finally:
            if connection is not None and connection in self.open:
                self._wait(connection)

    # ------------------------------------------------------------------ accepting

    async def _accept_loop(self, sock: socket.socket) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                conn, _address = await loop.sock_accept(sock)
            except OSError as exc:
                if exc.errno in OUT_OF_RESOURCES:
                    self.accept_failed.note()
                    metrics.webhook_connection_dropped("accept_failed")
                    if self._evict_oldest():
                        await asyncio.sleep(0)  # its descriptor is released first
                    else:
                        await asyncio.sleep(ACCEPT_PAUSE)
                    continue
                log.warning("webhook: accept() failed: %s", exc.strerror or type(exc).__name__)
                await asyncio.sleep(ACCEPT_PAUSE)
                continue
            if len(self.open) >= self.cap:
                if not self._evict_oldest():
                    conn.close()
                    self.refused.note()
                    metrics.webhook_connection_dropped("refused")
                    continue
                await asyncio.sleep(0)  # the evicted connection's descriptor goes first
            try:
                await loop.connect_accepted_socket(self._protocol, conn)
            except OSError:
                conn.close()

    def _protocol(self) -> _Connection:
        assert self.factory is not None
        return _Connection(self, self.factory())

    def _evict_oldest(self) -> bool:
        """Close the connection that has waited longest for request headers, if any."""
        connection = next(iter(self.idle), None)
        if connection is None:
            return False
        self._forget_idle(connection)
        connection.close()
        self.evicted.note()
        metrics.webhook_connection_dropped("evicted")
        return True

    # ------------------------------------------------------------------ connection states

    def _opened(self, connection: _Connection) -> None:
        self.open.add(connection)
        self._by_handler[connection.inner] = connection
        self._wait(connection)

    def _closed(self, connection: _Connection) -> None:
        self.open.discard(connection)
        self._by_handler.pop(connection.inner, None)
        self._forget_idle(connection)

    def _busy(self, connection: _Connection) -> None:
        connection.requests += 1
        self._forget_idle(connection)

    def _wait(self, connection: _Connection) -> None:
        """The connection now waits for a request's headers: it has ``header_timeout``."""
        self._forget_idle(connection)
        self.idle[connection] = None
        loop = asyncio.get_running_loop()
        connection.timer = loop.call_later(self.limits.header_timeout, self._expire, connection)

    def _forget_idle(self, connection: _Connection) -> None:
        self.idle.pop(connection, None)
        if connection.timer is not None:
            connection.timer.cancel()
            connection.timer = None

    def _expire(self, connection: _Connection) -> None:
        connection.timer = None
        if connection not in self.idle:
            return
        self._forget_idle(connection)
        if connection.requests == 0:  # an idle keep-alive connection is routine
            self.timed_out.note()
            metrics.webhook_connection_dropped("header_timeout")
        connection.close()
