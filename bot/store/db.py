"""Connecting to the database: ``DATABASE_URL``, or an SQLite file in the user's data folder."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DisconnectionError

from bot.store.outage import poisons_connection

ENV_VAR = "DATABASE_URL"
SQLITE_BUSY_MS = 10_000
POOL_SIZE = 20
"""PostgreSQL connections kept open: as many as the bot's database threads (see
:data:`bot.telegram.service.DB_THREADS`) and more, so that a busy spell does not open
and close a connection per transaction (the pool's default keeps 5, and each one over
that is closed when it is returned)."""
PING_IDLE_S = 1.0
"""A PostgreSQL connection idle longer than this is pinged before it is used again."""


class DatabaseUrlError(ValueError):
    """DATABASE_URL is malformed or names a database we do not support."""


def default_url() -> str:
    folder = Path(platformdirs.user_data_dir("rapport", appauthor=False))
    return f"sqlite:///{folder / 'rapport.sqlite3'}"


def database_url(environ: dict[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    return env.get(ENV_VAR, "").strip() or default_url()


def make_engine(url: str | None = None, **options: Any) -> Engine:
    """An engine for ``url`` (default: :func:`database_url`), configured for safe writes.

    On SQLite every transaction is ``BEGIN IMMEDIATE`` (one writer at a time, waiting up
    to ten seconds), foreign keys are enforced and the journal is WAL. PostgreSQL URLs are
    ``postgresql+psycopg://``. Errors never quote the statement's parameters (they hold
    what users wrote).
    """
    raw = url or database_url()
    try:
        parsed = make_url(raw)
    except ArgumentError:
        raise DatabaseUrlError(
            f"{ENV_VAR} is not a database URL: use sqlite:///PATH or "
            "postgresql+psycopg://USER@HOST/DB"
        ) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            _make_room(Path(database).expanduser())
        engine = create_engine(parsed, hide_parameters=True, **options)
        _configure_sqlite(engine)
        return engine
    if backend == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        options.setdefault("pool_size", POOL_SIZE)
        engine = create_engine(parsed, hide_parameters=True, **options)
        _ping_when_idle(engine)
        return engine
    raise DatabaseUrlError(f"{ENV_VAR}: {backend} is not supported; use SQLite or PostgreSQL")


def _make_room(path: Path) -> None:
    """Create the folders an SQLite file at ``path`` needs, or say in one line why there
    can be no database there (DatabaseUrlError): a file where a folder should be, a
    folder where the file should be, a folder that cannot be created."""
    if path.is_dir():
        raise DatabaseUrlError(
            f"{ENV_VAR} names {path}, which is a folder, not a database file: "
            f"name the file, e.g. sqlite:///{path / 'rapport.sqlite3'}"
        )
    for folder in path.parents:
        if folder.exists():
            if not folder.is_dir():
                raise DatabaseUrlError(
                    f"{ENV_VAR} names {path}, but {folder} is a file, not a folder: check the path"
                )
            break
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseUrlError(
            f"{ENV_VAR} names {path}, but its folder {path.parent} cannot be created "
            f"({exc.strerror or type(exc).__name__})"
        ) from None


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    @event.listens_for(engine, "handle_error")
    def _on_error(context: Any) -> None:
        # A connection opened while the file was read-only stays read-only after it is
        # writable again, and one that hit an I/O error may stay broken: treat both as a
        # lost connection, so the pool (all of it) is replaced and the next try is fresh.
        original = context.original_exception
        if isinstance(original, sqlite3.OperationalError) and poisons_connection(str(original)):
            context.is_disconnect = True


def _ping_when_idle(engine: Engine) -> None:
    """Ping a connection taken from the pool if it sat idle there over PING_IDLE_S (the
    pool's ``pre_ping`` pings at every checkout: a round trip per transaction under load,
    when connections are idle for microseconds). One that broke since its last use is
    replaced (the pool retries the checkout); one that breaks within the second fails its
    transaction, which is rolled back and retried like any other outage."""

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.pop("idle_since", None)
        if since is not None and time.monotonic() - since < PING_IDLE_S:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            # The pool drops this connection and tries another (or a new one, whose
            # failure to connect is the outage the caller sees).
            raise DisconnectionError("the connection broke while idle") from exc
