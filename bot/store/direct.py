"""The hot path's statements run on the driver's cursor (PostgreSQL), compiled once.

Why: per statement, SQLAlchemy's execution (the statement's cache key, an execution
context, the result's metadata and ``Row`` objects) costs more CPU than psycopg's own
work. Measured with ``tests/bench/bench_direct.py`` (2-core shared machine, 2026-12-07,
CPU per transaction, median of five rounds): the visit 781 -> 535 us, an outbox insert
544 -> 503 us. Under load the bot is CPU-bound, so that is updates per second (issue 14,
section 3). (A transaction in an ORM ``Session`` costs about 200 us more than in a
``Connection``, by the same benchmark: not taken, as the ORM serves the rest of the store.)

What stays SQLAlchemy's: the statement (a Core statement, compiled by SQLAlchemy once per
set of parameter names), the connection and its transaction (the same psycopg
connection: the statement runs inside the caller's transaction), the type processors
(UTC datetimes, JSON) applied to every parameter and result column, and the errors:
a driver error is raised as SQLAlchemy's (``OperationalError`` and the rest, parameters
never quoted), and a disconnect invalidates the connection, as ``Connection.execute``
does. When anything listens to the connection's cursor events (instrumentation, the
statement-count tests), the statement runs through ``Connection.execute`` instead, so
listeners see every statement.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.expression import Executable

Processor = Callable[[Any], Any]


@dataclass(frozen=True)
class Result:
    """A statement's rows (attribute access by column name, like ``Row``) and rowcount."""

    rows: list[Any]
    rowcount: int


@dataclass(frozen=True)
class _Compiled:
    sql: str
    defaults: dict[str, Any]
    """Parameters the statement carries itself (a ``LIMIT 1``, a literal)."""
    binds: tuple[tuple[str, Processor], ...]
    """Parameters whose type processes them, with the processor."""
    columns: tuple[tuple[int, Processor], ...]
    """Result columns whose type processes them (by position), with the processor."""
    row: Callable[[Any], Any] | None
    """Makes a row (a named tuple) of a result's values; None if no rows come back."""


class Direct:
    """``statement``, run on the connection's driver cursor: :meth:`execute`."""

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._compiled: dict[tuple[str, ...], _Compiled] = {}

    def execute(self, conn: Connection, parameters: Mapping[str, Any]) -> Result:
        """Run the statement in ``conn``'s transaction with ``parameters``."""
        dispatch = conn.dispatch
        if dispatch.before_cursor_execute or dispatch.after_cursor_execute:
            return _through_sqlalchemy(conn, self.statement, parameters)
        dialect = conn.dialect
        keys = tuple(sorted(parameters))
        compiled = self._compiled.get(keys)
        if compiled is None:
            compiled = self._compiled[keys] = _compile(self.statement, dialect, keys)
        values = {**compiled.defaults, **parameters}
        for name, process in compiled.binds:
            values[name] = process(values[name])
        raw = conn.connection.driver_connection
        assert raw is not None  # (a live connection's)
        cursor = raw.cursor()
        try:
            cursor.execute(compiled.sql, values)
            rows: list[Any] = []
            if (make := compiled.row) is not None:
                for fetched in cursor.fetchall():
                    if compiled.columns:
                        fetched = list(fetched)
                        for index, process in compiled.columns:
                            fetched[index] = process(fetched[index])
                    rows.append(make(fetched))
            return Result(rows, cursor.rowcount)
        except dialect.loaded_dbapi.Error as exc:
            raise _translated(conn, dialect, exc, cursor) from exc
        finally:
            cursor.close()


def _through_sqlalchemy(
    conn: Connection, statement: Executable, parameters: Mapping[str, Any]
) -> Result:
    result = conn.execute(statement, dict(parameters))
    return Result(list(result) if result.returns_rows else [], result.rowcount)


def _compile(statement: Executable, dialect: Dialect, keys: Sequence[str]) -> _Compiled:
    compiled = statement.compile(dialect=dialect, column_keys=list(keys))  # type: ignore[attr-defined]
    defaults: dict[str, Any] = {}
    binds: list[tuple[str, Processor]] = []
    for name, bind in compiled.binds.items():
        if name not in keys and not bind.required:
            defaults[name] = bind.effective_value
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            binds.append((name, process))
    exported = getattr(statement, "exported_columns", None)  # (a SELECT's, or RETURNING)
    columns: list[tuple[int, Processor]] = []
    row = None
    if exported:
        for index, column in enumerate(exported):
            process = column.type.dialect_impl(dialect).result_processor(dialect, None)
            if process is not None:
                columns.append((index, process))
        row_type: Any = namedtuple("Row", list(exported.keys()))  # type: ignore[misc]
        row = row_type._make
    return _Compiled(compiled.string, defaults, tuple(binds), tuple(columns), row)


def _translated(conn: Connection, dialect: Dialect, exc: Any, cursor: Any) -> Exception:
    """``exc`` as SQLAlchemy raises it (never with the parameters); on a disconnect the
    connection is invalidated, so the pool never hands it out again."""
    disconnect = dialect.is_disconnect(exc, conn.connection.dbapi_connection, cursor)
    if disconnect:
        conn.invalidate(exc)
    return DBAPIError.instance(  # type: ignore[no-any-return]
        None,
        None,
        exc,
        dialect.loaded_dbapi.Error,
        hide_parameters=True,
        connection_invalidated=disconnect,
        dialect=dialect,
    )
