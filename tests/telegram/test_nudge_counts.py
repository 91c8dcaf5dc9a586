"""A nudge is logged and counted as sent only once Telegram has it."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from tests.fake_telegram import FakeTelegram
from tests.ports import free_port
from tests.telegram.conftest import BotProcess
from tests.telegram.test_status_endpoints import fetch

WAIT = 20.0


def counted(port: int, name: str, kind: str) -> float:
    _, body = fetch(f"http://127.0.0.1:{port}/metrics")
    found = re.search(rf'^{name}\{{kind="{kind}"\}} (\S+)$', body, re.M)
    return float(found.group(1)) if found else 0.0


def test_a_nudge_telegram_refused_is_counted_as_retried_not_sent(
    fake_telegram: FakeTelegram, serve: Callable[..., BotProcess], tmp_path: Path
) -> None:
    fake = fake_telegram
    port = free_port()
    bot = serve(LOG_FORMAT="json", STATUS_PORT=str(port))
    lin = fake.user(5006, "Lin")
    fake.send_command(lin, "/practice priya 0.15")
    fake.wait_for_text(lin.id, "fourth floor", WAIT)
    fake.send_text(lin, "Hi, I'm ready.")
    fake.wait_for_text(lin.id, "Priya is ready for you now", WAIT)
    fake.fail_next("sendMessage", 4, 502)  # the next message is the wrap-up nudge
    fake.wait_for(lambda: len([c for c in fake.calls("sendMessage") if c.fault]) >= 4, WAIT)
    fake.wait_for(lambda: counted(port, "rapport_nudges_retried_total", "wrap_up") == 1, WAIT)
    assert counted(port, "rapport_nudges_sent_total", "wrap_up") == 0
    fake.wait_for_text(lin.id, "⏰", 30.0)  # the outbox sends it after its backoff
    bot.stop()
    events = [json.loads(line) for line in (tmp_path / "bot.log").read_text().splitlines()]
    about = [e["message"] for e in events if e.get("nudge") == "wrap_up"]
    assert about and not any(" sent " in m for m in about), about
