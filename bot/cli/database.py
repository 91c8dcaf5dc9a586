"""Opening the database for a command (:mod:`bot.opening`) and ``rapport migrate``."""

from __future__ import annotations

import argparse

from bot import opening
from bot.cli.common import load_settings
from bot.opening import open_database, open_store
from bot.store.schema import current_revision, upgrade

__all__ = ["cmd_migrate", "open_database", "open_store"]


def cmd_migrate(_args: argparse.Namespace) -> int:
    db = opening.engine()
    revisions: list[str | None] = []

    def migrate() -> None:
        revisions.clear()
        revisions.append(current_revision(db))
        upgrade(db)
        revisions.append(current_revision(db))

    opening.when_reachable(migrate, load_settings().start_wait_seconds, db)
    before, after = revisions
    print(
        f"Schema at {after}"
        + (" (already current)." if before == after else f" (was {before or 'empty'}).")
    )
    return 0
