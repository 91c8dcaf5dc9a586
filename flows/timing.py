"""The meeting's clock: nudge kinds and how long things take."""

from __future__ import annotations

from datetime import timedelta

WRAP_UP = "wrap_up"
CHECK_BACK = "check_back"
NUDGE_KINDS = (WRAP_UP, CHECK_BACK)
CHECK_BACK_AFTER = timedelta(days=2)
LATE_NOTE_AFTER = timedelta(minutes=5)
"""The default for :attr:`flows.engine.Engine.late_note_after`."""
DEFAULT_MINUTES = 20.0


def fmt_minutes(minutes: float) -> str:
    return f"{minutes:g}"
