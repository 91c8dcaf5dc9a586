"""`rapport serve --webhook`: Telegram POSTs updates; the secret header is checked."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable

from tests.fake_telegram import FakeTelegram
from tests.telegram.conftest import BotProcess, said, serve_webhook

WAIT = 15.0
SECRET = "s3cret-for-tests"


def post(url: str, body: dict[str, object], secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(url, json.dumps(body).encode(), headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def test_webhook_mode_checks_the_secret_and_runs_a_practice(
    fake_telegram: FakeTelegram, serve: Callable[..., BotProcess]
) -> None:
    fake = fake_telegram
    base = serve_webhook(serve, SECRET)
    fake.wait_for(lambda: fake.webhook_url, WAIT)
    deadline = time.monotonic() + WAIT
    while True:  # the health endpoint answers once the server listens
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                assert json.loads(response.read()) == {"status": "ok"}
                break
        except OSError:
            assert time.monotonic() < deadline
            time.sleep(0.1)

    update = {
        "update_id": 1,
        "message": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}, "text": "hi"},
    }
    assert post(f"{base}/telegram", update, None) == 403
    assert post(f"{base}/telegram", update, "wrong") == 403
    assert post(f"{base}/telegram", {"nonsense": True}, SECRET) in (200, 400)

    hana = fake.user(8008, "Hana")
    fake.send_command(hana, "/practice marcus 20")
    fake.wait_for_text(hana.id, "Before you go in", WAIT)
    fake.send_text(hana, "Hi! I'm ready. How did you get into marketing?")
    fake.wait_for(lambda: sum(t.startswith("Marcus:") for t in said(fake, hana.id)) >= 2, WAIT)
    assert all(d.status == 200 for d in fake.webhook_deliveries)

    fake.secret_override = "wrong"
    fake.send_text(hana, "What do you like least?")
    fake.wait_for(lambda: any(d.status == 403 for d in fake.webhook_deliveries), WAIT)
