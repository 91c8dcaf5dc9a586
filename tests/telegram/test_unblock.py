"""A user who blocks the bot mid-practice and unblocks it still gets the wrap-up nudge."""

from __future__ import annotations

from collections.abc import Callable

from tests.fake_telegram import FakeTelegram
from tests.telegram.conftest import BotProcess

WAIT = 30.0


def test_the_wrap_up_nudge_is_re_armed_when_the_user_comes_back(
    fake_telegram: FakeTelegram, serve: Callable[..., BotProcess]
) -> None:
    fake = fake_telegram
    serve()
    eve = fake.user(4005, "Eve")
    fake.send_command(eve, "/practice marcus 0.25")  # the wrap-up nudge after 15 s
    fake.wait_for_text(eve.id, "Before you go in", WAIT)
    fake.send_text(eve, "Hi, I'm ready")
    fake.wait_for_text(eve.id, "Marcus:", WAIT)
    # she blocks the bot just as it answers her (and unblocks it a moment later)
    fake.fail_next("sendMessage", 1, 403, description="Forbidden: bot was blocked by the user")
    fake.send_text(eve, "How did you get started?")
    fake.wait_for(lambda: [c for c in fake.calls("sendMessage") if c.status == 403], WAIT)
    before = len(fake.texts(eve.id))
    fake.send_text(eve, "Thanks, that is really helpful.")
    fake.wait_for(lambda: len(fake.texts(eve.id)) > before, WAIT)
    assert not any("⏰" in t for t in fake.texts(eve.id))  # (not due yet: the test is valid)
    fake.wait_for_text(eve.id, "⏰", WAIT)
