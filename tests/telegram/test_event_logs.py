"""What an operator reads: one JSON object per line, user ids, never texts or the token."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.fake_telegram import FakeTelegram
from tests.telegram.conftest import BotProcess

WAIT = 15.0
SECRET_LINE = "My salary at the old place was 41,000 and my manager was Kim Osei."


def test_json_logs_tell_the_story_of_a_practice_without_its_words(
    fake_telegram: FakeTelegram, serve: Callable[..., BotProcess], tmp_path: Path
) -> None:
    fake = fake_telegram
    bot = serve(LOG_FORMAT="json")
    lin = fake.user(5005, "Lin")
    fake.send_command(lin, "/practice priya 0.05")
    fake.wait_for_text(lin.id, "booked for 0.05 minutes", WAIT)
    fake.send_text(lin, "Hi, I'm ready. " + SECRET_LINE)
    fake.wait_for_text(lin.id, "⏰", WAIT)  # the wrap-up nudge
    fake.send_command(lin, "/end")
    fake.wait_for_text(lin.id, "Scorecard", WAIT)
    bot.stop()

    lines = (tmp_path / "bot.log").read_text().splitlines()
    events = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all({"ts", "level", "logger", "message"} <= set(e) for e in events)
    started = next(e for e in events if "started with priya" in e["message"])
    finished = next(e for e in events if "finished, score" in e["message"])
    nudged = next(e for e in events if e.get("nudge") == "wrap_up")
    assert started["user_id"] == finished["user_id"] == nudged["user_id"]
    assert isinstance(finished["score"], int)
    text = "\n".join(lines)
    assert fake.token not in text and fake.token.split(":")[1] not in text
    assert "Kim Osei" not in text and "41,000" not in text
