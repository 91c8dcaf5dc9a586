"""The outbox: what the bot is to send, kept in the database until Telegram has it.

An update's answer (and a nudge's text) is written here in the same transaction as the
turns it belongs to, with a short lease, and sent right after the commit. If sending
fails after its retries, or the process dies before it could send, the rows stay
``pending``; once the lease is over, any process's sender claims them (``FOR UPDATE SKIP
LOCKED`` on PostgreSQL) and sends them in order per chat, backing off between attempts.
Telegram has no idempotency key, so a crash between sending and marking sent can show a
message twice: at least once, never lost.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session as DbSession

from bot.store.direct import Direct
from bot.store.models import OutboxRow
from bot.store.practices import PracticeStore

LEASE = timedelta(seconds=30)
"""How long a sender owns the rows it is sending before others may try them. A sender
holding rows longer (the send-rate limiter queues them) renews the lease (:meth:`Outbox.renew`)
every RENEW, so no other sender takes them while they wait."""
RENEW = LEASE / 3
MAX_ATTEMPTS = 12
"""Then the row is marked failed (backing off: about three hours of trying)."""
BATCH = 200

OUTBOX: Table = OutboxRow.__table__  # type: ignore[assignment]
_INSERT = insert(OUTBOX).returning(OUTBOX.c.id)
_INSERT_DIRECT = Direct(_INSERT)
_INSERT_SEVERAL = insert(OUTBOX).returning(OUTBOX.c.id, sort_by_parameter_order=True)
"""Several rows in one statement on PostgreSQL (``INSERT ... SELECT ... FROM (VALUES ...)
ORDER BY ... RETURNING``): their ids come back in the order of the rows, which is the
order they are sent in. SQLite inserts them one by one (it is local)."""
_FORGET = delete(OUTBOX).where(OUTBOX.c.id == bindparam("b_id"))


@dataclass(frozen=True)
class Letter:
    """One message to send: Telegram HTML and its inline buttons."""

    id: int
    user_id: int
    chat_id: int
    html: str
    buttons: tuple[tuple[tuple[str, str], ...], ...]
    attempts: int = 0


def backoff(attempts: int) -> timedelta:
    """The wait before attempt ``attempts + 1``: 5 s, doubling, at most 30 min."""
    return timedelta(seconds=min(5 * 2 ** max(attempts - 1, 0), 1800))


class Outbox:
    def __init__(self, store: PracticeStore) -> None:
        self.store = store
        self._skip_locked = store.engine.dialect.name == "postgresql"

    def add(
        self,
        db: DbSession,
        user_id: int,
        chat_id: int,
        messages: list[tuple[str, list[list[tuple[str, str]]]]],
        now: datetime,
        update_id: int | None = None,
    ) -> list[int]:
        """Queue ``messages`` (html, button rows) in the caller's transaction, leased to
        the caller, who sends them after the commit; returns their ids, in order."""
        if not messages:
            return []
        rows: list[dict[str, Any]] = [
            {
                "user_id": user_id,
                "chat_id": chat_id,
                "update_id": update_id,
                "bot_id": None if update_id is None else self.store.updates.bot_id,
                "html": html,
                "buttons": [[list(button) for button in row] for row in buttons],
                "status": "pending",
                "attempts": 1,
                "due_at": now + LEASE,
                "created_at": now,
            }
            for html, buttons in messages
        ]
        conn = db.connection()
        if len(rows) == 1 and self.store.parallel_writers:  # PostgreSQL: the driver's cursor
            return [_INSERT_DIRECT.execute(conn, rows[0]).rows[0].id]
        if len(rows) == 1:
            return [conn.execute(_INSERT, rows[0]).scalar_one()]
        return list(conn.execute(_INSERT_SEVERAL, rows).scalars())

    def unsent_answer(self, db: DbSession, update_id: int, now: datetime) -> list[Letter]:
        """What was queued for ``update_id``, is not known to be sent and nobody is
        sending (its lease is over: the process that queued it died), for a re-delivered
        update: leased to the caller, to send again now. Rows still leased are left to
        their sender (or, if it died, to the postman's loop when the lease ends)."""
        rows = list(
            db.execute(
                select(OUTBOX)
                .where(
                    OUTBOX.c.update_id == update_id,
                    OUTBOX.c.bot_id == self.store.updates.bot_id,  # ids are per bot
                    OUTBOX.c.status == "pending",
                    OUTBOX.c.due_at <= now,
                )
                .order_by(OUTBOX.c.id)
            )
        )
        if rows:
            db.execute(
                update(OUTBOX)
                .where(OUTBOX.c.id.in_([r.id for r in rows]))
                .values(due_at=now + LEASE, attempts=OUTBOX.c.attempts + 1)
            )
        return [_letter(r) for r in rows]

    def claim_due(
        self, now: datetime, limit: int = BATCH, skip: Collection[int] = ()
    ) -> list[Letter]:
        """Pending rows whose lease is over, oldest first, leased to the caller (rows that
        used up their attempts are marked failed instead). ``skip``: rows the caller is
        sending already (queued behind the rate limiter), never taken twice."""
        query = (
            select(OUTBOX)
            .where(OUTBOX.c.status == "pending", OUTBOX.c.due_at <= now)
            .order_by(OUTBOX.c.id)
            .limit(limit)
        )
        if skip:
            query = query.where(OUTBOX.c.id.not_in(list(skip)))
        if self._skip_locked:
            query = query.with_for_update(skip_locked=True)
        with self.store.transaction() as db:
            rows = list(db.execute(query))
            spent = [r.id for r in rows if r.attempts >= MAX_ATTEMPTS]
            if spent:
                db.execute(update(OUTBOX).where(OUTBOX.c.id.in_(spent)).values(status="failed"))
            letters = [_letter(r) for r in rows if r.attempts < MAX_ATTEMPTS]
            by_attempts: defaultdict[int, list[int]] = defaultdict(list)
            for letter in letters:
                by_attempts[letter.attempts].append(letter.id)
            for attempts, ids in by_attempts.items():  # a statement per attempt count
                db.execute(
                    update(OUTBOX)
                    .where(OUTBOX.c.id.in_(ids))
                    .values(due_at=now + backoff(attempts + 1), attempts=attempts + 1)
                )
            return letters

    def renew(self, ids: Collection[int], now: datetime) -> None:
        """The caller still holds these rows (waiting to be sent): keep others off them for
        another LEASE, in one statement."""
        if not ids:
            return
        with self.store.transaction() as db:
            db.execute(
                update(OUTBOX)
                .where(OUTBOX.c.id.in_(list(ids)), OUTBOX.c.status == "pending")
                .values(due_at=now + LEASE)
            )

    def fail(self, ids: list[int]) -> None:
        """Telegram refused these for good (a BadRequest): sending again cannot help."""
        if not ids:
            return
        with self.store.transaction() as db:
            db.execute(
                update(OUTBOX)
                .where(OUTBOX.c.id.in_(ids), OUTBOX.c.status == "pending")
                .values(status="failed")
            )

    def settle(self, db: DbSession, ids: list[int]) -> None:
        """Telegram has these, in the caller's transaction: forget them (the transcript
        keeps what was said)."""
        if ids:
            db.connection().execute(_FORGET, [{"b_id": i} for i in ids])

    def retry_later(self, ids: list[int], now: datetime) -> dict[int, int]:
        """Sending failed for now: due again after a backoff, not at the lease's end
        (a statement per attempt count, not per row). Returns each row's attempts, which
        say whether anyone has taken it since (see :meth:`retake`)."""
        if not ids:
            return {}
        with self.store.transaction() as db:
            rows = db.execute(
                select(OUTBOX.c.id, OUTBOX.c.attempts).where(
                    OUTBOX.c.id.in_(ids), OUTBOX.c.status == "pending"
                )
            )
            held = {row.id: row.attempts for row in rows}
            by_attempts: defaultdict[int, list[int]] = defaultdict(list)
            for row_id, attempts in held.items():
                by_attempts[attempts].append(row_id)
            for attempts, same in by_attempts.items():
                db.execute(
                    update(OUTBOX)
                    .where(OUTBOX.c.id.in_(same), OUTBOX.c.status == "pending")
                    .values(due_at=now + backoff(attempts))
                )
            return held

    def retake(self, held: dict[int, int], now: datetime) -> list[Letter]:
        """Rows the caller put back (:meth:`retry_later` gave their attempts), taken again
        before their backoff is over because the chat has something newer to send: they
        must go first. A row someone has claimed since (its attempts moved on) or that is
        no longer pending is left alone. Leased to the caller, oldest first."""
        if not held:
            return []
        with self.store.transaction() as db:
            query = (
                select(OUTBOX)
                .where(OUTBOX.c.id.in_(list(held)), OUTBOX.c.status == "pending")
                .order_by(OUTBOX.c.id)
            )
            if self._skip_locked:  # a claim_due under way has them: they are its
                query = query.with_for_update(skip_locked=True)
            rows = [r for r in db.execute(query) if held.get(r.id) == r.attempts]
            if rows:
                db.execute(
                    update(OUTBOX)
                    .where(
                        OUTBOX.c.id.in_([r.id for r in rows]),
                        OUTBOX.c.status == "pending",
                    )
                    .values(due_at=now + LEASE, attempts=OUTBOX.c.attempts + 1)
                )
            return [_letter(r) for r in rows]

    def pending(self, user_id: int | None = None) -> int:
        """How many messages wait to be sent (for one user, or everyone)."""
        query = select(func.count()).select_from(OUTBOX).where(OUTBOX.c.status == "pending")
        if user_id is not None:
            query = query.where(OUTBOX.c.user_id == user_id)
        with self.store.transaction() as db:
            return int(db.scalar(query) or 0)


def _letter(row: Any) -> Letter:
    buttons = tuple(tuple((str(b[0]), str(b[1])) for b in r) for r in row.buttons or [])
    return Letter(row.id, row.user_id, row.chat_id, row.html, buttons, row.attempts)
