"""Migrations: apply them, check the schema is current, refuse to run on an old one.

The embedded SQLite database is migrated automatically on start. A shared PostgreSQL
database is migrated deliberately, with ``rapport migrate``; until then the bot refuses
to start, so two versions of the code never write to one schema.

Every command checks the schema first, so the check is cheap: the stored revision is read
with one query and the head is read off the migration files' ``revision`` and
``down_revision`` lines, without importing alembic (a tenth of a second of every start).
Alembic itself is imported only to migrate, or when either reading is not plain (several
rows, a file with a computed revision, ``depends_on``): then it decides, as before.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
VERSIONS = MIGRATIONS / "versions"
VERSION_TABLE = "alembic_version"
MIGRATION_LOCK = 0x7261_7070  # "rapp": the PostgreSQL advisory lock migrations hold
_SCRIPT_FILE = re.compile(r"(?!\.\#|__init__)(.*\.py)$")
"""The migration files alembic reads (its own pattern, sources only)."""


class OutdatedSchema(RuntimeError):
    """The database needs ``rapport migrate`` before this version can use it."""


def _config() -> Config:
    """Alembic's config; migrations run on the connection we hand over, never a URL (so no
    password is copied into it, and a ``%`` in the URL cannot upset its parser)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def heads_in(folder: Path) -> set[str] | None:
    """The revisions no other migration in ``folder`` revises (its heads), read from the
    files' literal ``revision`` and ``down_revision``; None when the folder is not that
    plain (a computed revision, ``depends_on`` or ``branch_labels``, a revision given twice
    or revising one that is not there), for alembic to decide."""
    revisions: list[str] = []
    revised: set[str] = set()
    for path in sorted(folder.iterdir()):
        if not path.is_file() or not _SCRIPT_FILE.match(path.name):
            continue
        names = _literals(path)
        revision, down = names.get("revision"), names.get("down_revision")
        if not isinstance(revision, str) or names.get("depends_on") or names.get("branch_labels"):
            return None
        if isinstance(down, str):
            revised.add(down)
        elif isinstance(down, tuple | list) and all(isinstance(d, str) for d in down):
            revised.update(down)
        elif down is not None:
            return None
        revisions.append(revision)
    if len(set(revisions)) != len(revisions) or not revised <= set(revisions):
        return None
    return set(revisions) - revised


_COMPUTED = object()


def _literals(path: Path) -> dict[str, object]:
    """The module-level names of ``path`` and their values, when literal (else
    ``_COMPUTED``); nothing when it is not Python."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    except (SyntaxError, UnicodeDecodeError, ValueError):
        return {}
    found: dict[str, object] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name):
            try:
                found[target.id] = ast.literal_eval(value)
            except (ValueError, TypeError, SyntaxError, RecursionError):
                found[target.id] = _COMPUTED
    return found


@cache
def head_revision() -> str:
    """The revision this version's migrations end at."""
    heads = heads_in(VERSIONS)
    if heads is not None and len(heads) == 1:
        return heads.pop()
    from alembic.script import ScriptDirectory  # not plain: alembic decides (or refuses)

    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None, "no migrations shipped"
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: never migrated)."""
    with engine.connect() as connection:
        return _stored_revision(connection)


def _stored_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).all()
    if len(rows) == 1:
        return str(rows[0][0])
    if not rows:
        return None
    from alembic.runtime.migration import MigrationContext  # several heads: alembic's error

    return MigrationContext.configure(connection).get_current_revision()


def _one_at_a_time(connection: Connection) -> None:
    """On PostgreSQL, wait for any other migration to finish (several replicas' init
    containers start together): the second one then finds the schema current. SQLite's
    write lock already serialises them."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    with engine.begin() as connection:
        _one_at_a_time(connection)
        config = _config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    from alembic import command

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
