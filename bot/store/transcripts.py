"""A practice's transcript in the database: rebuilt from its rows, kept in memory between
events (checked against the row's version), and what an event changed written back."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Row
from sqlalchemy.orm import Session as DbSession

from bot.store.direct import Direct
from bot.store.outage import Health
from bot.store.outcomes import ConcurrentUpdate
from bot.store.practice_sql import (
    CANCEL_NUDGES,
    INSERT_NUDGE,
    INSERT_TURNS,
    LIVE_NUDGES,
    SESSION_ROW,
    TURNS_OF,
    WRITE_SESSION,
    WRITE_SESSION_AND_TURNS,
)
from bot.store.transactions import TransactionalStore
from flows.coaching import score_session
from flows.effects import CancelNudge, Effect, Finished, ScheduleNudge
from flows.engine import Engine as Flow
from flows.session import Scenario, Session, Turn

_WRITE = Direct(WRITE_SESSION)
_WRITE_AND_TURNS = Direct(WRITE_SESSION_AND_TURNS)
CACHED_SESSIONS = 2048
"""Transcripts kept in memory between messages (checked against the row's version)."""


def turn_row(session_id: int, seq: int, turn: Turn) -> dict[str, Any]:
    """The ``turns`` row of one transcript line."""
    return {
        "session_id": session_id,
        "seq": seq,
        "at": turn.at,
        "speaker": turn.speaker,
        "stage": turn.stage,
        "text": turn.text,
        "acts": list(turn.acts),
        "kind": turn.kind,
        "ref": turn.ref,
    }


class Transcripts(TransactionalStore):
    """Practices' transcripts: read, cached and written (a part of
    :class:`bot.store.practices.PracticeStore`)."""

    def __init__(
        self,
        engine: Engine,
        flow: Flow | None = None,
        bot_id: int = 0,
        health: Health | None = None,
    ) -> None:
        super().__init__(engine, flow, bot_id, health)
        self._cache: OrderedDict[int, tuple[tuple[Any, ...], Session]] = OrderedDict()
        self._cache_lock = threading.Lock()

    @staticmethod
    def _cache_key(row: Row[Any], version: int) -> tuple[Any, ...]:
        # The version says whether anyone wrote since; the rest guards against an id reused
        # after a deletion (SQLite may hand out a deleted row's id again).
        return (version, row.user_id, row.seed, row.started_at)

    def _session(
        self, db: DbSession, row: Row[Any], nudges: dict[str, datetime] | None = None
    ) -> Session:
        """The session as ``row`` stands, for an event to change: from memory if this
        process wrote the row's current version, else rebuilt from the rows. Its live nudges
        are always read afresh (a blocked user's nudges are cancelled without the flow):
        ``nudges`` if the caller read them under the row's lock, else here."""
        with self._cache_lock:
            cached = self._cache.pop(row.id, None)
        if cached is None or cached[0] != self._cache_key(row, row.version):
            return self._restore(db, self._whole_row(db, row.id), nudges)
        session = cached[1]
        session.nudges = self._live_nudges(db, row.id) if nudges is None else nudges
        return session

    def _remember(self, row: Row[Any], version: int, session: Session) -> None:
        """Keep ``session`` (as written at ``version``) once the transaction commits."""
        key = self._cache_key(row, version)
        snapshot = replace(
            session,
            turns=list(session.turns),
            nudges=dict(session.nudges),
            prepared_questions=list(session.prepared_questions),
        )

        def keep() -> None:
            with self._cache_lock:
                self._cache[row.id] = (key, snapshot)
                self._cache.move_to_end(row.id)
                while len(self._cache) > CACHED_SESSIONS:
                    self._cache.popitem(last=False)

        self.on_commit(keep)

    def _whole_row(self, db: DbSession, session_id: int) -> Row[Any]:
        """The practice's whole row (the caller holds its lock: it is the version read)."""
        return db.connection().execute(SESSION_ROW, {"session_id": session_id}).one()

    def _live_nudges(self, db: DbSession, session_id: int) -> dict[str, datetime]:
        nudges = db.connection().execute(LIVE_NUDGES, {"session_id": session_id})
        return {n.kind: n.due_at for n in nudges}

    def _restore(
        self, db: DbSession, row: Row[Any], nudges: dict[str, datetime] | None = None
    ) -> Session:
        turns = db.connection().execute(TURNS_OF, {"session_id": row.id})
        return Session(
            persona_id=row.persona_id,
            seed=row.seed,
            scenario=Scenario.from_dict(row.scenario),
            started_at=row.started_at,
            meeting_minutes=row.meeting_minutes,
            prepared_questions=list(row.prepared_questions),
            state=row.state,
            clock_started_at=row.clock_started_at,
            turns=[
                Turn(
                    t.at,
                    t.speaker,
                    t.stage,
                    t.text,
                    tuple(t.acts),
                    t.kind,
                    t.ref or "",
                    t.phrased or "",
                )
                for t in turns
            ],
            nudges=self._live_nudges(db, row.id) if nudges is None else nudges,
            heard=frozenset(row.heard or ()),
        )

    def _write(
        self,
        db: DbSession,
        row: Row[Any],
        session: Session,
        before: int,
        effects: list[Effect],
        live: set[str],
        now: datetime,
        exclude: int | None = None,
    ) -> None:
        """Write what the flow changed: new turns, nudges, and the session row (its version
        must still be the one read, or the transaction fails). ``live``: the kinds of the
        practice's nudges still to come, as read before the flow ran (only those need
        cancelling)."""
        new_turns = [
            turn_row(row.id, seq, turn)
            for seq, turn in enumerate(session.turns[before:], start=before)
        ]
        conn = db.connection()
        turn_values = {}
        if new_turns and self._lock_rows:  # PostgreSQL: with the row's update, one statement
            turn_values = {"b_turns": [{**t, "at": t["at"].isoformat()} for t in new_turns]}
        elif new_turns:
            conn.execute(INSERT_TURNS, new_turns)
        values: dict[str, Any] = {
            "state": session.state,
            "clock_started_at": session.clock_started_at,
            "prepared_questions": list(session.prepared_questions),
            "updated_at": now,
            "version": row.version + 1,
        }
        pending = set(live)
        for effect in effects:
            if isinstance(effect, (ScheduleNudge, CancelNudge)) and effect.kind in pending:
                why = "replaced" if isinstance(effect, ScheduleNudge) else "cancelled by the flow"
                conn.execute(
                    CANCEL_NUDGES,
                    {
                        "b_session": row.id,
                        "b_kind": effect.kind,
                        "b_keep": exclude or 0,  # (ids start at 1)
                        "b_now": now,
                        "b_why": why,
                    },
                )
                pending.discard(effect.kind)
            if isinstance(effect, ScheduleNudge):
                pending.add(effect.kind)
                conn.execute(
                    INSERT_NUDGE,
                    {
                        "user_id": row.user_id,
                        "session_id": row.id,
                        "kind": effect.kind,
                        "due_at": effect.due,
                        "status": "pending",
                        "attempts": 0,
                        "created_at": now,
                    },
                )
            elif isinstance(effect, Finished):
                values["finished_at"] = row.finished_at or now
        if session.finished:
            card = score_session(session)
            values["score"] = card.score
            values["scorecard"] = card.to_dict()
        parameters = {"b_id": row.id, "b_version": row.version, **values, **turn_values}
        if self._lock_rows:  # PostgreSQL: on the driver's cursor
            count = (_WRITE_AND_TURNS if new_turns else _WRITE).execute(conn, parameters).rowcount
        else:
            count = conn.execute(WRITE_SESSION, parameters).rowcount
        if count != 1:
            raise ConcurrentUpdate(f"practice {row.id} was changed by someone else meanwhile")
        self._remember(row, row.version + 1, session)
