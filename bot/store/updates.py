"""The processed-updates table: which Telegram updates were handled, per bot.

An update is recorded in the transaction that handles it, so a second delivery (Telegram
retrying, a restarted poller) changes nothing. Update ids are a bot's own sequence and
Telegram may restart it, so rows are keyed by (bot id, update id), the bot id being the
token's numeric prefix, and pruned once Telegram can no longer deliver them again: it
keeps an undelivered update at most 24 hours; rows are kept twice that.

An update whose handling fails every time for a reason of its own (a bug on that input,
never a database outage) is finally *set aside*: recorded with ``status = 'set_aside'``
and the reason, so that it stops holding up its chat and an operator can find it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import Insert, Table, delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session as DbSession

from bot.store.models import ProcessedUpdate

log = logging.getLogger(__name__)

UPDATES: Table = ProcessedUpdate.__table__  # type: ignore[assignment]
KEEP = timedelta(hours=48)
"""How long a processed update is remembered (Telegram keeps one at most 24 hours)."""
PRUNE_EVERY = timedelta(hours=1)
SET_ASIDE = "set_aside"


def bot_id_of(token: str) -> int:
    """The bot's id: the numeric prefix of its token (``123456:ABC...``)."""
    prefix = token.strip().partition(":")[0]
    return int(prefix) if prefix.isdigit() else 0


class ProcessedUpdates:
    def __init__(self, dialect: str, bot_id: int = 0) -> None:
        self.bot_id = bot_id
        dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        self._claim: Insert = (
            dialect_insert(UPDATES).on_conflict_do_nothing().returning(UPDATES.c.update_id)
        )
        self._set_aside: Insert = dialect_insert(UPDATES).on_conflict_do_nothing()
        self._pruned_at: datetime | None = None

    def claim(self, db: DbSession, update_id: int, user_id: int | None, now: datetime) -> bool:
        """Record ``update_id`` as processed; False if it already was (a duplicate)."""
        inserted = db.connection().execute(
            self._claim,
            {
                "bot_id": self.bot_id,
                "update_id": update_id,
                "user_id": user_id,
                "processed_at": now,
            },
        )
        return inserted.first() is not None

    def set_aside(self, db: DbSession, update_id: int, reason: str, now: datetime) -> None:
        """Give up on ``update_id``: a later delivery of it is a duplicate."""
        db.connection().execute(
            self._set_aside,
            {
                "bot_id": self.bot_id,
                "update_id": update_id,
                "user_id": None,
                "processed_at": now,
                "status": SET_ASIDE,
                "reason": reason,
            },
        )

    def prune_due(self, now: datetime) -> bool:
        return self._pruned_at is None or now - self._pruned_at >= PRUNE_EVERY

    def prune(self, db: DbSession, now: datetime) -> int:
        """Forget updates Telegram can no longer deliver again (every bot's)."""
        self._pruned_at = now
        result = db.execute(delete(UPDATES).where(UPDATES.c.processed_at < now - KEEP))
        gone = int(getattr(result, "rowcount", 0) or 0)
        if gone:
            log.info("forgot %s processed updates older than %s", gone, KEEP)
        return gone

    def adopt(self, db: DbSession) -> None:
        """Rows from before updates were kept per bot (bot id 0) are this bot's: until
        then a database served one bot."""
        if self.bot_id:
            db.execute(update(UPDATES).where(UPDATES.c.bot_id == 0).values(bot_id=self.bot_id))
