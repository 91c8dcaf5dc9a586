"""The webhook's answer when handling fails: 503 for as long as the database is unusable
(Telegram sends the update again, however long it takes), 500 for a failure of the
update's own, which is set aside (recorded, then 200) after MAX_TRIES."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections import Counter
from datetime import datetime
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import create_engine
from sqlalchemy.exc import OperationalError
from telegram import Bot

from bot.telegram.intake import FAILED, MAX_TRIES, note_failure
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
DISK_FULL = OperationalError("INSERT ...", {}, sqlite3.OperationalError("database or disk is full"))


class Service:
    """The chat service's part in setting an update aside."""

    def __init__(self, broken: bool = False) -> None:
        self.set_aside_calls: list[tuple[int, str]] = []
        self.broken = broken

    async def run(self, call: Any, *args: Any) -> Any:
        return call(*args)

    def set_aside(self, update_id: int, reason: str, _now: datetime) -> None:
        if self.broken:
            raise DISK_FULL
        self.set_aside_calls.append((update_id, reason))


class FlakyApp:
    """Stands in for the Application: its handling fails (as on_error records it) the
    first ``failures`` times, with ``error``."""

    def __init__(
        self, failures: int, error: BaseException | None = None, service: Service | None = None
    ) -> None:
        self.bot = Bot("123456:" + "A" * 35)
        self.bot_data: dict[str, Any] = {"service": service or Service()}
        self.failures = failures
        self.error = error or ValueError("a bug on this input")
        self.handled = 0

    async def process_update(self, update: object) -> None:
        self.handled += 1
        if self.handled <= self.failures:
            note_failure(self.bot_data, 4242, self.error)  # what on_error does


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


def test_an_update_that_keeps_failing_is_set_aside_after_max_tries_with_its_reason() -> None:
    service = Service()
    app = FlakyApp(failures=100, service=service)
    statuses = answers(app, MAX_TRIES + 1)
    assert statuses == [500] * (MAX_TRIES - 1) + [200, 500]  # then it starts over
    assert service.set_aside_calls == [(4242, f"failed {MAX_TRIES} times (ValueError)")]


def test_a_database_outage_never_lets_an_update_go() -> None:
    """However many deliveries meet the outage, the answer is 5xx: Telegram keeps the
    update until it is stored."""
    service = Service()
    app = FlakyApp(failures=MAX_TRIES * 3, error=DISK_FULL, service=service)
    statuses = answers(app, MAX_TRIES * 3 + 1)
    assert statuses == [503] * (MAX_TRIES * 3) + [200]
    assert service.set_aside_calls == []


def test_an_update_is_not_let_go_when_setting_it_aside_meets_an_outage() -> None:
    app = FlakyApp(failures=100, service=Service(broken=True))
    statuses = answers(app, MAX_TRIES + 1)
    assert statuses == [500] * (MAX_TRIES - 1) + [503, 503]
