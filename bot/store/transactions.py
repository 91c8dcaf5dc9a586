"""The store's transactions: one per event, callbacks once it commits, and the practice
row lock every event of a practice takes first.

On PostgreSQL the practice's row is read ``FOR UPDATE`` (different users' transactions
run in parallel); on SQLite every transaction is ``BEGIN IMMEDIATE`` (one writer at a
time), and this process's threads queue on a lock rather than on SQLite's busy wait.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Row
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import sessionmaker

from bot.store.outage import Health, describe, is_transient
from bot.store.outcomes import NotFound
from bot.store.practice_sql import SESSION_ROW_AND_NUDGES, SESSIONS
from bot.store.updates import ProcessedUpdates
from flows.engine import Engine as Flow


class _Open(threading.local):
    """The transaction this thread has open, and what to do once it commits."""

    db: DbSession | None = None
    on_commit: list[Callable[[], None]]
    prelocked: tuple[int, Row[Any], dict[str, datetime] | None] | None = None
    """A practice this transaction locked and read ahead (see :meth:`TransactionalStore.
    _read_ahead`), for the first :meth:`TransactionalStore._locked` of it."""

    def __init__(self) -> None:
        self.on_commit = []


class TransactionalStore:
    """The database, the flow, and the transactions events run in."""

    def __init__(
        self,
        engine: Engine,
        flow: Flow | None = None,
        bot_id: int = 0,
        health: Health | None = None,
    ) -> None:
        self.engine = engine
        self.flow = flow if flow is not None else Flow()
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._lock_rows = engine.dialect.name == "postgresql"
        self.updates = ProcessedUpdates(engine.dialect.name, bot_id)
        """Which updates were handled (per bot: ``bot_id`` is the token's prefix)."""
        self.health = health if health is not None else Health()
        """The latest database outage seen here (for /readyz)."""
        self._session_row = (
            SESSION_ROW_AND_NUDGES.with_for_update(of=SESSIONS)
            if self._lock_rows
            else SESSION_ROW_AND_NUDGES
        )
        self.parallel_writers = self._lock_rows
        """Whether transactions of different users run at the same time (PostgreSQL) or
        one after another (SQLite)."""
        self._open = _Open()
        # SQLite has one writer at a time, and a thread that finds it busy sleeps in steps
        # of milliseconds: this process's threads queue on a lock instead.
        self._one_writer: AbstractContextManager[Any] = (
            nullcontext() if self._lock_rows else threading.Lock()
        )

    @contextmanager
    def transaction(self) -> Iterator[DbSession]:
        """A transaction; inside another one on this thread, that one (so that everything
        one update does commits together or not at all)."""
        if self._open.db is not None:
            yield self._open.db
            return
        try:
            with self._one_writer, self._sessions.begin() as db:
                self._open.db = db
                yield db
        except BaseException as exc:
            self._open.on_commit.clear()
            if is_transient(exc):
                self.health.failed(describe(exc))
            raise
        finally:
            self._open.db = None
            self._open.prelocked = None
        done, self._open.on_commit = self._open.on_commit, []
        for callback in done:
            callback()

    def on_commit(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once the open transaction commits (never if it fails)."""
        if self._open.db is None:
            callback()
        else:
            self._open.on_commit.append(callback)

    def _locked(
        self, db: DbSession, session_id: int
    ) -> tuple[Row[Any], dict[str, datetime] | None]:
        """The practice's row, locked to the end of the transaction (PostgreSQL), and its
        live nudges by kind, read in the same statement: None if the row changed while
        the statement waited for the lock (they are then stale: read them again)."""
        ahead = self._open.prelocked
        if ahead is not None and ahead[0] == session_id:
            self._open.prelocked = None  # (the first read only: a write may follow it)
            return ahead[1], ahead[2]
        rows: list[Row[Any]] = list(
            db.connection().execute(self._session_row, {"session_id": session_id})
        )
        if not rows:
            raise NotFound(f"no practice {session_id}")
        return _locked_row(rows)

    def _read_ahead(self, session_id: int, rows: list[Row[Any]]) -> None:
        """``rows`` are the practice's locked row and live nudges, as :meth:`_locked` reads
        them, read by this transaction's first statement (PostgreSQL): its first
        :meth:`_locked` of the practice takes them instead of a statement of its own."""
        self._open.prelocked = (session_id, *_locked_row(rows))

    def _first_delivery(
        self, db: DbSession, update_id: int, user_id: int | None, now: datetime
    ) -> bool:
        """Record ``update_id`` as processed; False if it already was (a duplicate)."""
        return self.updates.claim(db, update_id, user_id, now)


def _locked_row(rows: list[Row[Any]]) -> tuple[Row[Any], dict[str, datetime] | None]:
    row = rows[0]
    if row.seen_version != row.version:
        return row, None
    return row, {r.nudge_kind: r.nudge_due for r in rows if r.nudge_kind is not None}
