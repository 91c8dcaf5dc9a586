"""Input a polite bot still answers: an unknown /command gets a pointer to /help, and a
message holding U+0000 (which PostgreSQL refuses) is answered, not dropped."""

from __future__ import annotations

from collections.abc import Callable

from tests.fake_telegram import FakeTelegram
from tests.telegram.conftest import BotProcess

WAIT = 30.0


def test_an_unknown_command_says_so_and_points_to_help(
    fake_telegram: FakeTelegram, serve: Callable[..., BotProcess]
) -> None:
    fake = fake_telegram
    serve()
    ida = fake.user(4201, "Ida")
    fake.send_command(ida, "/frobnicate now")
    reply = fake.wait_for_text(ida.id, "don't know the command", WAIT)
    assert "/frobnicate" in (reply.text or "") and "/help" in (reply.text or "")


def test_a_message_with_a_nul_character_is_answered(
    fake_telegram: FakeTelegram, serve: Callable[..., BotProcess]
) -> None:
    fake = fake_telegram
    serve()
    jon = fake.user(4202, "Jon")
    fake.send_command(jon, "/practice dana 20")
    fake.wait_for_text(jon.id, "booked for 20 minutes", WAIT)
    fake.send_text(jon, "Hello,\x00 I'm here early for my meeting.")
    fake.wait_for(lambda: len(fake.texts(jon.id)) >= 2, WAIT)
    fake.send_command(jon, "/prepare How did you\x00 get started?")
    saved = fake.wait_for_text(jon.id, "Added to the questions", WAIT)
    assert "\x00" not in (saved.text or "") and "How did you get started?" in (saved.text or "")


def test_nul_is_stripped_before_anything_is_stored() -> None:
    from bot.telegram.handlers import without_nul

    assert without_nul("a\x00b\x00") == "ab"


def test_forged_length_buttons_start_nothing(
    fake_telegram: FakeTelegram, serve: Callable[..., BotProcess]
) -> None:
    fake = fake_telegram
    serve()
    kim = fake.user(4203, "Kim")
    fake.send_command(kim, "/practice")
    fields = fake.wait_for_text(kim.id, "Which field", WAIT)
    fake.press_button(kim, fields, "field:software-engineering")
    people = fake.wait_for_text(kim.id, "who would you like to meet?", WAIT)
    fake.press_button(kim, people, "pick:dana")
    menu = fake.wait_for_text(kim.id, "How long is the meeting?", WAIT)
    for forged in ("len:dana:inf", "len:dana:99999", "len:dana:-5", "len:dana:nan"):
        fake.press_button(kim, menu, forged, strict=False)
        fake.wait_for(lambda: sum("expired" in t for t in fake.texts(kim.id)) >= 1, WAIT)
    fake.press_button(kim, menu, "len:dana:10")
    fake.wait_for_text(kim.id, "booked for 10 minutes", WAIT)
    assert not any("booked for inf" in t or "99999" in t for t in fake.texts(kim.id))
