"""Practices in the database: one transaction per event, replies only after the commit.

Handling a message is: lock the session's row (``FOR UPDATE`` on PostgreSQL; SQLite
takes its single write lock at ``BEGIN IMMEDIATE``), rebuild the session from its rows,
run the flow, write the new turns, state and nudges, commit. Only then are the effects
returned for the adapter to show. Two messages for the same practice never interleave,
even from two processes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Engine,
    Row,
    Table,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import sessionmaker

from bot.store.models import (
    Meeting,
    NudgeRow,
    OutboxRow,
    PracticeSession,
    PreparedQuestion,
    TurnRow,
    User,
)
from bot.store.outage import Health, describe, is_transient
from bot.store.rearm import rearm
from bot.store.updates import ProcessedUpdates
from flows import companion
from flows.coaching import Scorecard, score_session
from flows.effects import CancelNudge, Effect, Finished, ScheduleNudge, Show
from flows.engine import Engine as Flow
from flows.phrasing import Hint
from flows.session import Scenario, Session, Turn

LIVE = ("pending", "claimed")
"""Nudge statuses that may still be delivered."""
CACHED_SESSIONS = 2048
"""Transcripts kept in memory between messages (checked against the row's version)."""


SESSIONS: Table = PracticeSession.__table__  # type: ignore[assignment]
TURNS: Table = TurnRow.__table__  # type: ignore[assignment]
NUDGES: Table = NudgeRow.__table__  # type: ignore[assignment]
MEETINGS: Table = Meeting.__table__  # type: ignore[assignment]
"""The hot path (every message, every nudge) uses Core statements on these tables: a
handful of SQL statements and little Python per event."""

USERS: Table = User.__table__  # type: ignore[assignment]
QUESTIONS: Table = PreparedQuestion.__table__  # type: ignore[assignment]
FINISHED = ("done", "abandoned")

# Built once: building a statement costs more Python than running it on SQLite.
_CURRENT_PRACTICE = (
    select(SESSIONS.c.id)
    .where(SESSIONS.c.user_id == USERS.c.id, SESSIONS.c.state.not_in(FINISHED))
    .order_by(SESSIONS.c.started_at.desc(), SESSIONS.c.id.desc())
    .limit(1)
    .correlate(USERS)
    .scalar_subquery()
)
_PENDING_FOLLOW_UP = (
    select(MEETINGS.c.id)
    .where(
        MEETINGS.c.user_id == USERS.c.id,
        MEETINGS.c.ended_at.is_not(None),
        MEETINGS.c.followed_up_at.is_(None),
    )
    .order_by(MEETINGS.c.ended_at.desc())
    .limit(1)
    .correlate(USERS)
    .scalar_subquery()
)
_VISIT = select(
    USERS.c.active,
    USERS.c.model_voice,
    _CURRENT_PRACTICE.label("practice"),
    _PENDING_FOLLOW_UP.label("follow_up"),
).where(USERS.c.id == bindparam("user_id"))
_REACTIVATE = update(USERS).where(USERS.c.id == bindparam("b_user")).values(active=True)
_SESSION_ROW = select(SESSIONS).where(SESSIONS.c.id == bindparam("session_id"))
_LIVE_NUDGES = select(NUDGES.c.kind, NUDGES.c.due_at).where(
    NUDGES.c.session_id == bindparam("session_id"), NUDGES.c.status.in_(LIVE)
)
_TURNS_OF = (
    select(
        TURNS.c.at,
        TURNS.c.speaker,
        TURNS.c.stage,
        TURNS.c.text,
        TURNS.c.acts,
        TURNS.c.kind,
        TURNS.c.ref,
        TURNS.c.phrased,
    )
    .where(TURNS.c.session_id == bindparam("session_id"))
    .order_by(TURNS.c.seq)
)
_HEARD = (
    select(TURNS.c.ref)
    .join(SESSIONS, SESSIONS.c.id == TURNS.c.session_id)
    .where(
        SESSIONS.c.user_id == bindparam("user_id"),
        SESSIONS.c.persona_id == bindparam("persona_id"),
        TURNS.c.speaker == "contact",
        TURNS.c.ref != "",
    )
    .distinct()
)
_INSERT_TURNS = insert(TURNS)
_CANCEL_NUDGES = (
    update(NUDGES)
    .where(
        NUDGES.c.session_id == bindparam("b_session"),
        NUDGES.c.kind == bindparam("b_kind"),
        NUDGES.c.status.in_(LIVE),
        NUDGES.c.id != bindparam("b_keep"),
    )
    .values(status="cancelled", finished_at=bindparam("b_now"), outcome=bindparam("b_why"))
)
_INSERT_NUDGE = insert(NUDGES)
_INSERT_SESSION = insert(SESSIONS).returning(*SESSIONS.c)  # the row as _locked reads it
_QUESTIONS_OF = (
    select(QUESTIONS.c.text)
    .where(QUESTIONS.c.user_id == bindparam("user_id"))
    .order_by(QUESTIONS.c.position)
)
_WRITE_SESSION = update(SESSIONS).where(
    SESSIONS.c.id == bindparam("b_id"), SESSIONS.c.version == bindparam("b_version")
)


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


class ConcurrentUpdate(RuntimeError):
    """Another writer changed the practice between our read and our write (never expected
    while the row lock or SQLite's write lock is held; a guard, not a code path)."""


class NotFound(LookupError):
    """No such practice (or it belongs to someone else)."""


@dataclass(frozen=True)
class UserSettings:
    meeting_minutes: float
    time_zone: str
    heads_up: bool
    model_voice: bool = True


@dataclass(frozen=True)
class NudgeRef:
    """Which nudge a delivery was for."""

    id: int
    kind: str
    due_at: datetime


@dataclass(frozen=True)
class Delivery:
    """What delivering one nudge showed: for a practice nudge, the practice's outcome."""

    nudge: NudgeRef
    user_id: int
    effects: list[Effect]
    practice: Outcome | None = None


@dataclass(frozen=True)
class Visit:
    """Where a user stands as one of their updates begins (read under their lock)."""

    user_id: int
    practice: int | None = None
    """Their practice that is not over, if any."""
    follow_up: int | None = None
    """A real meeting that ended and still waits for the user to log who they met."""
    duplicate: bool = False
    """This update was handled before: do nothing."""
    voice: bool = True
    """The user allows a configured model voice to phrase their replies."""


@dataclass(frozen=True)
class Outcome:
    """What one event produced, after it was committed."""

    session_id: int
    user_id: int
    effects: list[Effect]
    session: Session
    duplicate: bool = False
    """The update had been processed before: nothing was changed or should be sent."""


class _Open(threading.local):
    """The transaction this thread has open, and what to do once it commits."""

    db: DbSession | None = None
    on_commit: list[Callable[[], None]]

    def __init__(self) -> None:
        self.on_commit = []


class PracticeStore:
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
        self._session_row = _SESSION_ROW.with_for_update() if self._lock_rows else _SESSION_ROW
        self.parallel_writers = self._lock_rows
        """Whether transactions of different users run at the same time (PostgreSQL) or
        one after another (SQLite)."""
        self._open = _Open()
        self._cache: OrderedDict[int, tuple[tuple[Any, ...], Session]] = OrderedDict()
        self._cache_lock = threading.Lock()
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
        done, self._open.on_commit = self._open.on_commit, []
        for callback in done:
            callback()

    def on_commit(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once the open transaction commits (never if it fails)."""
        if self._open.db is None:
            callback()
        else:
            self._open.on_commit.append(callback)

    def visit(
        self, db: DbSession, user_id: int, update_id: int | None, now: datetime
    ) -> Visit | None:
        """Begin one update of the user's, inside the caller's transaction: lock them
        (PostgreSQL: their row, to the end of the transaction, so their updates never
        interleave, across processes too; SQLite's single write lock already does it),
        make them active again (writing means they unblocked the bot), record
        ``update_id`` and say where they stand. None if the user no longer exists."""
        # NO KEY UPDATE: it serialises the user's updates but, unlike FOR UPDATE, does not
        # block rows that merely refer to the user (a nudge delivery inserting its outbox
        # row while holding the practice's lock): no deadlock with the dispatcher.
        query = _VISIT.with_for_update(of=USERS, key_share=True) if self._lock_rows else _VISIT
        conn = db.connection()
        row = conn.execute(query, {"user_id": user_id}).one_or_none()
        if row is None:
            return None
        if not row.active:
            conn.execute(_REACTIVATE, {"b_user": user_id})
            rearm(conn, user_id, now)  # the nudges their block cancelled
        if update_id is not None and not self._first_delivery(db, update_id, user_id, now):
            return Visit(user_id, duplicate=True)
        return Visit(user_id, row.practice, row.follow_up, voice=row.model_voice)

    # -- users ------------------------------------------------------------------------------

    def user_id(self, key: str, now: datetime, **fields: Any) -> int:
        """The id of the user ``key``, created on first use."""
        with self.transaction() as db:
            user = db.scalar(select(User).where(User.key == key))
            if user is None:
                user = User(key=key, created_at=now, **fields)
                db.add(user)
                db.flush()
            return user.id

    def chat_id(self, user_id: int) -> int | None:
        """Where to reach this user on Telegram (None for the terminal user)."""
        with self.transaction() as db:
            user = db.get(User, user_id)
            if user is None:
                raise NotFound(f"no user {user_id}")
            return user.chat_id if user.active else None

    def deactivate(self, user_id: int, now: datetime, why: str) -> None:
        """The user blocked the bot: stop reaching them, and cancel their nudges."""
        with self.transaction() as db:
            db.execute(update(User).where(User.id == user_id).values(active=False))
            db.execute(
                update(NUDGES)
                .where(NUDGES.c.user_id == user_id, NUDGES.c.status.in_(LIVE))
                .values(status="cancelled", finished_at=now, outcome=why)
            )
            db.execute(  # nor the messages still waiting for them
                delete(OutboxRow).where(OutboxRow.user_id == user_id, OutboxRow.status == "pending")
            )

    def settings(self, user_id: int) -> UserSettings:
        with self.transaction() as db:
            user = db.get(User, user_id)
            if user is None:
                raise NotFound(f"no user {user_id}")
            return UserSettings(
                user.meeting_minutes, user.time_zone, user.heads_up, user.model_voice
            )

    def update_settings(self, user_id: int, **values: object) -> None:
        with self.transaction() as db:
            db.execute(update(User).where(User.id == user_id).values(**values))

    def questions(self, user_id: int) -> list[str]:
        with self.transaction() as db:
            return list(db.connection().execute(_QUESTIONS_OF, {"user_id": user_id}).scalars())

    def add_question(self, user_id: int, text: str, now: datetime) -> None:
        with self.transaction() as db:
            count = db.scalar(select(func.count()).where(PreparedQuestion.user_id == user_id))
            db.add(
                PreparedQuestion(user_id=user_id, position=count or 0, text=text, created_at=now)
            )

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
            heard = conn.execute(_HEARD, {"user_id": user_id, "persona_id": persona_id})
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
            row = conn.execute(_INSERT_SESSION, values).one()
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
            row = self._locked(db, session_id)
            if update_id is not None and not self._first_delivery(db, update_id, row.user_id, now):
                return Outcome(row.id, row.user_id, [], self._restore(db, row), duplicate=True)
            session = self._session(db, row)
            before, live = len(session.turns), set(session.nudges)
            effects: list[Effect] = run(session)
            self._write(db, row, session, before, effects, live, now)
            return Outcome(row.id, row.user_id, effects, session)

    def deliver_nudge(
        self, db: DbSession, nudge_id: int, worker_id: str, now: datetime
    ) -> Delivery | None:
        """Deliver and settle a nudge ``worker_id`` claimed, inside the caller's transaction.

        The practice is locked first (the order a message handler locks in), then the
        nudge's status is read: if it was settled or re-claimed meanwhile, nothing happens
        and None is returned. Otherwise the flow runs and the nudge is marked ``sent``, or
        ``cancelled`` when the practice has moved on (then the outcome has no effects).
        """
        nudge = db.execute(select(NUDGES).where(NUDGES.c.id == nudge_id)).one_or_none()
        if nudge is None:  # the user deleted their data meanwhile
            return None
        if nudge.session_id is None:
            return self._deliver_meeting_nudge(db, nudge, worker_id, now)
        row = self._locked(db, nudge.session_id)
        status = db.execute(
            select(NUDGES.c.status, NUDGES.c.claimed_by).where(NUDGES.c.id == nudge_id)
        ).one_or_none()
        if status is None or tuple(status) != ("claimed", worker_id):
            return None
        session = self._session(db, row)
        before, live = len(session.turns), set(session.nudges)
        effects = self.flow.nudge(session, nudge.kind, now)
        self._write(db, row, session, before, effects, live, now, exclude=nudge_id)
        if effects:
            late = max(0.0, (now - nudge.due_at).total_seconds())
            self._settle(db, nudge_id, "sent", now, f"delivered {late:.1f}s after due")
        else:
            self._settle(db, nudge_id, "cancelled", now, "the practice had moved on")
        ref = NudgeRef(nudge_id, nudge.kind, nudge.due_at)
        return Delivery(ref, row.user_id, effects, Outcome(row.id, row.user_id, effects, session))

    def _first_delivery(
        self, db: DbSession, update_id: int, user_id: int | None, now: datetime
    ) -> bool:
        """Record ``update_id`` as processed; False if it already was (a duplicate)."""
        return self.updates.claim(db, update_id, user_id, now)

    def _deliver_meeting_nudge(
        self, db: DbSession, nudge: Row[Any], worker_id: str, now: datetime
    ) -> Delivery | None:
        """A companion reminder: its text comes from flows.companion; no practice involved."""
        locked = db.execute(
            select(NUDGES.c.status, NUDGES.c.claimed_by)
            .where(NUDGES.c.id == nudge.id)
            .with_for_update()
        ).one_or_none()
        if locked is None or tuple(locked) != ("claimed", worker_id):
            return None
        contact = None
        if nudge.meeting_id is not None:
            contact = db.execute(
                select(MEETINGS.c.contact_name).where(MEETINGS.c.id == nudge.meeting_id)
            ).scalar_one_or_none()
        text = companion.nudge_text(nudge.kind, contact, nudge.about or "")
        late = max(0.0, (now - nudge.due_at).total_seconds())
        self._settle(db, nudge.id, "sent", now, f"delivered {late:.1f}s after due")
        turn = Turn(now, "nudge", "companion", text, kind=nudge.kind)
        ref = NudgeRef(nudge.id, nudge.kind, nudge.due_at)
        return Delivery(ref, nudge.user_id, [Show(turn)])

    def _settle(self, db: DbSession, nudge_id: int, status: str, now: datetime, why: str) -> None:
        db.execute(
            update(NUDGES)
            .where(NUDGES.c.id == nudge_id)
            .values(status=status, finished_at=now, outcome=why)
        )

    def _locked(self, db: DbSession, session_id: int) -> Row[Any]:
        row = db.connection().execute(self._session_row, {"session_id": session_id}).one_or_none()
        if row is None:
            raise NotFound(f"no practice {session_id}")
        return row

    # -- the sessions kept in memory -----------------------------------------------------------

    @staticmethod
    def _cache_key(row: Row[Any], version: int) -> tuple[Any, ...]:
        # The version says whether anyone wrote since; the rest guards against an id reused
        # after a deletion (SQLite may hand out a deleted row's id again).
        return (version, row.user_id, row.seed, row.started_at)

    def _session(self, db: DbSession, row: Row[Any]) -> Session:
        """The session as ``row`` stands, for an event to change: from memory if this
        process wrote the row's current version, else rebuilt from the rows. Its live nudges
        are always read afresh (a blocked user's nudges are cancelled without the flow)."""
        with self._cache_lock:
            cached = self._cache.pop(row.id, None)
        if cached is None or cached[0] != self._cache_key(row, row.version):
            return self._restore(db, row)
        session = cached[1]
        session.nudges = self._live_nudges(db, row.id)
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

    def _live_nudges(self, db: DbSession, session_id: int) -> dict[str, datetime]:
        nudges = db.connection().execute(_LIVE_NUDGES, {"session_id": session_id})
        return {n.kind: n.due_at for n in nudges}

    def _restore(self, db: DbSession, row: Row[Any]) -> Session:
        turns = db.connection().execute(_TURNS_OF, {"session_id": row.id})
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
            nudges=self._live_nudges(db, row.id),
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
        if new_turns:
            conn.execute(_INSERT_TURNS, new_turns)
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
                    _CANCEL_NUDGES,
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
                    _INSERT_NUDGE,
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
        written = conn.execute(_WRITE_SESSION, {"b_id": row.id, "b_version": row.version, **values})
        if written.rowcount != 1:
            raise ConcurrentUpdate(f"practice {row.id} was changed by someone else meanwhile")
        self._remember(row, row.version + 1, session)

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
