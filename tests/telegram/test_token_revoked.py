"""The token revoked while the bot runs (@BotFather /revoke): getUpdates starts answering
401, and ``rapport serve`` exits 2 with one clear line (no restart helps: the setting must
change), no traceback and never the token, even at DEBUG."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.fake_telegram import FakeTelegram
from tests.telegram.conftest import BotProcess
from tests.telegram.test_startup_failures import assert_one_clear_line

WAIT = 30.0


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_token_revoked_mid_run_exits_2_with_one_line(
    fake_telegram: FakeTelegram, serve: Callable[..., BotProcess], tmp_path: Path, fmt: str
) -> None:
    fake = fake_telegram
    bot = serve(LOG_LEVEL="DEBUG", LOG_FORMAT=fmt)
    uma = fake.user(4301, "Uma")
    fake.send_command(uma, "/start")
    fake.wait_for_text(uma.id, "informational interviews", WAIT)
    token = fake.token
    fake.revoke_token()
    fake.send_command(uma, "/help")  # answers the long poll in progress; the next one is 401
    status = bot.proc.wait(timeout=60)
    output = (tmp_path / "bot.log").read_text()
    assert status == 2, output
    assert_one_clear_line(output, token, "Telegram rejected TELEGRAM_BOT_TOKEN (401")
    assert [c.status for c in fake.calls("getUpdates")][-1] == 401
