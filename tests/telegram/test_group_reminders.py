"""Reminders go to the user's private chat, even when they first met the bot in a group."""

from __future__ import annotations

from collections.abc import Callable

from tests.fake_telegram import FakeTelegram
from tests.telegram.conftest import BotProcess

WAIT = 20.0


def test_a_wrap_up_nudge_reaches_the_private_chat_not_the_group_of_first_contact(
    fake_telegram: FakeTelegram, serve: Callable[..., BotProcess]
) -> None:
    fake = fake_telegram
    serve()
    dee = fake.user(5101, "Dee")
    group = fake.group_chat("Job club")
    fake.send_text(dee, "/practice", chat=group)  # first contact: in a group
    fake.wait_for_text(group.id, "private chat", WAIT)

    fake.send_command(dee, "/practice priya 0.05")
    fake.wait_for_text(dee.id, "fourth floor", WAIT)
    fake.send_text(dee, "Hi, I'm ready.")
    fake.wait_for_text(dee.id, "⏰", WAIT)  # the wrap-up nudge, in private
    assert not any("⏰" in t for t in fake.texts(group.id)), fake.texts(group.id)
    assert len(fake.texts(group.id)) == 1  # only the pointer to the private chat
