"""What the model voice needs from storage: whether a user allows it, and which contact
lines it phrased (kept beside the scripted line, for the export and the reports)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Table, bindparam, exists, select, update
from sqlalchemy.orm import Session as DbSession

from bot.store.models import PracticeSession, TurnRow, User
from bot.store.practices import FINISHED, PracticeStore

TURNS: Table = TurnRow.__table__  # type: ignore[assignment]
USERS: Table = User.__table__  # type: ignore[assignment]
SESSIONS: Table = PracticeSession.__table__  # type: ignore[assignment]

_PHRASED = (
    update(TURNS)
    .where(
        TURNS.c.session_id == bindparam("b_session"),
        TURNS.c.seq == bindparam("b_seq"),
        TURNS.c.speaker == "contact",
    )
    .values(phrased=bindparam("b_text"))
)
_WANTED = select(USERS.c.model_voice).where(
    USERS.c.id == bindparam("user_id"),
    exists().where(SESSIONS.c.user_id == USERS.c.id, SESSIONS.c.state.not_in(FINISHED)),
)


@dataclass(frozen=True)
class PhrasedLine:
    """A contact line the model phrased, as it was shown."""

    session_id: int
    seq: int
    text: str


def record_phrased(db: DbSession, lines: Iterable[PhrasedLine]) -> None:
    """Keep what was shown for these lines, in the caller's transaction (one statement)."""
    rows = [{"b_session": p.session_id, "b_seq": p.seq, "b_text": p.text} for p in lines]
    if rows:
        db.connection().execute(_PHRASED, rows)


def save_phrased(store: PracticeStore, lines: Iterable[PhrasedLine]) -> None:
    """:func:`record_phrased` in a transaction of its own (the terminal chat)."""
    with store.transaction() as db:
        record_phrased(db, lines)


def voice_wanted(store: PracticeStore, user_id: int) -> bool:
    """Whether a model may read this user's next message: they allow it and have a practice
    going (nothing to understand otherwise)."""
    with store.transaction() as db:
        return bool(db.connection().execute(_WANTED, {"user_id": user_id}).scalar())
