"""The meeting's clock: nudge kinds and how long things take."""

from __future__ import annotations

from datetime import datetime, timedelta

WRAP_UP = "wrap_up"
CHECK_BACK = "check_back"
NUDGE_KINDS = (WRAP_UP, CHECK_BACK)
CHECK_BACK_AFTER = timedelta(days=2)
LATE_NOTE_AFTER = timedelta(minutes=5)
"""The default for :attr:`flows.engine.Engine.late_note_after`."""
DEFAULT_MINUTES = 20.0


def fmt_minutes(minutes: float) -> str:
    return f"{minutes:g}"


NEAR_MARK_SHARE = 0.25
NEAR_MARK_AT_LEAST = timedelta(minutes=2)
"""Raising the time counts as watching the clock from the last quarter of the meeting (and
never later than its last two minutes); earlier it is a courtesy."""


MIDWAY_SHARE = 0.5
"""From here the contact may say the meeting is past its halfway point."""


def past_midway(clock_started_at: datetime | None, minutes: float, at: datetime) -> bool:
    """Whether the meeting is past its halfway point (``MIDWAY_SHARE``)."""
    if clock_started_at is None:
        return False
    return at >= clock_started_at + timedelta(minutes=minutes) * MIDWAY_SHARE


def near_mark(clock_started_at: datetime | None, minutes: float, at: datetime) -> bool:
    """Whether ``at`` is close enough to the agreed end of the meeting for raising the time
    to mean "our time is nearly up"."""
    if clock_started_at is None:
        return False
    length = timedelta(minutes=minutes)
    window = max(length * NEAR_MARK_SHARE, NEAR_MARK_AT_LEAST)
    return at >= clock_started_at + length - window
