"""Telling a database outage from a bug, and remembering the latest outage.

A *transient* failure is the database being unusable for a while: it refused or dropped
the connection, its disk is full or read-only, a lock timed out, a deadlock was broken.
Work that failed that way must be tried again later, however long that takes; the
update it belonged to is never dropped. Anything else (a value out of range, a
constraint broken by odd input) is the input's own problem and fails the same way again.

SQLite keeps a connection opened while the file was read-only read-only for good, and
one that hit an I/O error can stay broken: :func:`poisons_connection` says when the
pool must throw its connections away (``bot.store.db`` does it on every such error), so
the bot recovers without a restart once the file is writable again.
"""

from __future__ import annotations

import threading
import time

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

SQLITE_POISON = (
    "attempt to write a readonly database",
    "disk i/o error",
    "unable to open database file",
    "database disk image is malformed",
)
"""SQLite errors after which a pooled connection is not to be trusted again."""
MEMORY_SECONDS = 30.0
"""How long a failure keeps /readyz at 503 without a success since (another replica may
be the one Telegram retries with, so this one need not see the recovery itself)."""


def is_transient(exc: BaseException) -> bool:
    """Whether ``exc`` is the database being unusable for now (retry later, never drop)."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, OperationalError | InterfaceError | PoolTimeout)


def poisons_connection(message: str) -> bool:
    lowered = message.lower()
    return any(phrase in lowered for phrase in SQLITE_POISON)


def describe(exc: BaseException) -> str:
    """A short reason for logs and /readyz: the driver's error class, and SQLite's fixed
    message (never a statement or its parameters, which can hold what users wrote)."""
    if not isinstance(exc, DBAPIError | PoolTimeout):
        return type(exc).__name__
    orig = getattr(exc, "orig", None) or exc
    kind = type(orig).__name__
    module = type(orig).__module__
    if module == "sqlite3" and orig.args:
        return f"database unavailable ({kind}: {str(orig.args[0])[:80]})"
    return f"database unavailable ({kind})"


class Health:
    """The latest transient failure this process saw, until something succeeds again or
    ``MEMORY_SECONDS`` pass (thread-safe: the nudge thread reports here too)."""

    def __init__(self, memory: float = MEMORY_SECONDS) -> None:
        self.memory = memory
        self._lock = threading.Lock()
        self._reason: str | None = None
        self._at = 0.0

    def failed(self, reason: str) -> None:
        with self._lock:
            self._reason, self._at = reason, time.monotonic()

    def recovered(self) -> None:
        with self._lock:
            self._reason = None

    @property
    def reason(self) -> str | None:
        with self._lock:
            if self._reason is not None and time.monotonic() - self._at > self.memory:
                self._reason = None
            return self._reason
