"""The Telegram bot end to end: the real `rapport serve`, a fake Bot API, a user typing."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from bot.store.db import make_engine
from bot.store.models import NudgeRow, OutboxRow, ProcessedUpdate, TurnRow
from tests.fake_telegram import FakeTelegram, SentMessage
from tests.telegram.conftest import BotProcess, said

WAIT = 15.0


def test_a_whole_practice_with_buttons_a_nudge_and_a_scorecard(
    fake_telegram: FakeTelegram, serve: Callable[..., BotProcess], tmp_path: Path
) -> None:
    fake = fake_telegram
    bot = serve()
    assert {c["command"] for c in fake.commands} >= {"start", "practice", "end", "report"}
    alice = fake.user(1001, "Alice")
    fake.send_command(alice, "/start")
    fake.wait_for_text(alice.id, "informational interviews", WAIT)

    fake.send_command(alice, "/practice")
    fields: SentMessage = fake.wait_for_text(alice.id, "Which field", WAIT)
    fake.press_button(alice, fields, "field:software-engineering")
    menu: SentMessage = fake.wait_for_text(alice.id, "who would you like to meet?", WAIT)
    fake.press_button(alice, menu, "pick:dana")
    lengths = fake.wait_for_text(alice.id, "How long is the meeting?", WAIT)
    fake.press_button(alice, lengths, "len:dana:10")
    fake.wait_for_text(alice.id, "booked for 10 minutes", WAIT)
    fake.send_command(alice, "/end")
    fake.wait_for_text(alice.id, "You ended this practice early", WAIT)

    fake.send_command(alice, "/practice dana 0.05")  # a three-second meeting
    fake.wait_for_text(alice.id, "booked for 0.05 minutes", WAIT)
    fake.send_text(alice, "Hello! I got here 15 minutes early, in my navy suit.")
    fake.wait_for_text(alice.id, "Noted", WAIT)
    fake.send_text(alice, "I have a notebook and pen, and a copy of the questions I sent.")
    fake.wait_for_text(alice.id, "Dana:", WAIT)
    assert fake.calls("sendChatAction") == []  # answers ready at once: no "typing..." flash

    fake.send_text(alice, "How did you get started in software?")
    nudge = fake.wait_for_text(alice.id, "⏰", WAIT)
    assert "Time to let Dana know" in (nudge.text or "")

    fake.send_text(alice, "I see our time is up, I don't want to keep you.")
    fake.send_text(alice, "Thank you so much, goodbye!")
    card = fake.wait_for_text(alice.id, "Scorecard", WAIT)
    assert "<b>Scorecard" in (card.source_text or "")
    assert "15 minutes early" in "\n".join(fake.texts(alice.id))  # quoted as evidence

    fake.send_command(alice, "/report")
    since = time.time()
    fake.wait_for(lambda: any("Scorecard" in t for t in said(fake, alice.id, since)), WAIT)
    bot.stop()
    log = (tmp_path / "bot.log").read_text()
    assert fake.token not in log  # never in the logs
    assert "How did you get started" not in log  # message texts are not logged at INFO


def test_a_restart_mid_practice_keeps_the_practice_and_its_nudge(
    fake_telegram: FakeTelegram, serve: Callable[..., BotProcess]
) -> None:
    fake = fake_telegram
    bot = serve()
    bob = fake.user(2002, "Bob")
    fake.send_command(bob, "/practice priya 0.1")  # six seconds
    fake.wait_for_text(bob.id, "Before you go in", WAIT)
    fake.send_text(bob, "Good morning, I'm ready to go in.")
    fake.wait_for_text(bob.id, "Priya:", WAIT)
    bot.kill()  # the mark passes while the bot is down
    time.sleep(7)
    serve()
    nudge = fake.wait_for_text(bob.id, "⏰", WAIT)
    assert "Priya" in (nudge.text or "")
    fake.send_text(bob, "What do you like most about nursing?")
    since = time.time()
    fake.wait_for(lambda: any(t.startswith("Priya:") for t in said(fake, bob.id, since)), WAIT)
    assert sum("⏰" in t for t in fake.texts(bob.id)) == 1


def test_a_nudge_is_marked_sent_at_once_so_a_crash_right_after_does_not_repeat_it(
    fake_telegram: FakeTelegram, serve: Callable[..., BotProcess], tmp_path: Path
) -> None:
    """Answers are marked sent in batches (a crash may repeat one); a nudge is marked as
    soon as Telegram took it, so a kill a moment later leaves nothing to send again."""
    fake = fake_telegram
    bot = serve()
    cleo = fake.user(2003, "Cleo")
    fake.send_command(cleo, "/practice dana 0.05")  # a three-second meeting
    fake.wait_for_text(cleo.id, "Before you go in", WAIT)
    fake.send_text(cleo, "Good morning, I'm ready to go in.")
    fake.wait_for_text(cleo.id, "⏰", WAIT)
    time.sleep(0.1)  # well inside the batch window (0.25 s), well past one commit
    bot.kill()
    engine = make_engine(f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    try:
        with engine.connect() as db:
            queued = db.execute(select(OutboxRow.html)).scalars().all()
            nudges = db.execute(select(NudgeRow.status)).scalars().all()
    finally:
        engine.dispose()
    assert not [html for html in queued if "⏰" in html]
    assert "sent" in nudges


def test_updates_in_hand_when_the_bot_is_killed_are_handled_after_the_restart(
    fake_telegram: FakeTelegram, serve: Callable[..., BotProcess], tmp_path: Path
) -> None:
    """Long polling tells Telegram an update is done only once it is handled: a bot killed
    with a batch in hand (fetched, not yet handled) gets that batch again on restart."""
    fake = fake_telegram
    bot = serve()
    dee = fake.user(7007, "Dee")
    for i in range(40):  # one batch; one chat's updates are handled one after another
        fake.send_text(dee, f"Hello, is anyone there? ({i})")
    fake.wait_for(lambda: fake.messages(dee.id), WAIT)
    bot.kill()  # with most of the batch still to handle
    assert len(fake.messages(dee.id)) < 40  # (else the kill came too late to prove anything)
    serve()
    engine = make_engine(f"sqlite:///{tmp_path / 'bot.sqlite3'}")

    def handled() -> list[int]:
        with engine.connect() as db:
            return list(db.execute(select(ProcessedUpdate.update_id)).scalars())

    try:
        fake.wait_for(lambda: len(handled()) >= 40, WAIT)
        assert len(handled()) == len(set(handled())) == 40
        with engine.connect() as db:  # answers the killed bot queued and never sent
            queued = len(db.execute(select(OutboxRow.id)).scalars().all())
    finally:
        engine.dispose()
    # each is answered, or will be once the dead process's lease on its answer ends
    fake.wait_for(lambda: len(fake.messages(dee.id)) + queued >= 40, WAIT)


def test_odd_inputs_groups_and_duplicates(
    fake_telegram: FakeTelegram, serve: Callable[..., BotProcess]
) -> None:
    fake = fake_telegram
    serve()
    carol = fake.user(3003, "Carol")
    fake.send_sticker(carol)
    fake.wait_for_text(carol.id, "only read text", WAIT)
    fake.send_voice(carol)
    fake.wait_for(lambda: sum("only read text" in t for t in fake.texts(carol.id)) == 2, WAIT)
    fake.send_text(carol, "hello?")
    fake.wait_for_text(carol.id, "no practice going", WAIT)

    group = fake.group_chat("Job club")
    fake.send_text(carol, "/practice", chat=group)
    fake.wait_for_text(group.id, "private chat", WAIT)

    fake.send_command(carol, "/practice tomas 20")
    fake.wait_for_text(carol.id, "Before you go in", WAIT)
    update_id = fake.send_text(carol, "Hi, I'm ready. How did you get into banking?")
    fake.wait_for(lambda: sum(t.startswith("Tomás:") for t in said(fake, carol.id)) >= 2, WAIT)
    fake.duplicate(update_id)
    fake.send_command(carol, "/help")
    fake.wait_for_text(carol.id, "/practice: meet a contact", WAIT)
    assert sum(t.startswith("Tomás:") for t in said(fake, carol.id)) == 2  # greeting + answer

    fake.send_command(carol, "/practice nobody")
    fake.wait_for_text(carol.id, "I have nobody in “nobody” yet", WAIT)


def test_a_user_who_blocks_the_bot_stops_getting_nudges(
    fake_telegram: FakeTelegram, serve: Callable[..., BotProcess]
) -> None:
    fake = fake_telegram
    serve()
    dave = fake.user(4004, "Dave")
    fake.send_command(dave, "/practice marcus 0.05")
    fake.wait_for_text(dave.id, "Before you go in", WAIT)
    fake.send_text(dave, "Hi, I'm ready")
    fake.wait_for_text(dave.id, "Marcus:", WAIT)
    fake.block(dave)
    fake.wait_for(lambda: [c for c in fake.calls("sendMessage") if c.status == 403], WAIT)
    time.sleep(1)
    assert not any("⏰" in t for t in fake.texts(dave.id))
    refused = [c for c in fake.calls("sendMessage") if c.status == 403]
    assert len(refused) == 1  # not retried: the user is marked inactive


def test_a_missing_or_malformed_token_is_one_clear_line(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    base = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    base["DATABASE_URL"] = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    for env in (base, {**base, "TELEGRAM_BOT_TOKEN": "not-a-token"}):
        result = subprocess.run(
            [sys.executable, "-m", "bot", "serve"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 2
        assert result.stderr.count("\n") == 1 and "TELEGRAM_BOT_TOKEN" in result.stderr
        assert "not-a-token" not in result.stderr and "Traceback" not in result.stderr


def test_export_sends_files_and_delete_asks_then_erases(
    fake_telegram: FakeTelegram, serve: Callable[..., BotProcess]
) -> None:
    import json

    fake = fake_telegram
    serve()
    erin = fake.user(5005, "Erin")
    fake.send_command(erin, "/practice helen 20")
    fake.wait_for_text(erin.id, "Before you go in", WAIT)
    fake.send_text(erin, "Good afternoon, I'm ready. How did you get into housing policy?")
    fake.wait_for_text(erin.id, "Helen:", WAIT)

    fake.send_command(erin, "/export")

    def documents() -> list[SentMessage] | None:
        sent = fake.sent(erin.id, kind="document")
        return sent if len(sent) >= 2 else None

    docs = fake.wait_for(documents, WAIT)
    files = {d.file.filename: d.file.content for d in docs if d.file is not None}
    exported = json.loads(files["rapport-export.json"])
    texts = [t["text"] for t in exported["practices"][0]["transcript"]]
    assert "Good afternoon, I'm ready. How did you get into housing policy?" in texts
    assert b"How did you get into housing policy?" in files["rapport-transcripts.txt"]

    fake.send_command(erin, "/delete")
    ask = fake.wait_for_text(erin.id, "for good. Sure?", WAIT)
    buttons = [
        b["callback_data"] for row in (ask.reply_markup or {})["inline_keyboard"] for b in row
    ]
    fake.press_button(erin, ask, "delete:no")
    fake.wait_for_text(erin.id, "Nothing was deleted", WAIT)
    fake.press_button(erin, ask, next(b for b in buttons if b.startswith("delete:yes")))
    fake.wait_for_text(erin.id, "has been deleted", WAIT)
    fake.send_command(erin, "/history")
    fake.wait_for_text(erin.id, "No practices yet", WAIT)


def test_the_companion_times_a_real_meeting_and_schedules_follow_ups(
    fake_telegram: FakeTelegram, serve: Callable[..., BotProcess], tmp_path: Path
) -> None:
    fake = fake_telegram
    serve()
    fay = fake.user(6006, "Fay")
    fake.send_command(fay, "/settings")
    settings = fake.wait_for_text(fay.id, "Heads-up five minutes before", WAIT)
    assert "off" in (settings.text or "")
    fake.press_button(fay, settings, "set:heads_up")
    fake.wait_for(lambda: any(": on" in t for t in fake.texts(fay.id)), WAIT)

    fake.send_command(fay, "/meeting 0.05")  # a three-second real meeting
    fake.wait_for_text(fay.id, "Timer set for 0.05 minutes", WAIT)
    mark = fake.wait_for_text(fay.id, "Time's up", WAIT)
    assert "two or three" in (mark.text or "")

    fake.send_command(fay, "/done")
    fake.wait_for_text(fay.id, "Who did you meet?", WAIT)
    fake.send_text(fay, "Jordan Lee")
    fake.wait_for_text(fay.id, "Which names did they give you", WAIT)
    update_id = fake.send_text(fay, "Ana Ruiz, Sam Patel and Chris")
    logged = fake.wait_for_text(fay.id, "Logged.", WAIT)
    assert "Ana Ruiz, Sam Patel, Chris" in (logged.text or "")
    fake.duplicate(update_id)  # logged once, not twice
    fake.send_command(fay, "/history")
    history = fake.wait_for_text(fay.id, "Your real meetings", WAIT)
    assert "met Jordan Lee · referred: Ana Ruiz, Sam Patel, Chris" in (history.text or "")

    # What the bot stored: a thank-you reminder and one reach-out reminder per name.
    engine = make_engine(f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    with engine.connect() as connection:
        reminders = connection.execute(
            select(NudgeRow.kind, NudgeRow.about)
            .where(NudgeRow.meeting_id.is_not(None), NudgeRow.kind.not_like("meeting_mark"))
            .where(NudgeRow.kind != "meeting_heads_up")
            .order_by(NudgeRow.due_at)
        ).all()
    engine.dispose()
    assert [tuple(r) for r in reminders] == [
        ("meeting_thank_you", None),
        ("meeting_reach_out", "Ana Ruiz"),
        ("meeting_reach_out", "Sam Patel"),
        ("meeting_reach_out", "Chris"),
    ]


def test_the_arrival_checklist_buttons(
    fake_telegram: FakeTelegram, serve: Callable[..., BotProcess]
) -> None:
    fake = fake_telegram
    serve()
    gus = fake.user(7007, "Gus")
    fake.send_command(gus, "/practice priya 20")
    scene = fake.wait_for_text(gus.id, "Before you go in", WAIT)
    data = [
        b["callback_data"] for row in (scene.reply_markup or {})["inline_keyboard"] for b in row
    ]
    early = next(d for d in data if d.endswith(":arrive_early"))
    fake.press_button(gus, scene, early)
    fake.wait_for_text(gus.id, "Noted: you arrived early", WAIT)

    def ticked() -> bool:
        current = next(m for m in fake.messages(gus.id) if m.message_id == scene.message_id)
        labels = [b["text"] for row in (current.reply_markup or {})["inline_keyboard"] for b in row]
        return any(label.startswith("✅ Arrived") for label in labels)

    fake.wait_for(ticked, WAIT)
    fake.press_button(gus, scene, next(d for d in data if d.endswith(":ready")))
    fake.wait_for_text(gus.id, "Priya:", WAIT)
    fake.wait_for(
        lambda: (
            not next(
                m for m in fake.messages(gus.id) if m.message_id == scene.message_id
            ).reply_markup
        ),
        WAIT,
    )  # the checklist goes once the meeting begins
    fake.send_command(gus, "/end")
    card = fake.wait_for_text(gus.id, "Scorecard", WAIT)
    assert "I arrived 10-15 minutes early" in (card.text or "")  # the tick, quoted


def test_progress_sends_a_chart_of_the_users_scores(
    fake_telegram: FakeTelegram, serve: Callable[..., BotProcess], tmp_path: Path
) -> None:
    fake = fake_telegram
    serve()
    ivy = fake.user(9009, "Ivy")
    fake.send_command(ivy, "/progress")
    fake.wait_for_text(ivy.id, "No finished practice yet", WAIT)
    for _ in range(2):
        fake.send_command(ivy, "/practice dana 20")
        fake.wait_for_text(ivy.id, "Before you go in", WAIT)
        fake.send_text(ivy, "Hello! I'm ready. How did you get started?")
        fake.send_command(ivy, "/end")
    fake.wait_for(lambda: sum("Scorecard" in t for t in fake.texts(ivy.id)) >= 2, WAIT)
    fake.send_command(ivy, "/progress")
    photo = fake.wait_for(lambda: (fake.sent(ivy.id, kind="photo") or [None])[-1], WAIT)
    assert photo.file is not None and photo.file.content.startswith(b"\x89PNG")
    assert "2 practices" in (photo.text or "")
    (tmp_path / "progress.png").write_bytes(photo.file.content)  # for a human to look at


def test_telegram_faults_lose_no_reply_and_send_none_twice(
    fake_telegram: FakeTelegram, serve: Callable[..., BotProcess]
) -> None:
    fake = fake_telegram
    serve()
    jo = fake.user(1010, "Jo")
    fake.fail_next("sendMessage", 1, status=429, retry_after=1)
    fake.send_command(jo, "/start")
    fake.wait_for_text(jo.id, "informational interviews", WAIT)
    assert [c.status for c in fake.calls("sendMessage")][:2] == [429, 200]  # waited, then sent

    fake.fail_next("sendMessage", 2, status=502)
    fake.send_command(jo, "/help")
    fake.wait_for_text(jo.id, "/practice: meet a contact", WAIT)

    fake.fail_next("sendMessage", 1, status="timeout")  # the request never got through
    fake.send_command(jo, "/practice tomas 20")
    fake.wait_for_text(jo.id, "Before you go in", 30)
    texts = fake.texts(jo.id)
    assert sum("informational interviews" in t for t in texts) == 1
    assert sum("/practice: meet a contact" in t for t in texts) == 1
    assert sum("Before you go in" in t for t in texts) == 1


def test_edits_channel_posts_and_stale_buttons_do_not_touch_the_practice(
    fake_telegram: FakeTelegram, serve: Callable[..., BotProcess], tmp_path: Path
) -> None:
    fake = fake_telegram
    serve()
    kim = fake.user(1111, "Kim")
    fake.send_command(kim, "/practice helen 20")
    scene = fake.wait_for_text(kim.id, "Before you go in", WAIT)
    first = fake.send_text(kim, "Good morning, I'm ready. How did you start in housing?")
    fake.wait_for(lambda: sum(t.startswith("Helen:") for t in said(fake, kim.id)) >= 2, WAIT)
    fake.edit_text(first, "Are you hiring?")  # an edit must not become a job ask
    fake.channel_post(text="/end")
    old = [b["callback_data"] for row in (scene.reply_markup or {})["inline_keyboard"] for b in row]
    fake.send_command(kim, "/end")
    fake.wait_for_text(kim.id, "Scorecard", WAIT)
    fake.press_button(kim, scene, old[0], strict=False)  # the checklist of a finished practice
    fake.wait_for_text(kim.id, "practice that is over", WAIT)

    engine = make_engine(f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    with engine.connect() as connection:
        texts = [
            row[0]
            for row in connection.execute(select(TurnRow.text).where(TurnRow.speaker == "user"))
        ]
    engine.dispose()
    assert "Are you hiring?" not in texts
    assert texts.count("Good morning, I'm ready. How did you start in housing?") == 1


def test_a_user_who_comes_back_after_blocking_gets_nudges_again(
    fake_telegram: FakeTelegram, serve: Callable[..., BotProcess]
) -> None:
    fake = fake_telegram
    serve()
    lea = fake.user(1212, "Lea")
    fake.send_command(lea, "/practice tomas 0.05")
    fake.wait_for_text(lea.id, "booked for 0.05 minutes", WAIT)
    fake.send_text(lea, "Hello, I'm ready")
    fake.wait_for_text(lea.id, "Tomás:", WAIT)
    fake.block(lea)  # the nudge at the mark is refused: Lea is marked inactive
    fake.wait_for(lambda: [c for c in fake.calls("sendMessage") if c.status == 403], WAIT)
    fake.send_command(lea, "/practice tomas 0.05")  # writing again unblocks: Lea is back
    fake.wait_for(lambda: sum("booked for 0.05" in t for t in fake.texts(lea.id)) == 2, WAIT)
    fake.send_text(lea, "Hello again, I'm ready")
    fake.wait_for_text(lea.id, "⏰", WAIT)  # nudges reach her again


def test_practice_finds_a_contact_by_field(
    fake_telegram: FakeTelegram, serve: Callable[..., BotProcess]
) -> None:
    fake = fake_telegram
    serve()
    bea = fake.user(1077, "Bea")
    fake.send_command(bea, "/practice nurse 10")
    fake.wait_for_text(bea.id, "booked for 10 minutes", WAIT)
    assert any("Priya" in line for line in said(fake, bea.id))
    fake.send_command(bea, "/practice astronaut")
    fake.wait_for_text(bea.id, "nobody in “astronaut”", WAIT)
    fake.send_command(bea, "/practice manager")
    several = fake.wait_for_text(bea.id, "Several people fit", WAIT)
    fake.press_button(bea, several, "pick:tomas")
    fake.wait_for_text(bea.id, "How long is the meeting?", WAIT)
