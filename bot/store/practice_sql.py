"""The SQL statements of the practice hot path (every message, every nudge), built once.

They are Core statements on the tables below: a handful of SQL statements and little
Python per event (building a statement costs more Python than running it on SQLite).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Integer,
    String,
    Table,
    Text,
    any_,
    bindparam,
    column,
    delete,
    exists,
    func,
    insert,
    literal,
    literal_column,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.elements import ColumnClause

from bot.store.models import (
    Meeting,
    NudgeRow,
    OutboxRow,
    PracticeSession,
    PreparedQuestion,
    ProcessedUpdate,
    TurnRow,
    User,
)

LIVE = ("pending", "claimed")
"""Nudge statuses that may still be delivered."""
FINISHED = ("done", "abandoned")
"""Practice states that are over."""
_LIVE_INLINE: list[ColumnClause[str]] = [literal_column(f"'{s}'", String) for s in LIVE]
_FINISHED_INLINE: list[ColumnClause[str]] = [literal_column(f"'{s}'", String) for s in FINISHED]
"""The same, written into the statements' text: an ``IN`` over bound values is rendered
anew at every execution (SQLAlchemy's "expanding" parameters), a constant list once."""

SESSIONS: Table = PracticeSession.__table__  # type: ignore[assignment]
TURNS: Table = TurnRow.__table__  # type: ignore[assignment]
NUDGES: Table = NudgeRow.__table__  # type: ignore[assignment]
MEETINGS: Table = Meeting.__table__  # type: ignore[assignment]

USERS: Table = User.__table__  # type: ignore[assignment]
QUESTIONS: Table = PreparedQuestion.__table__  # type: ignore[assignment]
UPDATES: Table = ProcessedUpdate.__table__  # type: ignore[assignment]
OUTBOX: Table = OutboxRow.__table__  # type: ignore[assignment]

_CURRENT_PRACTICE = (
    select(SESSIONS.c.id)
    .where(SESSIONS.c.user_id == USERS.c.id, SESSIONS.c.state.not_in(_FINISHED_INLINE))
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
_CLAIM_UPDATE = (
    postgresql.insert(UPDATES)
    .from_select(
        ["bot_id", "update_id", "user_id", "processed_at", "status"],
        select(
            bindparam("bot_id", type_=BigInteger),
            bindparam("update_id", type_=BigInteger),
            bindparam("user_id", type_=Integer),
            bindparam("now", type_=DateTime(timezone=True)),
            literal("done", String),  # (a column default is not applied inside a CTE)
        ).where(exists().where(USERS.c.id == bindparam("user_id"))),
    )
    .on_conflict_do_nothing()
    .returning(UPDATES.c.update_id)
    .cte("claimed")
)
_FORGET_SENT = (
    delete(OUTBOX)
    .where(OUTBOX.c.id == any_(bindparam("sent", type_=postgresql.ARRAY(Integer))))
    .returning(OUTBOX.c.id)
    .cte("forgotten")
)
FORGET_SENT = delete(OUTBOX).where(OUTBOX.c.id == bindparam("b_id"))
"""Outbox rows Telegram has (the transcript keeps what was said): one row per parameter set."""
VISIT_CLAIMING = (
    select(
        USERS.c.active,
        USERS.c.model_voice,
        _CURRENT_PRACTICE.label("practice"),
        _PENDING_FOLLOW_UP.label("follow_up"),
        select(func.count()).select_from(_CLAIM_UPDATE).scalar_subquery().label("fresh"),
        select(func.count()).select_from(_FORGET_SENT).scalar_subquery().label("forgotten"),
    )
    .where(USERS.c.id == bindparam("user_id"))
    .with_for_update(of=USERS, key_share=True)
)
"""PostgreSQL: :data:`VISIT` (the user locked), the update recorded as processed and the
outbox rows Telegram has (``sent``) forgotten, in one statement (``fresh`` is 0 for a
duplicate). A data-modifying CTE always runs; a
second delivery racing the first waits on the key until the first commits, then inserts
nothing."""
REACTIVATE = update(USERS).where(USERS.c.id == bindparam("b_user")).values(active=True)
SESSION_ROW = select(SESSIONS).where(SESSIONS.c.id == bindparam("session_id"))
_SEEN = SESSIONS.alias("seen")
SESSION_KEY = (
    SESSIONS.c.id,
    SESSIONS.c.user_id,
    SESSIONS.c.seed,
    SESSIONS.c.started_at,
    SESSIONS.c.version,
    SESSIONS.c.finished_at,
)
"""What an event needs of the practice's row when its transcript is in memory: the cache
key (:meth:`bot.store.transcripts.Transcripts._cache_key`) and what a write checks."""
SESSION_ROW_AND_NUDGES = (
    select(
        *SESSION_KEY,
        NUDGES.c.kind.label("nudge_kind"),
        NUDGES.c.due_at.label("nudge_due"),
        select(_SEEN.c.version)
        .where(_SEEN.c.id == SESSIONS.c.id)
        .scalar_subquery()
        .label("seen_version"),
    )
    .select_from(
        SESSIONS.outerjoin(
            NUDGES, (NUDGES.c.session_id == SESSIONS.c.id) & NUDGES.c.status.in_(_LIVE_INLINE)
        )
    )
    .where(SESSIONS.c.id == bindparam("session_id"))
)
"""The practice's :data:`SESSION_KEY` (a row per live nudge: its kind and due time, NULL
if none) in one statement: the rest of the row (JSON documents among it) is read only when
the transcript must be rebuilt (:data:`SESSION_ROW`), which is rare. On PostgreSQL it is
locked ``FOR UPDATE OF practice_sessions``: a statement that waited for the lock returns
the row as the holder committed it but the nudges (and ``seen_version``) as they stood
when the statement began, so when ``seen_version`` is not ``version`` the nudges must be
read again (every practice write bumps ``version``)."""
_VISITED = VISIT_CLAIMING.cte("visited")
_LOCKED = (
    select(*SESSION_KEY)
    .where(SESSIONS.c.id == select(_VISITED.c.practice).scalar_subquery())
    .with_for_update(of=SESSIONS)
    .cte("locked")
    .prefix_with("MATERIALIZED")
)
VISIT_CLAIMING_LOCKING = select(
    _VISITED.c.active,
    _VISITED.c.model_voice,
    _VISITED.c.practice,
    _VISITED.c.follow_up,
    _VISITED.c.fresh,
    *_LOCKED.c,
    NUDGES.c.kind.label("nudge_kind"),
    NUDGES.c.due_at.label("nudge_due"),
    select(_SEEN.c.version)
    .where(_SEEN.c.id == _LOCKED.c.id)
    .scalar_subquery()
    .label("seen_version"),
).select_from(
    _VISITED.outerjoin(_LOCKED, true()).outerjoin(
        NUDGES, (NUDGES.c.session_id == _LOCKED.c.id) & NUDGES.c.status.in_(_LIVE_INLINE)
    )
)
"""PostgreSQL: :data:`VISIT_CLAIMING` and, in the same statement, what
:data:`SESSION_ROW_AND_NUDGES` reads of the user's current practice, locked ``FOR UPDATE``
after the user (the order the two statements took them in): a row per live nudge, the
practice's columns NULL when there is none. The lock is taken in a ``MATERIALIZED`` CTE,
so it is taken whatever the outer join keeps; a practice lock waited for shows, as
before, as ``seen_version`` differing from ``version``."""
LIVE_NUDGES = select(NUDGES.c.kind, NUDGES.c.due_at).where(
    NUDGES.c.session_id == bindparam("session_id"), NUDGES.c.status.in_(_LIVE_INLINE)
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
        NUDGES.c.status.in_(_LIVE_INLINE),
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
_NEW_TURNS = (
    func.json_to_recordset(bindparam("b_turns", type_=JSON))
    .table_valued(
        column("seq", Integer),
        column("at", DateTime(timezone=True)),
        column("speaker", String),
        column("stage", String),
        column("text", Text),
        column("acts", JSON),
        column("kind", String),
        column("ref", String),
    )
    .render_derived(name="new_turn", with_types=True)
)
_TURN_COLUMNS = ["seq", "at", "speaker", "stage", "text", "acts", "kind", "ref"]
WRITE_SESSION_AND_TURNS = WRITE_SESSION.add_cte(
    insert(TURNS)
    .from_select(
        ["session_id", *_TURN_COLUMNS],
        select(bindparam("b_id", type_=Integer), *(_NEW_TURNS.c[c] for c in _TURN_COLUMNS)),
    )
    .cte("inserted_turns")
)
"""PostgreSQL: :data:`WRITE_SESSION` with the new turns inserted in the same statement
(``b_turns``: a JSON list of their rows, ``at`` in ISO format), the same text whatever
their number, so it is compiled once and prepared by the server."""
