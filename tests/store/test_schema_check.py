"""The start-up schema check reads the revisions without alembic, and agrees with it.

``head_revision`` reads the migration files' literal ``revision``/``down_revision`` lines
and ``current_revision`` the version table with one query; alembic decides when either is
not plain. A database one migration behind is still migrated (SQLite) or refused
(PostgreSQL), and one ahead of the code is still refused.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine, text

from bot.store.schema import (
    MIGRATIONS,
    VERSIONS,
    OutdatedSchema,
    current_revision,
    ensure_current,
    head_revision,
    heads_in,
    upgrade,
)


def alembic_heads(migrations: Path) -> set[str]:
    config = Config()
    config.set_main_option("script_location", str(migrations))
    return set(ScriptDirectory.from_config(config).get_heads())


def alembic_current(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def migration(revision: str, down: str, extra: str = "") -> str:
    return (
        f'"""{revision}"""\n\nrevision: str = "{revision}"\n'
        f"down_revision: str | tuple[str, ...] | None = {down}\n{extra}\n"
        "def upgrade() -> None:\n    pass\n\n\ndef downgrade() -> None:\n    pass\n"
    )


@pytest.fixture
def migrations(tmp_path: Path) -> Path:
    """A copy of the shipped migrations, to add revisions to."""
    folder = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def test_the_head_is_alembics() -> None:
    assert heads_in(VERSIONS) == alembic_heads(MIGRATIONS) == {head_revision()}


def test_a_new_migration_is_the_new_head(migrations: Path) -> None:
    head = head_revision()
    (migrations / "versions" / "0099_next.py").write_text(migration("0099", f'"{head}"'))
    assert heads_in(migrations / "versions") == alembic_heads(migrations) == {"0099"}


def test_a_branch_and_its_merge(migrations: Path) -> None:
    head = head_revision()
    versions = migrations / "versions"
    (versions / "a.py").write_text(migration("aaaa", f'"{head}"'))
    (versions / "b.py").write_text(migration("bbbb", f'"{head}"'))
    assert heads_in(versions) == alembic_heads(migrations) == {"aaaa", "bbbb"}
    (versions / "m.py").write_text(migration("mmmm", '("aaaa", "bbbb")'))
    assert heads_in(versions) == alembic_heads(migrations) == {"mmmm"}


@pytest.mark.parametrize(
    "down, extra",
    [
        ("REVISES", ""),  # computed
        ('"0006"', 'depends_on = "0003"\n'),
        ('"0006"', 'branch_labels = ("side",)\n'),
        ('"nowhere"', ""),  # revises a revision that is not there
        ('"0005"', ""),  # 0006 given twice below
    ],
)
def test_anything_not_plain_is_left_to_alembic(migrations: Path, down: str, extra: str) -> None:
    revision = "0006" if down == '"0005"' else "0099"
    (migrations / "versions" / "zz.py").write_text(migration(revision, down, extra))
    assert heads_in(migrations / "versions") is None


def test_the_stored_revision_is_alembics(db_engine: Engine) -> None:
    assert current_revision(db_engine) is None  # no version table yet
    upgrade(db_engine, "0005")
    assert current_revision(db_engine) == alembic_current(db_engine) == "0005"
    with db_engine.begin() as connection:  # two rows: alembic's own error
        connection.execute(text("INSERT INTO alembic_version (version_num) VALUES ('zzzz')"))
    with pytest.raises(CommandError, match="more than one head"):
        current_revision(db_engine)


def test_a_database_one_migration_behind(db_engine: Engine) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = head_revision()
    behind = ScriptDirectory.from_config(config).get_revision(head).down_revision
    assert isinstance(behind, str)  # the shipped history is a straight line
    upgrade(db_engine, behind)
    if db_engine.dialect.name == "sqlite":
        ensure_current(db_engine)
        assert current_revision(db_engine) == head
    else:
        with pytest.raises(OutdatedSchema, match=rf"schema is {behind}, .* needs {head}"):
            ensure_current(db_engine)
        assert current_revision(db_engine) == behind


def test_a_database_ahead_of_the_code_is_refused(db_engine: Engine) -> None:
    upgrade(db_engine)
    with db_engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    # SQLite: alembic cannot find 0099 to migrate from; PostgreSQL: refused outright
    with pytest.raises((OutdatedSchema, CommandError)):
        ensure_current(db_engine)
