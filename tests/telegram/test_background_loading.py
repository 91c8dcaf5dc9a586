"""`rapport serve` fetches updates before what handles them (the store, the contacts, the
understanding) is set up: that happens in the background, and an update that comes
meanwhile waits for it and is confirmed to Telegram only once handled; if setting up
fails, the bot stops without handling or confirming it, and a restart answers it once.

The real bot runs against the fake Bot API; only ``flows.understanding.load`` is wrapped,
to wait for a file the test writes ("go", or "fail" to raise).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.fake_telegram import FakeTelegram

ROOT = Path(__file__).resolve().parents[2]
GATED = """
import os, time
from flows import understanding
real = understanding.load
def gated():
    gate = os.environ["LOAD_GATE"]
    while not os.path.exists(gate) or not open(gate).read():
        time.sleep(0.02)
    if open(gate).read() == "fail":
        raise RuntimeError("the rules could not be loaded")
    real()
understanding.load = gated
from bot.cli import main
raise SystemExit(main(["serve"]))
"""


@pytest.fixture
def bots(
    fake_telegram: FakeTelegram, tmp_path: Path
) -> Iterator[Callable[..., subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []

    def start(*argv: str) -> subprocess.Popen[str]:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": fake_telegram.token,
            "TELEGRAM_API_BASE_URL": fake_telegram.url,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite3'}",
            "LOAD_GATE": str(tmp_path / "gate"),
        }
        proc = subprocess.Popen(
            [sys.executable, *argv],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def wait_until(check: Callable[[], object], proc: subprocess.Popen[str], what: str) -> None:
    deadline = time.monotonic() + 30
    while not check():
        assert proc.poll() is None or what == "exit", (
            f"the bot exited: {proc.stdout and proc.stdout.read()}"
        )
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def confirmed(fake: FakeTelegram, update_id: int) -> bool:
    """Whether the bot has told Telegram it is done with ``update_id``."""
    return any(int(c.params.get("offset") or 0) > update_id for c in fake.calls("getUpdates"))


def test_an_update_waits_for_the_understanding_and_is_confirmed_once_answered(
    fake_telegram: FakeTelegram, bots: Callable[..., subprocess.Popen[str]], tmp_path: Path
) -> None:
    bot = bots("-c", GATED)
    wait_until(lambda: fake_telegram.calls("getUpdates"), bot, "polling")  # before loading
    ann = fake_telegram.user(4242, "Ann")
    update_id = fake_telegram.send_command(ann, "/practice dana 20")
    polls = len(fake_telegram.calls("getUpdates"))
    wait_until(lambda: len(fake_telegram.calls("getUpdates")) > polls + 1, bot, "a few polls")
    assert fake_telegram.messages(ann.id) == []
    assert not confirmed(fake_telegram, update_id)

    (tmp_path / "gate").write_text("go")
    wait_until(lambda: fake_telegram.messages(ann.id), bot, "the practice's scene")
    assert "Dana" in (fake_telegram.messages(ann.id)[0].text or "")
    wait_until(lambda: confirmed(fake_telegram, update_id), bot, "the confirmation")


def test_when_loading_fails_the_bot_stops_and_the_update_is_answered_once(
    fake_telegram: FakeTelegram, bots: Callable[..., subprocess.Popen[str]], tmp_path: Path
) -> None:
    bot = bots("-c", GATED)
    wait_until(lambda: fake_telegram.calls("getUpdates"), bot, "polling")
    ann = fake_telegram.user(4243, "Ann")
    update_id = fake_telegram.send_command(ann, "/practice dana 20")
    polls = len(fake_telegram.calls("getUpdates"))
    wait_until(lambda: len(fake_telegram.calls("getUpdates")) > polls, bot, "a poll")

    (tmp_path / "gate").write_text("fail")
    assert bot.wait(timeout=30) == 1  # as when the rules failed to load before polling
    assert bot.stdout is not None and "the rules could not be loaded" in bot.stdout.read()
    assert fake_telegram.messages(ann.id) == []  # not handled by half a bot...
    assert not confirmed(fake_telegram, update_id)  # ...and not forgotten

    again = bots("-m", "bot", "serve")
    wait_until(lambda: confirmed(fake_telegram, update_id), again, "the confirmation")
    polls = len(fake_telegram.calls("getUpdates"))
    wait_until(lambda: len(fake_telegram.calls("getUpdates")) > polls + 1, again, "more polls")
    assert len(fake_telegram.messages(ann.id)) == 1


def test_loading_warms_up_the_understanding_and_every_contact(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import gc
    from types import SimpleNamespace

    import flows.understanding
    from bot.telegram import app

    warmed: list[str] = []
    monkeypatch.setattr(flows.understanding, "warm_up", lambda: warmed.append("understanding"))
    monkeypatch.setattr(gc, "freeze", lambda: warmed.append("frozen"))
    flow = SimpleNamespace(warm_up=lambda: warmed.append("contacts"))
    bot_data = {"service": SimpleNamespace(store=SimpleNamespace(flow=flow))}

    async def set_up() -> None:
        warmed.append("set up")

    async def scenario() -> bool:
        loaded = asyncio.get_running_loop().create_future()
        await app._load(set_up(), loaded, bot_data)
        return bool(loaded.result())

    assert asyncio.run(scenario()) is True
    assert warmed == ["set up", "understanding", "contacts", "frozen"]
