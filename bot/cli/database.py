"""Opening the database for a command (``open_store``) and ``rapport migrate``."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import Engine as Database
from sqlalchemy.exc import OperationalError

from bot.cli.common import TransientStartError, UsageError, load_settings
from bot.store.db import DatabaseUrlError, make_engine
from bot.store.schema import OutdatedSchema, current_revision, ensure_current, upgrade

if TYPE_CHECKING:
    from bot.store.practices import PracticeStore
    from flows.engine import Engine


def open_database(wait_seconds: float = 0.0) -> Database:
    """The local database (DATABASE_URL, or the SQLite file), migrated if it is SQLite.
    A database that is not reachable is retried for up to ``wait_seconds``."""
    try:
        db = make_engine()
    except DatabaseUrlError as exc:
        raise UsageError(str(exc)) from None
    _when_reachable(lambda: ensure_current(db), wait_seconds)
    return db


def open_store(flow: Engine | None = None) -> PracticeStore:
    """The practice store on :func:`open_database` (the terminal's commands)."""
    from bot.store.practices import PracticeStore

    return PracticeStore(open_database(), flow)


def _when_reachable(
    action: Callable[[], object], wait_seconds: float, sleep: Callable[[float], None] = time.sleep
) -> None:
    """Run ``action`` (which opens the database), retrying while the database is not
    reachable, with pauses of 1, 2, 4 ... 15 s, for up to ``wait_seconds`` in all."""
    waited, pause = 0.0, 1.0
    while True:
        try:
            action()
            return
        except OutdatedSchema as exc:
            raise UsageError(str(exc)) from None
        except OperationalError as exc:
            reason = _one_line(exc.orig)
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


def _one_line(error: object) -> str:
    text = " ".join(str(error).split())
    return text[:200] or type(error).__name__


def cmd_migrate(_args: argparse.Namespace) -> int:
    try:
        db = make_engine()
    except DatabaseUrlError as exc:
        raise UsageError(str(exc)) from None
    revisions: list[str | None] = []

    def migrate() -> None:
        revisions.clear()
        revisions.append(current_revision(db))
        upgrade(db)
        revisions.append(current_revision(db))

    _when_reachable(migrate, load_settings().start_wait_seconds)
    before, after = revisions
    print(
        f"Schema at {after}"
        + (" (already current)." if before == after else f" (was {before or 'empty'}).")
    )
    return 0
