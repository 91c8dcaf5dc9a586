"""Replies longer than Telegram allows are split (or refused with a clear message), never
retried for hours and lost; questions sent ahead are capped."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from bot.store.db import make_engine
from bot.store.models import NudgeRow
from tests.fake_telegram import FakeTelegram
from tests.telegram.conftest import BotProcess

WAIT = 30.0


def refused(fake: FakeTelegram) -> list[object]:
    return [c for c in fake.calls("sendMessage") if c.status == 400]


def test_a_4000_character_question_gets_a_clear_answer(
    fake_telegram: FakeTelegram, serve: Callable[..., BotProcess]
) -> None:
    fake = fake_telegram
    serve()
    fay = fake.user(4106, "Fay")
    fake.send_command(fay, "/prepare " + ("What & how <really> " * 210).strip())
    fake.wait_for_text(fay.id, "keep it under 500", WAIT)
    assert not refused(fake)
    fake.send_command(fay, "/questions")
    fake.wait_for_text(fay.id, "No questions yet", WAIT)  # not stored


def test_thirty_long_questions_are_listed_in_parts_and_a_31st_is_refused(
    fake_telegram: FakeTelegram, serve: Callable[..., BotProcess]
) -> None:
    fake = fake_telegram
    serve()
    gus = fake.user(4107, "Gus")
    for i in range(30):
        fake.send_command(gus, f"/prepare Q{i} " + "could you tell me & <more> " * 17)
    fake.wait_for(lambda: sum("Saved" in t for t in fake.texts(gus.id)) == 30, WAIT)
    fake.send_command(gus, "/prepare one more?")
    fake.wait_for_text(gus.id, "already have 30 questions", WAIT)
    fake.send_command(gus, "/questions")
    fake.wait_for(lambda: any("30. Q29" in t for t in fake.texts(gus.id)), WAIT)
    assert not refused(fake)
    listing = [t for t in fake.texts(gus.id) if "Q" in t and "Saved" not in t]
    assert len(listing) >= 3 and all(len(t) <= 4096 for t in listing)


def test_a_follow_up_with_1300_names_keeps_ten_and_says_so(
    fake_telegram: FakeTelegram, serve: Callable[..., BotProcess], tmp_path: Path
) -> None:
    fake = fake_telegram
    serve()
    hal = fake.user(4108, "Hal")
    fake.send_command(hal, "/meeting 20")
    fake.wait_for_text(hal.id, "Timer set for 20 minutes", WAIT)
    fake.send_command(hal, "/done")
    fake.wait_for_text(hal.id, "Who did you meet?", WAIT)
    fake.send_text(hal, "Jordan Lee")
    fake.wait_for_text(hal.id, "Which names did they give you", WAIT)
    fake.send_text(hal, ", ".join(f"Person {i}" for i in range(1300)))
    logged = fake.wait_for_text(hal.id, "Logged.", WAIT)
    assert "1,300 names" in (logged.text or "") and "first 10" in (logged.text or "")
    assert not refused(fake)
    engine = make_engine(f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    with engine.connect() as connection:
        reminders = connection.execute(
            select(func.count()).where(
                NudgeRow.meeting_id.is_not(None), NudgeRow.status == "pending"
            )
        ).scalar_one()
    engine.dispose()
    assert reminders <= 12  # the mark, a thank-you, ten reach-outs
