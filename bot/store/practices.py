"""Practices in the database: one transaction per event, replies only after the commit.

Handling a message is: lock the session's row (``FOR UPDATE`` on PostgreSQL; SQLite
takes its single write lock at ``BEGIN IMMEDIATE``), rebuild the session from its rows,
run the flow, write the new turns, state and nudges, commit. Only then are the effects
returned for the adapter to show. Two messages for the same practice never interleave,
even from two processes.

:class:`PracticeStore` is assembled from parts: transactions and the row lock
(:mod:`bot.store.transactions`), users and their settings (:mod:`bot.store.users`),
transcripts read, cached and written (:mod:`bot.store.transcripts`) and nudge delivery
(:mod:`bot.store.nudge_delivery`); the statements are in :mod:`bot.store.practice_sql`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from bot.store.direct import Direct
from bot.store.models import PracticeSession
from bot.store.nudge_delivery import NudgeDelivery
from bot.store.outcomes import (
    ConcurrentUpdate,
    Delivery,
    NotFound,
    NudgeRef,
    Outcome,
    Visit,
)
from bot.store.practice_sql import (
    FINISHED,
    FORGET_SENT,
    HEARD,
    INSERT_SESSION,
    LIVE,
    REACTIVATE,
    SESSIONS,
    USERS,
    VISIT,
    VISIT_CLAIMING_LOCKING,
)
from bot.store.rearm import rearm
from bot.store.transcripts import CACHED_SESSIONS, turn_row
from bot.store.users import UserRecords, UserSettings
from flows.coaching import Scorecard, score_session
from flows.effects import Effect
from flows.phrasing import Hint
from flows.session import Session

__all__ = [
    "CACHED_SESSIONS",
    "FINISHED",
    "LIVE",
    "ConcurrentUpdate",
    "Delivery",
    "NotFound",
    "NudgeRef",
    "Outcome",
    "PracticeStore",
    "UserSettings",
    "Visit",
    "turn_row",
]


_VISIT = Direct(VISIT_CLAIMING_LOCKING)
"""Every update's first statement on PostgreSQL, on the driver's cursor."""


class PracticeStore(UserRecords, NudgeDelivery):
    def visit(
        self,
        db: DbSession,
        user_id: int,
        update_id: int | None,
        now: datetime,
        sent: Sequence[int] = (),
    ) -> Visit | None:
        """Begin one update of the user's, inside the caller's transaction: lock them
        (PostgreSQL: their row, to the end of the transaction, so their updates never
        interleave, across processes too; SQLite's single write lock already does it),
        make them active again (writing means they unblocked the bot), record
        ``update_id`` and say where they stand. None if the user no longer exists.
        ``sent``: outbox rows Telegram has, forgotten in the same transaction (on
        PostgreSQL in the same statement)."""
        # NO KEY UPDATE: it serialises the user's updates but, unlike FOR UPDATE, does not
        # block rows that merely refer to the user (a nudge delivery inserting its outbox
        # row while holding the practice's lock): no deadlock with the dispatcher.
        conn = db.connection()
        claimed = update_id is not None and self._lock_rows  # (one statement for both)
        row: Any  # (a Row of the visit's columns, and the practice's on PostgreSQL)
        if claimed:
            parameters = {
                "user_id": user_id,
                "bot_id": self.updates.bot_id,
                "update_id": update_id,
                "now": now,
                "sent": list(sent),
            }
            # ... and the current practice locked and read ahead, for the event to come
            rows: list[Any] = _VISIT.execute(conn, parameters).rows
            row = rows[0] if rows else None
            if row is not None and row.active and row.id is not None:
                self._read_ahead(row.id, rows)  # (a reactivation may change the nudges)
        else:
            if sent:
                conn.execute(FORGET_SENT, [{"b_id": i} for i in sent])
            query = VISIT.with_for_update(of=USERS, key_share=True) if self._lock_rows else VISIT
            row = conn.execute(query, {"user_id": user_id}).one_or_none()
        if row is None:
            return None
        if not row.active:
            conn.execute(REACTIVATE, {"b_user": user_id})
            rearm(conn, user_id, now)  # the nudges their block cancelled
        if claimed:
            fresh = bool(row.fresh)
        else:
            fresh = update_id is None or self._first_delivery(db, update_id, user_id, now)
        if not fresh:
            return Visit(user_id, duplicate=True)
        return Visit(user_id, row.practice, row.follow_up, voice=row.model_voice)

    # -- practices --------------------------------------------------------------------------

    def start(
        self,
        user_id: int,
        persona_id: str,
        *,
        now: datetime,
        seed: int,
        minutes: float,
        prepared_questions: Sequence[str] = (),
        scenario: dict[str, str] | None = None,
    ) -> Outcome:
        session, effects = self.flow.start(
            persona_id,
            now=now,
            seed=seed,
            minutes=minutes,
            prepared_questions=prepared_questions,
            scenario=scenario,
        )
        with self.transaction() as db:
            conn = db.connection()
            heard = conn.execute(HEARD, {"user_id": user_id, "persona_id": persona_id})
            session.heard = frozenset(heard.scalars())
            values = {
                "user_id": user_id,
                "persona_id": session.persona_id,
                "heard": sorted(session.heard),
                "scenario": session.scenario.to_dict(),
                "seed": session.seed,
                "state": session.state,
                "meeting_minutes": session.meeting_minutes,
                "prepared_questions": list(session.prepared_questions),
                "started_at": session.started_at,
                "updated_at": now,
                "version": 1,
            }
            row = conn.execute(INSERT_SESSION, values).one()
            self._write(db, row, session, 0, effects, set(), now)
            return Outcome(row.id, user_id, effects, session)

    def message(
        self,
        session_id: int,
        text: str,
        now: datetime,
        update_id: int | None = None,
        hint: Hint | None = None,
    ) -> Outcome:
        """The user said ``text`` (``hint``: a model's reading of it, see
        :mod:`flows.phrasing`). With a Telegram ``update_id``, a second delivery of the same
        update changes nothing and returns no effects (``duplicate`` is set)."""
        return self._event(
            session_id, now, lambda s: self.flow.message(s, text, now, hint), update_id
        )

    def command(
        self,
        session_id: int,
        name: str,
        argument: str,
        now: datetime,
        update_id: int | None = None,
    ) -> Outcome:
        return self._event(
            session_id, now, lambda s: self.flow.command(s, name, argument, now), update_id
        )

    def _event(
        self, session_id: int, now: datetime, run: Any, update_id: int | None = None
    ) -> Outcome:
        with self.transaction() as db:
            row, nudges = self._locked(db, session_id)
            if update_id is not None and not self._first_delivery(db, update_id, row.user_id, now):
                session = self._restore(db, self._whole_row(db, row.id), nudges)
                return Outcome(row.id, row.user_id, [], session, duplicate=True)
            session = self._session(db, row, nudges)
            before, live = len(session.turns), set(session.nudges)
            effects: list[Effect] = run(session)
            self._write(db, row, session, before, effects, live, now)
            return Outcome(row.id, row.user_id, effects, session)

    # -- reading ----------------------------------------------------------------------------

    def load(self, session_id: int, user_id: int | None = None) -> Session:
        with self.transaction() as db:
            row = db.execute(select(SESSIONS).where(SESSIONS.c.id == session_id)).one_or_none()
            if row is None or (user_id is not None and row.user_id != user_id):
                raise NotFound(f"no practice {session_id}")
            return self._restore(db, row)

    def unfinished(self, user_id: int) -> int | None:
        """The user's most recent practice that is not over, if any."""
        with self.transaction() as db:
            return db.scalar(
                select(PracticeSession.id)
                .where(PracticeSession.user_id == user_id, PracticeSession.state.not_in(FINISHED))
                .order_by(PracticeSession.started_at.desc(), PracticeSession.id.desc())
                .limit(1)
            )

    def practices(self, user_id: int) -> list[PracticeSession]:
        with self.transaction() as db:
            return list(
                db.scalars(
                    select(PracticeSession)
                    .where(PracticeSession.user_id == user_id)
                    .order_by(PracticeSession.started_at, PracticeSession.id)
                )
            )

    def scorecard(self, session_id: int, user_id: int | None = None) -> Scorecard:
        return score_session(self.load(session_id, user_id))
