"""Upgrading repairs users whose first contact was in a group: their chat becomes their
private chat (Telegram gives it the user's id), so reminders stop going to the group."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from bot.store.db import make_engine
from bot.store.schema import upgrade


def test_a_group_stored_as_a_users_chat_is_replaced_by_their_private_chat(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    upgrade(engine, "0004")
    with engine.begin() as db:
        db.execute(
            text(
                "INSERT INTO users (key, telegram_user_id, chat_id, meeting_minutes, time_zone,"
                " heads_up, active, created_at) VALUES"
                " ('telegram:7', 7, -100123, 20, 'UTC', 0, 1, '2026-12-01 10:00:00'),"
                " ('telegram:8', 8, 8, 20, 'UTC', 0, 1, '2026-12-01 10:00:00'),"
                " ('local', NULL, NULL, 20, 'UTC', 0, 1, '2026-12-01 10:00:00')"
            )
        )
    upgrade(engine)
    with engine.connect() as db:
        chats = {k: c for k, c in db.execute(text("SELECT key, chat_id FROM users"))}
    assert chats == {"telegram:7": 7, "telegram:8": 8, "local": None}
    engine.dispose()
