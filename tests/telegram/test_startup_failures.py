"""`rapport serve` when Telegram or the Bot API address is wrong: one clear line, the right
exit status (2: fix a setting; 75: may pass, restart), and never the token, in either mode
or log format, even at DEBUG."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fake_telegram.server import FakeTelegram
from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
WRONG = "7000000001:AAWrongTokenWrongTokenWrongToken_99"


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers (a hung Bot API)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(8)
        yield int(s.getsockname()[1])


def serve(tmp_path: Path, base: str, token: str, *extra: str, **env: str) -> tuple[int, str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
    full.update(
        TELEGRAM_BOT_TOKEN=token,
        TELEGRAM_API_BASE_URL=base,
        TELEGRAM_TIMEOUT="2",
        DATABASE_URL=f"sqlite:///{tmp_path / 'rapport.sqlite3'}",
        **env,
    )
    done = subprocess.run(
        [sys.executable, "-m", "bot", "serve", *extra],
        env=full,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


def assert_one_clear_line(output: str, token: str, says: str) -> None:
    assert token not in output and token.split(":")[1] not in output
    assert "Traceback" not in output and "Unclosed" not in output
    last = output.strip().splitlines()[-1]
    assert last.startswith("rapport: ") and says in last, output


@pytest.mark.parametrize("fmt", ["text", "json"])
@pytest.mark.parametrize("mode", [[], ["--webhook"]])
def test_a_token_telegram_rejects_exits_2_with_one_line(
    tmp_path: Path, fake: FakeTelegram, fmt: str, mode: list[str]
) -> None:
    webhook = {"WEBHOOK_URL": "https://bot.example.org/telegram", "WEBHOOK_SECRET": "s3cret-x"}
    status, output = serve(
        tmp_path, fake.url, WRONG, *mode, LOG_FORMAT=fmt, LOG_LEVEL="DEBUG", **webhook
    )
    assert status == 2
    assert_one_clear_line(output, WRONG, "Telegram rejected TELEGRAM_BOT_TOKEN (401")
    assert "s3cret-x" not in output


def test_a_base_url_ending_in_bot_is_the_same_server(tmp_path: Path, fake: FakeTelegram) -> None:
    status, output = serve(tmp_path, fake.url + "/bot/", WRONG)
    assert status == 2  # it reached the server: the (wrong) token was judged, not the path
    assert_one_clear_line(output, WRONG, "(401 Unauthorized)")


@pytest.mark.parametrize(
    ("base", "says"),
    [
        ("http://127.0.0.1:{closed}", "cannot reach the Bot API"),  # refused
        ("http://no-such-host.invalid", "cannot reach the Bot API"),  # DNS
        ("https://127.0.0.1:{fake}", "cannot reach the Bot API"),  # TLS to a plain server
        ("http://127.0.0.1:{silent}", "cannot reach the Bot API"),  # times out
    ],
)
def test_an_unreachable_bot_api_exits_75_with_one_line(
    tmp_path: Path, fake: FakeTelegram, silent_port: int, base: str, says: str
) -> None:
    url = base.format(closed=free_port(), fake=fake.port, silent=silent_port)
    status, output = serve(tmp_path, url, fake.token, LOG_LEVEL="DEBUG")
    assert status == 75
    assert_one_clear_line(output, fake.token, says)


def test_a_wrong_server_path_says_404_and_what_to_check(tmp_path: Path, fake: FakeTelegram) -> None:
    status, output = serve(tmp_path, fake.url + "/somewhere", fake.token)
    assert status == 2
    assert_one_clear_line(output, fake.token, "TELEGRAM_API_BASE_URL")


def test_telegram_refusing_set_webhook_exits_2_with_its_reason(
    tmp_path: Path, fake: FakeTelegram
) -> None:
    fake.fail_next(
        "setWebhook", 1, 400, description="Bad Request: bad webhook: HTTPS url must be provided"
    )
    env = {"WEBHOOK_URL": "https://bot.example.org/telegram", "WEBHOOK_SECRET": "s3cret-y"}
    status, output = serve(tmp_path, fake.url, fake.token, "--webhook", LOG_LEVEL="DEBUG", **env)
    assert status == 2
    assert_one_clear_line(output, fake.token, "https url must be provided")
    assert "s3cret-y" not in output
