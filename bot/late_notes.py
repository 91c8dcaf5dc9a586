"""``RAPPORT_NUDGE_LATE_MINUTES``: after how long a nudge delivered late says when it was
due. Read by the terminal chat and by the bot alike (no heavy imports: the CLI checks it
before anything loads)."""

from __future__ import annotations

import os
from datetime import timedelta

LATE_ENV = "RAPPORT_NUDGE_LATE_MINUTES"
"""Nudges delivered later than this many minutes say when they were due (default 5)."""


def late_note_after() -> timedelta | None:
    """The setting, or None when unset (the flow's default); ValueError when malformed."""
    raw = os.environ.get(LATE_ENV, "").strip()
    if not raw:
        return None
    try:
        minutes = float(raw)
    except ValueError:
        raise ValueError(f"{LATE_ENV} must be a number of minutes, not {raw!r}") from None
    if not minutes >= 0 or minutes == float("inf"):
        raise ValueError(f"{LATE_ENV} must be a number of minutes, not negative")
    return timedelta(minutes=minutes)
