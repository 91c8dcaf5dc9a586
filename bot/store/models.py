"""The database schema as typed SQLAlchemy 2 ORM models.

Changing a model means writing a migration (``bot/store/migrations/versions``); a test
checks that autogenerate finds no difference between the two.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every database (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use UTC-aware datetimes")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), dict[str, Any]: JSON}


class User(Base):
    """Someone who practises: the local terminal user, or a Telegram user."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    """``local`` for the terminal, ``telegram:<user id>`` for Telegram."""
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    meeting_minutes: Mapped[float] = mapped_column(Float, default=20.0)
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    heads_up: Mapped[bool] = mapped_column(Boolean, default=False)
    """Companion setting: a heads-up five minutes before a real meeting's mark."""
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    model_voice: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    """Whether a configured model may phrase this user's replies (their messages are sent
    to it); they can switch it off in /settings."""
    created_at: Mapped[datetime]

    questions: Mapped[list[PreparedQuestion]] = relationship(
        order_by="PreparedQuestion.position", cascade="all, delete-orphan", passive_deletes=True
    )


class PreparedQuestion(Base):
    """A question the user sends ahead of their meetings."""

    __tablename__ = "prepared_questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class PracticeSession(Base):
    """One practice meeting with a contact."""

    __tablename__ = "practice_sessions"
    __table_args__ = (Index("ix_practice_sessions_user_state", "user_id", "state"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    persona_id: Mapped[str] = mapped_column(String(64))
    scenario: Mapped[dict[str, Any]]
    seed: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(16))
    meeting_minutes: Mapped[float] = mapped_column(Float)
    prepared_questions: Mapped[list[str]] = mapped_column(JSON)
    """The questions sent ahead, as they were when the practice started."""
    started_at: Mapped[datetime]
    clock_started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]
    score: Mapped[int | None] = mapped_column(Integer)
    scorecard: Mapped[dict[str, Any] | None]
    version: Mapped[int] = mapped_column(Integer, default=1)
    """Bumped on every write; a concurrent writer that read an older version fails."""
    heard: Mapped[list[str] | None] = mapped_column(JSON)
    """Answers (turn refs) the user had heard from this contact before this practice."""

    turns: Mapped[list[TurnRow]] = relationship(
        order_by="TurnRow.seq", cascade="all, delete-orphan", passive_deletes=True
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy's own hook)


class TurnRow(Base):
    """One line of a practice's transcript."""

    __tablename__ = "turns"
    __table_args__ = (UniqueConstraint("session_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("practice_sessions.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime]
    speaker: Mapped[str] = mapped_column(String(16))
    stage: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    acts: Mapped[list[str]] = mapped_column(JSON)
    """The dialogue acts of a user turn."""
    kind: Mapped[str] = mapped_column(String(32), default="")
    ref: Mapped[str] = mapped_column(String(64), default="", server_default="")
    """Which of the contact's answers a contact line was (see ``flows.session.Turn.ref``)."""
    phrased: Mapped[str | None] = mapped_column(Text)
    """What was shown instead of ``text`` when the model voice phrased this line."""


class NudgeRow(Base):
    """A reminder to deliver at ``due_at``; claimed by one dispatcher at a time."""

    __tablename__ = "nudges"
    __table_args__ = (Index("ix_nudges_status_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("practice_sessions.id", ondelete="CASCADE"), index=True
    )
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default="pending")
    """pending -> claimed -> sent | cancelled | dropped | failed."""
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None]
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(Text)
    """What happened: delivered (and how late), why cancelled or dropped."""
    about: Mapped[str | None] = mapped_column(Text)
    """What a companion reminder is about (the referral to reach out to)."""


class OutboxRow(Base):
    """A message to send, written in the transaction that decided it: sent right after the
    commit, and by whichever process finds it still pending if that failed or the process
    died (at least once, in order per chat)."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    update_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    """The update whose answer this is (None for a nudge)."""
    bot_id: Mapped[int | None] = mapped_column(BigInteger)
    """The bot whose update that was (update ids are per bot)."""
    html: Mapped[str] = mapped_column(Text)
    buttons: Mapped[list[Any]] = mapped_column(JSON)
    """Rows of [label, callback data]."""
    status: Mapped[str] = mapped_column(String(16), default="pending")
    """pending -> failed (after MAX_ATTEMPTS); a sent row is deleted."""
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime]
    """When a sender may (re)try it: pushed ahead while one is sending it (a lease)."""
    created_at: Mapped[datetime]


class ProcessedUpdate(Base):
    """A Telegram update already handled (or set aside), so a second delivery is dropped.

    Update ids are a bot's own sequence (and Telegram may restart it), so the key is the
    bot's id (the token's numeric prefix) with the update id; rows older than Telegram
    keeps an update are pruned (:mod:`bot.store.updates`)."""

    __tablename__ = "processed_updates"

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    processed_at: Mapped[datetime] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(16), default="done", server_default="done")
    """``done``, or ``set_aside``: its handling failed every time (a bug on that input,
    not an outage) and it was given up on; ``reason`` says why."""
    reason: Mapped[str | None] = mapped_column(Text)


class Meeting(Base):
    """A real informational interview the user logged with the companion."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime]
    minutes: Mapped[float] = mapped_column(Float)
    contact_name: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    ended_at: Mapped[datetime | None]
    followed_up_at: Mapped[datetime | None]
    """When the user logged who they met and the names they got (after /done)."""

    people: Mapped[list[MeetingPerson]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )


class MeetingPerson(Base):
    """Someone met at, or referred by, a real meeting."""

    __tablename__ = "meeting_people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(Text)
    relation: Mapped[str] = mapped_column(String(16))
    """``met`` or ``referred``."""
