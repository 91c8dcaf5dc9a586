"""Users in the database: who they are, where to reach them, their settings and the
questions they prepared to send ahead."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update

from bot.store.models import OutboxRow, PreparedQuestion, User
from bot.store.outcomes import NotFound
from bot.store.practice_sql import LIVE, NUDGES, QUESTIONS_OF, USERS
from bot.store.transactions import TransactionalStore

_USER_BY_KEY = select(USERS.c.id).where(USERS.c.key == bindparam("key"))
_NEW_USER = insert(USERS).returning(USERS.c.id)


@dataclass(frozen=True)
class UserSettings:
    meeting_minutes: float
    time_zone: str
    heads_up: bool
    model_voice: bool = True


class UserRecords(TransactionalStore):
    """The user methods of :class:`bot.store.practices.PracticeStore`."""

    def user_id(self, key: str, now: datetime, **fields: Any) -> int:
        """The id of the user ``key``, created on first use."""
        with self.transaction() as db:  # (Core: an ORM load and flush took 2.5x the CPU)
            conn = db.connection()
            found: int | None = conn.execute(_USER_BY_KEY, {"key": key}).scalar()
            if found is not None:
                return found
            created: int = conn.execute(
                _NEW_USER, {"key": key, "created_at": now, **fields}
            ).scalar_one()
            return created

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
            return list(db.connection().execute(QUESTIONS_OF, {"user_id": user_id}).scalars())

    def add_question(self, user_id: int, text: str, now: datetime) -> None:
        with self.transaction() as db:
            count = db.scalar(select(func.count()).where(PreparedQuestion.user_id == user_id))
            db.add(
                PreparedQuestion(user_id=user_id, position=count or 0, text=text, created_at=now)
            )
