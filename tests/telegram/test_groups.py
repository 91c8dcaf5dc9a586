"""Practices are one-to-one: in a group the bot only points to its private chat. Once per
message at most (an edit or a second delivery gets nothing), at most once a minute per
group, and nothing about the sender is stored: not the anonymous-admin bot, not a
channel, not even a member who writes there."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from bot.store.db import make_engine
from bot.store.models import User
from bot.telegram.groups import Pointers
from tests.fake_telegram import FakeTelegram
from tests.telegram.conftest import BotProcess

WAIT = 30.0
POINTER = "talk to me in a private chat"


def handled(fake: FakeTelegram, update_id: int) -> None:
    """Wait until the bot has confirmed ``update_id`` to Telegram (its work is over)."""
    fake.wait_for(
        lambda: any(
            int(c.params.get("offset") or 0) > update_id for c in fake.calls("getUpdates") if c.ok
        ),
        WAIT,
    )


def stored_users(db: Path) -> list[str]:
    engine = make_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as connection:
            return sorted(connection.scalars(select(User.key)))
    finally:
        engine.dispose()


def test_a_group_gets_one_pointer_per_message_and_no_sender_is_stored(
    fake_telegram: FakeTelegram, serve: Callable[..., BotProcess], tmp_path: Path
) -> None:
    fake = fake_telegram
    serve()
    ann = fake.user(4401, "Ann")
    club = fake.group_chat("Job club")
    first = fake.send_command(ann, "/practice", chat=club)
    fake.wait_for_text(club.id, POINTER, WAIT)
    handled(fake, fake.edit_text(first, "/practice dana"))  # an edit is no new message
    fake.duplicate(first)  # nor is a second delivery

    admins = fake.group_chat("Admins", supergroup=True)
    fake.send_as_chat(admins, "/practice")  # an anonymous admin
    fake.wait_for_text(admins.id, POINTER, WAIT)
    news, forum = fake.channel("Career news"), fake.group_chat("Discussion", supergroup=True)
    fake.send_as_chat(forum, "/practice", sender_chat=news)  # a channel speaking
    fake.wait_for_text(forum.id, POINTER, WAIT)

    bob = fake.user(4402, "Bob")
    fake.send_command(bob, "/practice", chat=club)  # Ann's pointer is still on screen
    last = fake.send_command(bob, "/help")  # in private
    fake.wait_for_text(bob.id, "/practice: meet a contact", WAIT)
    handled(fake, last)

    assert [len(fake.texts(chat.id)) for chat in (club, admins, forum)] == [1, 1, 1]
    assert stored_users(tmp_path / "bot.sqlite3") == ["telegram:4402"]  # Bob, in private


def test_a_group_is_pointed_to_the_private_chat_again_after_a_minute() -> None:
    pointers = Pointers(seconds=60)
    assert pointers.due(-100, 1000.0)
    assert not pointers.due(-100, 1059.0)
    assert pointers.due(-200, 1059.0)  # another group
    assert pointers.due(-100, 1060.0)
