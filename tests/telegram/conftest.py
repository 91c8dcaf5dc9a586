"""Run the real ``rapport serve`` against the project's fake Bot API server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.fake_telegram import FakeTelegram
from tests.ports import free_port

REPO = Path(__file__).resolve().parents[2]


def said(fake: FakeTelegram, chat_id: int, since: float = 0.0) -> list[str]:
    """The lines the bot sent to ``chat_id`` (since a time): one event's lines share a
    message, so tests look for the contact's line, not a message starting with it."""
    return [
        line
        for m in fake.messages(chat_id)
        if m.time >= since
        for line in (m.text or "").split("\n")
    ]


class BotProcess:
    def __init__(self, fake: FakeTelegram, db_url: str, log: Path, *args: str, **env: str) -> None:
        self.log = log
        environ = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": fake.token,
            "TELEGRAM_API_BASE_URL": fake.url,
            "DATABASE_URL": db_url,
            **env,
        }
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", *args],
            cwd=REPO,
            env=environ,
            stdout=log.open("a"),
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def serve(fake_telegram: FakeTelegram, tmp_path: Path) -> Iterator[Callable[..., BotProcess]]:
    """Start `rapport serve`; waits until it has registered its commands."""
    started: list[BotProcess] = []
    db_url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"

    def start(*args: str, **env: str) -> BotProcess:
        calls_before = len(fake_telegram.calls("setMyCommands"))
        bot = BotProcess(fake_telegram, db_url, tmp_path / "bot.log", *args, **env)
        started.append(bot)
        deadline = time.monotonic() + 30
        while len(fake_telegram.calls("setMyCommands")) <= calls_before:
            assert bot.proc.poll() is None, (tmp_path / "bot.log").read_text()
            assert time.monotonic() < deadline, "the bot never started"
            time.sleep(0.05)
        return bot

    yield start
    for bot in started:
        bot.stop()


def serve_webhook(serve: Callable[..., BotProcess], secret: str, **env: str) -> str:
    """Start `rapport serve --webhook` on a free port; returns its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    serve("--webhook", WEBHOOK_URL=f"{base}/telegram", WEBHOOK_SECRET=secret, PORT=str(port), **env)
    return base
