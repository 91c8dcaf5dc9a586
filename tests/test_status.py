"""bot.status: /healthz, /readyz (database up and migrated) and /metrics."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import Engine

from bot.status import Readiness, add_status_routes, serve_status
from bot.store.db import make_engine
from bot.store.schema import head_revision, upgrade
from tests.ports import free_port


@pytest.fixture
def engines() -> Iterator[Callable[[str], Engine]]:
    made: list[Engine] = []

    def make(url: str) -> Engine:
        engine = make_engine(url)
        made.append(engine)
        return engine

    yield make
    for engine in made:
        engine.dispose()


@pytest.fixture
def migrated(tmp_path: Path, engines: Callable[[str], Engine]) -> Engine:
    engine = engines(f"sqlite:///{tmp_path / 'migrated.sqlite3'}")
    upgrade(engine)
    return engine


def get(engine: Engine, path: str, timeout: float = 2.0) -> tuple[int, dict[str, Any] | str, str]:
    """GET ``path`` from the status routes over ``engine``: status, body, content type."""

    async def run() -> tuple[int, dict[str, Any] | str, str]:
        app = web.Application()
        add_status_routes(app, engine, timeout=timeout)
        async with TestClient(TestServer(app)) as client:
            response = await client.get(path)
            body: dict[str, Any] | str
            if response.content_type == "application/json":
                body = await response.json()
            else:
                body = await response.text()
            return response.status, body, response.headers["Content-Type"]

    return asyncio.run(run())


def test_healthz(migrated: Engine) -> None:
    assert get(migrated, "/healthz")[:2] == (200, {"status": "ok"})


def test_readyz_on_a_migrated_database(migrated: Engine) -> None:
    assert get(migrated, "/readyz")[:2] == (200, {"status": "ok"})


def test_readyz_on_an_empty_database(tmp_path: Path, engines: Callable[[str], Engine]) -> None:
    engine = engines(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    status, body, _ = get(engine, "/readyz")
    assert status == 503
    assert isinstance(body, dict) and body["status"] == "unavailable"
    assert "empty" in body["reason"] and head_revision() in body["reason"]


def test_readyz_on_an_unreachable_database(engines: Callable[[str], Engine]) -> None:
    engine = engines(f"postgresql+psycopg://rapport:hunter2@127.0.0.1:{free_port()}/rapport")
    status, body, _ = get(engine, "/readyz")
    assert status == 503
    assert isinstance(body, dict) and body["reason"].startswith("database unavailable")
    assert "hunter2" not in str(body) and "127.0.0.1" not in str(body)


def test_readyz_on_a_hung_database_answers_503_in_time(
    engines: Callable[[str], Engine],
) -> None:
    with socket.socket() as listener:  # accepts connections (backlog), never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        port = listener.getsockname()[1]
        engine = engines(f"postgresql+psycopg://rapport@127.0.0.1:{port}/rapport")

        async def run() -> None:
            readiness = Readiness(engine, timeout=0.3)
            started = time.monotonic()
            first = await readiness.check()
            running = readiness._running
            second = await readiness.check()
            assert time.monotonic() - started < 3
            assert first == second == "database did not answer within 0.3 s"
            assert readiness._running is running  # the hung check is not doubled
            listener.close()  # lets the hung connection fail, so the thread ends
            assert running is not None
            await asyncio.wait_for(asyncio.shield(running), 10)

        asyncio.run(run())


def test_metrics(migrated: Engine) -> None:
    status, body, content_type = get(migrated, "/metrics")
    assert status == 200
    assert content_type.startswith("text/plain")
    assert isinstance(body, str) and "rapport_updates_total" in body


def test_serve_status_listens_on_its_port(migrated: Engine) -> None:
    port = free_port()

    async def run() -> dict[str, int]:
        runner = await serve_status(port, migrated)
        try:
            async with aiohttp.ClientSession() as session:
                statuses = {}
                for path in ("/healthz", "/readyz", "/metrics", "/telegram"):
                    async with session.get(f"http://127.0.0.1:{port}{path}") as response:
                        statuses[path] = response.status
                return statuses
        finally:
            await runner.cleanup()

    assert asyncio.run(run()) == {
        "/healthz": 200,
        "/readyz": 200,
        "/metrics": 200,
        "/telegram": 404,
    }
