"""The durable nudge dispatcher: every due nudge delivered once, by one process, on time.

1. **Claim.** In a short transaction, due nudges (and claims whose holder died) are
   marked ``claimed`` by this worker, with a lease. On PostgreSQL the candidates are
   selected ``FOR UPDATE SKIP LOCKED``, so two dispatchers never claim the same nudge;
   on SQLite ``BEGIN IMMEDIATE`` serialises claims.
2. **Deliver.** Each claimed nudge is delivered in its own transaction that locks its
   practice (the same order a message handler locks in), runs the flow and settles the
   nudge: ``sent`` (with how late), or ``cancelled`` when the practice has moved on.
   The adapter is told only after that commit.
3. **Recover.** A worker that dies after claiming leaves a lease that expires; the nudge
   is then claimed again (``attempts`` counts tries, and after ``MAX_ATTEMPTS`` it is
   marked ``failed`` with the reason, never silently lost). A nudge delivered late (say,
   after a restart) is still delivered once, and its text says when it was due.

Between passes the dispatcher sleeps until the next due time, at most ``poll`` seconds
(so nudges scheduled by other processes are seen within a second), and :meth:`wake`
cuts the sleep short when this process schedules a sooner one.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session as DbSession

from bot.store.models import NudgeRow
from bot.store.practices import Delivery, PracticeStore

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=30)
MAX_ATTEMPTS = 5
BATCH = 100
"""Claimed per pass: delivered well within the lease even on a slow database."""

Deliver = Callable[[Delivery], None]
"""Told which nudge was delivered and what it showed, after the commit."""
Record = Callable[[DbSession, Delivery], None]
"""Told the same inside the delivery's transaction (to queue what to send with it)."""
Clock = Callable[[], datetime]


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Dispatcher:
    def __init__(
        self,
        store: PracticeStore,
        deliver: Deliver,
        *,
        worker_id: str | None = None,
        poll: float = 1.0,
        batch: int = BATCH,
        record: Record | None = None,
    ) -> None:
        self.store = store
        self.deliver = deliver
        self.record = record
        self.worker_id = worker_id or default_worker_id()
        self.poll = poll
        self.batch = batch
        self._wake = threading.Event()
        self._skip_locked = store.engine.dialect.name == "postgresql"

    # -- one pass ---------------------------------------------------------------------------

    def claim(self, now: datetime) -> list[int]:
        """Claim up to ``batch`` due nudges for this worker; returns their ids."""
        due = or_(
            (NudgeRow.status == "pending") & (NudgeRow.due_at <= now),
            (NudgeRow.status == "claimed") & (NudgeRow.claimed_until < now),
        )
        query = select(NudgeRow).where(due).order_by(NudgeRow.due_at).limit(self.batch)
        if self._skip_locked:
            query = query.with_for_update(skip_locked=True)
        with self.store.transaction() as db:
            rows = list(db.scalars(query))
            claimed = []
            for row in rows:
                if row.attempts >= MAX_ATTEMPTS:
                    row.status, row.finished_at = "failed", now
                    row.outcome = f"gave up after {row.attempts} attempts"
                    log.warning("nudge %s failed after %s attempts", row.id, row.attempts)
                    continue
                row.status = "claimed"
                row.claimed_by = self.worker_id
                row.claimed_until = now + LEASE
                row.attempts += 1
                claimed.append(row.id)
            return claimed

    def deliver_one(self, nudge_id: int, now: datetime) -> bool:
        """Deliver a nudge this worker claimed; True if the user was shown something."""
        with self.store.transaction() as db:
            delivered = self.store.deliver_nudge(db, nudge_id, self.worker_id, now)
            if delivered is not None and delivered.effects and self.record is not None:
                self.record(db, delivered)
        if delivered is None or not delivered.effects:
            return False
        self.deliver(delivered)  # only after the commit
        return True

    def run_once(self, now: datetime, clock: Clock | None = None) -> int:
        """Claim and deliver everything due at ``now``; returns how many were shown.

        With a ``clock``, each nudge is delivered (and its lateness judged) at the time it
        is actually delivered, not at the start of the pass."""
        shown = 0
        for nudge_id in self.claim(now):
            try:
                shown += self.deliver_one(nudge_id, clock() if clock else now)
            except Exception as exc:
                # Left claimed: the lease expires and another pass retries it. The type only:
                # an error's text can quote what the user wrote.
                log.error("delivering nudge %s failed (%s); retried later", nudge_id, _kind(exc))
                log.debug("details", exc_info=exc)
        return shown

    def next_due(self) -> datetime | None:
        with self.store.transaction() as db:
            due: datetime | None = db.scalar(
                select(func.min(NudgeRow.due_at)).where(NudgeRow.status == "pending")
            )
            return due

    # -- the loop ---------------------------------------------------------------------------

    def wake(self) -> None:
        """A sooner nudge was scheduled: stop sleeping and look again."""
        self._wake.set()

    def run(self, stop: threading.Event, clock: Clock) -> None:
        """Deliver nudges until ``stop`` is set."""
        while not stop.is_set():
            try:
                self.run_once(clock(), clock)
                pause = self._pause(clock())
            except Exception as exc:
                log.error("nudge dispatcher pass failed (%s); retrying shortly", _kind(exc))
                log.debug("details", exc_info=exc)
                pause = self.poll
            self._wake.wait(pause)
            self._wake.clear()

    def _pause(self, now: datetime) -> float:
        nxt = self.next_due()
        if nxt is None:
            return self.poll
        return max(0.0, min(self.poll, (nxt - now).total_seconds()))


def _kind(exc: BaseException) -> str:
    return type(exc).__name__
