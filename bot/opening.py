"""Opening the database at start-up (every ``rapport`` command that uses one).

A database that is not reachable yet (still booting) is waited for, then given up on
with the retryable exit status 75 (:class:`TransientStartError`). One that can never
work as configured (a malformed ``DATABASE_URL``, an SQLite path under a file or naming a
folder, a file that is no database, a schema newer than this version knows) is a
:class:`~bot.failures.StartupFailure` with status 2 and one clear line, never a traceback.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.exc import DatabaseError, OperationalError

from bot.failures import CONFIGURATION, TRANSIENT, StartupFailure, TransientStartError
from bot.store.db import ENV_VAR, DatabaseUrlError, make_engine
from bot.store.schema import OutdatedSchema, ensure_current

if TYPE_CHECKING:  # the store and the flows load only for the commands that use them
    from bot.store.practices import PracticeStore
    from flows.engine import Engine as Flow

__all__ = [
    "EX_TEMPFAIL",
    "TransientStartError",
    "engine",
    "open_database",
    "open_store",
    "when_reachable",
]

EX_TEMPFAIL = TRANSIENT
"""Exit status for a failure that may pass (the database still booting): restart and retry.
Status 2 stays for mistakes a restart cannot fix (a missing or malformed setting)."""


def engine() -> Engine:
    """The engine for ``DATABASE_URL`` (a StartupFailure if it cannot be one)."""
    try:
        return make_engine()
    except DatabaseUrlError as exc:
        raise StartupFailure(str(exc), CONFIGURATION) from None


def open_database(wait_seconds: float = 0.0) -> Engine:
    """The local database (DATABASE_URL, or the SQLite file), migrated if it is SQLite.
    A database that is not reachable is retried for up to ``wait_seconds``."""
    db = engine()
    when_reachable(lambda: ensure_current(db), wait_seconds, db)
    return db


def open_store(flow: Flow | None = None, *, wait_seconds: float = 0.0) -> PracticeStore:
    """The practice store on :func:`open_database` (the terminal's commands)."""
    from bot.store.practices import PracticeStore

    return PracticeStore(open_database(wait_seconds), flow)


def when_reachable(
    action: Callable[[], object],
    wait_seconds: float,
    db: Engine | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Run ``action`` (which opens the database ``db``), retrying while the database is not
    reachable, with pauses of 1, 2, 4 ... 15 s, for up to ``wait_seconds`` in all."""
    waited, pause = 0.0, 1.0
    while True:
        try:
            action()
            return
        except OutdatedSchema as exc:
            raise StartupFailure(str(exc), CONFIGURATION) from None
        except OperationalError as exc:
            reason = one_line(exc.orig)
            if waited >= wait_seconds:
                raise TransientStartError(
                    f"cannot reach the database: {reason}"
                    + (f" (waited {waited:g} s)" if waited else "")
                ) from None
            step = min(pause, wait_seconds - waited)
            print(
                f"rapport: the database is not reachable yet ({reason}); "
                f"trying again in {step:g} s",
                file=sys.stderr,
                flush=True,
            )
            sleep(step)
            waited += step
            pause = min(pause * 2, 15.0)
        except DatabaseError as exc:  # reached, and it can never work: no wait helps
            raise StartupFailure(unusable(db, exc), CONFIGURATION) from None


def unusable(db: Engine | None, error: DatabaseError) -> str:
    reason = one_line(error.orig)
    if db is not None and db.dialect.name == "sqlite":
        return f"{ENV_VAR} names {db.url.database}, which is not an SQLite database ({reason})"
    return f"the database at {ENV_VAR} cannot be used ({reason})"


def one_line(error: object) -> str:
    text = " ".join(str(error).split())
    return text[:200] or type(error).__name__
