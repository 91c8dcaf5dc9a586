"""Migrations: empty -> head -> base -> head on both databases, and models == migrations."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from bot.store.db import make_engine
from bot.store.models import Base
from bot.store.schema import (
    OutdatedSchema,
    current_revision,
    downgrade,
    ensure_current,
    head_revision,
    upgrade,
)

TABLES = {
    "users", "prepared_questions", "practice_sessions", "turns", "nudges",
    "processed_updates", "meetings", "meeting_people", "outbox",
}  # fmt: skip


def tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_up_down_up(db_engine: Engine) -> None:
    assert current_revision(db_engine) is None
    upgrade(db_engine)
    assert tables(db_engine) == TABLES
    assert current_revision(db_engine) == head_revision()
    downgrade(db_engine)
    assert tables(db_engine) == set()
    assert current_revision(db_engine) is None
    upgrade(db_engine)
    assert tables(db_engine) == TABLES


def test_models_match_the_migrations(db_engine: Engine) -> None:
    upgrade(db_engine)
    with db_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_outdated_schema_is_migrated_on_sqlite_and_refused_on_postgres(db_engine: Engine) -> None:
    if db_engine.dialect.name == "sqlite":
        ensure_current(db_engine)
        assert current_revision(db_engine) == head_revision()
    else:
        with pytest.raises(OutdatedSchema, match="rapport migrate"):
            ensure_current(db_engine)
        upgrade(db_engine)
        ensure_current(db_engine)  # now current: no error


def test_migrations_started_together_run_one_after_the_other(db_url: str) -> None:
    """Several replicas' init containers run `rapport migrate` at once: all succeed."""
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "bot", "migrate"],
            env={**os.environ, "DATABASE_URL": db_url},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(4)
    ]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [0] * 4, outputs
    engine = make_engine(db_url)
    assert current_revision(engine) == head_revision()
    assert tables(engine) == TABLES
    engine.dispose()
