"""The webhook's answer when handling fails: 500 for a transient failure (Telegram sends
the update again), 200 once it works, and 200 after MAX_TRIES (no update blocks a chat)."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import create_engine
from telegram import Bot

from bot.telegram.handlers import FAILED
from bot.telegram.intake import MAX_TRIES
from bot.telegram.webhook import SECRET_HEADER, WebhookServer

SECRET = "retry-secret"
UPDATE = {
    "update_id": 4242,
    "message": {
        "message_id": 1,
        "date": 1760000000,
        "chat": {"id": 77, "type": "private", "first_name": "Ola"},
        "from": {"id": 77, "is_bot": False, "first_name": "Ola"},
        "text": "hello",
    },
}


class FlakyApp:
    """Stands in for the Application: its handling fails (as on_error records it) the
    first ``failures`` times."""

    def __init__(self, failures: int) -> None:
        self.bot = Bot("123456:" + "A" * 35)
        self.bot_data: dict[str, Any] = {}
        self.failures = failures
        self.handled = 0

    async def process_update(self, update: object) -> None:
        self.handled += 1
        if self.handled <= self.failures:
            self.bot_data.setdefault(FAILED, Counter())[4242] += 1


def answers(app: FlakyApp, deliveries: int) -> list[int]:
    async def run() -> list[int]:
        server = WebhookServer(app, SECRET, create_engine("sqlite://"))  # type: ignore[arg-type]
        async with TestClient(TestServer(server.routes())) as client:
            statuses = []
            for _ in range(deliveries):
                response = await client.post(
                    "/telegram", data=json.dumps(UPDATE), headers={SECRET_HEADER: SECRET}
                )
                statuses.append(response.status)
            return statuses

    return asyncio.run(run())


def test_a_failed_update_is_asked_for_again_then_acknowledged_once_it_works() -> None:
    app = FlakyApp(failures=1)
    assert answers(app, 2) == [500, 200]
    assert app.bot_data[FAILED] == Counter()  # nothing left behind


def test_an_update_that_keeps_failing_is_acknowledged_after_max_tries() -> None:
    app = FlakyApp(failures=100)
    statuses = answers(app, MAX_TRIES + 1)
    assert statuses == [500] * (MAX_TRIES - 1) + [200, 500]  # then it starts over
