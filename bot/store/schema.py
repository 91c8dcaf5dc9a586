"""Migrations: apply them, check the schema is current, refuse to run on an old one.

The embedded SQLite database is migrated automatically on start. A shared PostgreSQL
database is migrated deliberately, with ``rapport migrate``; until then the bot refuses
to start, so two versions of the code never write to one schema.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

MIGRATIONS = Path(__file__).parent / "migrations"
MIGRATION_LOCK = 0x7261_7070  # "rapp": the PostgreSQL advisory lock migrations hold


class OutdatedSchema(RuntimeError):
    """The database needs ``rapport migrate`` before this version can use it."""


def _config() -> Config:
    """Alembic's config; migrations run on the connection we hand over, never a URL (so no
    password is copied into it, and a ``%`` in the URL cannot upset its parser)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None, "no migrations shipped"
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _one_at_a_time(connection: Connection) -> None:
    """On PostgreSQL, wait for any other migration to finish (several replicas' init
    containers start together): the second one then finds the schema current. SQLite's
    write lock already serialises them."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})


def upgrade(engine: Engine, revision: str = "head") -> None:
    with engine.begin() as connection:
        _one_at_a_time(connection)
        config = _config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    with engine.begin() as connection:
        _one_at_a_time(connection)
        config = _config()
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def ensure_current(engine: Engine) -> None:
    """Migrate SQLite automatically; on PostgreSQL, refuse an outdated schema."""
    if current_revision(engine) == head_revision():
        return
    if engine.dialect.name == "sqlite":
        upgrade(engine)
        return
    current = current_revision(engine) or "empty"
    raise OutdatedSchema(
        f"the database schema is {current}, this version needs {head_revision()}: "
        "run `rapport migrate` first"
    )
