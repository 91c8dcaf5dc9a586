"""The SQL statements of the practice hot path (every message, every nudge), built once.

They are Core statements on the tables below: a handful of SQL statements and little
Python per event (building a statement costs more Python than running it on SQLite).
"""

from __future__ import annotations

from sqlalchemy import Table, bindparam, insert, select, update

from bot.store.models import (
    Meeting,
    NudgeRow,
    PracticeSession,
    PreparedQuestion,
    TurnRow,
    User,
)

LIVE = ("pending", "claimed")
"""Nudge statuses that may still be delivered."""
FINISHED = ("done", "abandoned")
"""Practice states that are over."""

SESSIONS: Table = PracticeSession.__table__  # type: ignore[assignment]
TURNS: Table = TurnRow.__table__  # type: ignore[assignment]
NUDGES: Table = NudgeRow.__table__  # type: ignore[assignment]
MEETINGS: Table = Meeting.__table__  # type: ignore[assignment]

USERS: Table = User.__table__  # type: ignore[assignment]
QUESTIONS: Table = PreparedQuestion.__table__  # type: ignore[assignment]

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
VISIT = select(
    USERS.c.active,
    USERS.c.model_voice,
    _CURRENT_PRACTICE.label("practice"),
    _PENDING_FOLLOW_UP.label("follow_up"),
).where(USERS.c.id == bindparam("user_id"))
REACTIVATE = update(USERS).where(USERS.c.id == bindparam("b_user")).values(active=True)
SESSION_ROW = select(SESSIONS).where(SESSIONS.c.id == bindparam("session_id"))
LIVE_NUDGES = select(NUDGES.c.kind, NUDGES.c.due_at).where(
    NUDGES.c.session_id == bindparam("session_id"), NUDGES.c.status.in_(LIVE)
)
TURNS_OF = (
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
HEARD = (
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
INSERT_TURNS = insert(TURNS)
CANCEL_NUDGES = (
    update(NUDGES)
    .where(
        NUDGES.c.session_id == bindparam("b_session"),
        NUDGES.c.kind == bindparam("b_kind"),
        NUDGES.c.status.in_(LIVE),
        NUDGES.c.id != bindparam("b_keep"),
    )
    .values(status="cancelled", finished_at=bindparam("b_now"), outcome=bindparam("b_why"))
)
INSERT_NUDGE = insert(NUDGES)
INSERT_SESSION = insert(SESSIONS).returning(*SESSIONS.c)  # the row as SESSION_ROW reads it
QUESTIONS_OF = (
    select(QUESTIONS.c.text)
    .where(QUESTIONS.c.user_id == bindparam("user_id"))
    .order_by(QUESTIONS.c.position)
)
WRITE_SESSION = update(SESSIONS).where(
    SESSIONS.c.id == bindparam("b_id"), SESSIONS.c.version == bindparam("b_version")
)
