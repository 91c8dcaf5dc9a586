"""Storage fixtures: every test runs on SQLite, and on PostgreSQL when
``RAPPORT_TEST_DATABASE_URL`` is set (``.ci/run`` sets it)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from bot.store.db import make_engine
from bot.store.practices import PracticeStore
from bot.store.schema import upgrade

PG_ENV = "RAPPORT_TEST_DATABASE_URL"


def reset_postgres(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


def database_url(kind: str, tmp_path: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'rapport.sqlite3'}"
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"{PG_ENV} is not set")
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    url = database_url(request.param, tmp_path)
    if request.param == "postgresql":
        engine = make_engine(url)
        reset_postgres(engine)
        engine.dispose()
    yield url


@pytest.fixture
def db_engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def store(db_engine: Engine) -> PracticeStore:
    upgrade(db_engine)
    return PracticeStore(db_engine)
