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


def test_forged_delete_confirmations_delete_nothing(
    fake_telegram: FakeTelegram, serve: Callable[..., BotProcess]
) -> None:
    fake = fake_telegram
    serve()
    lee = fake.user(4204, "Lee")
    fake.send_command(lee, "/prepare What surprised you most in your first year?")
    fake.wait_for_text(lee.id, "Saved for your next practice", WAIT)
    fake.send_command(lee, "/delete")
    ask = fake.wait_for_text(lee.id, "for good. Sure?", WAIT)
    (genuine,) = [
        b["callback_data"]
        for row in (ask.reply_markup or {})["inline_keyboard"]
        for b in row
        if b["callback_data"].startswith("delete:yes:")
    ]
    issued = int(genuine.rsplit(":", 1)[1])
    forged = [
        f"delete:yes:{issued + 3600}",  # an hour ahead: would stay valid for an hour
        "delete:yes:99999999999",  # the year 5138: valid for ever
        "delete:yes:-5",
        "delete:yes:inf",
        "delete:yes:1e30",
        "delete:yes:soon",
        "delete:yes:²",  # a digit to str.isdigit, not to int()
        "delete:yes:",
    ]
    for n, data in enumerate(forged, 1):
        fake.press_button(lee, ask, data, strict=False)
        fake.wait_for(lambda n=n: sum("has expired" in t for t in fake.texts(lee.id)) >= n, WAIT)
    assert not any("has been deleted" in t for t in fake.texts(lee.id))
    fake.send_command(lee, "/questions")
    fake.wait_for_text(lee.id, "What surprised you most", WAIT)  # still kept

    fake.press_button(lee, ask, genuine)  # the real button, within its ten minutes
    fake.wait_for_text(lee.id, "has been deleted", WAIT)
    fake.send_command(lee, "/questions")
    fake.wait_for_text(lee.id, "No questions yet", WAIT)
