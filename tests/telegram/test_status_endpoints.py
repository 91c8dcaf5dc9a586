"""The status endpoints of the real `rapport serve`: on PORT in webhook mode, on STATUS_PORT
when polling."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable

from tests.fake_telegram import FakeTelegram
from tests.ports import free_port
from tests.telegram.conftest import BotProcess, serve_webhook

WAIT = 15.0
SECRET = "s3cret-for-status-tests"


def fetch(url: str) -> tuple[int, str]:
    """GET ``url`` once the server listens: status and body."""
    deadline = time.monotonic() + WAIT
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return int(response.status), response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()
        except OSError:
            assert time.monotonic() < deadline, f"{url} never answered"
            time.sleep(0.1)


def test_webhook_mode_serves_readiness_and_metrics(
    fake_telegram: FakeTelegram, serve: Callable[..., BotProcess]
) -> None:
    base = serve_webhook(serve, SECRET, LOG_FORMAT="json")
    fake_telegram.wait_for(lambda: fake_telegram.webhook_url, WAIT)
    status, body = fetch(f"{base}/readyz")
    assert (status, json.loads(body)) == (200, {"status": "ok"})
    status, body = fetch(f"{base}/metrics")
    assert status == 200
    assert "rapport_updates_total" in body


def test_polling_mode_serves_the_status_endpoints_on_status_port(
    serve: Callable[..., BotProcess],
) -> None:
    port = free_port()
    serve(STATUS_PORT=str(port))
    status, body = fetch(f"http://127.0.0.1:{port}/healthz")
    assert (status, json.loads(body)) == (200, {"status": "ok"})
    status, _ = fetch(f"http://127.0.0.1:{port}/readyz")
    assert status == 200
