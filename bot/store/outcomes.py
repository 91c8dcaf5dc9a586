"""What handling one event produced, as the store hands it back after the commit: where
a user stands as an update begins, a practice's outcome, a nudge's delivery."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flows.effects import Effect
from flows.session import Session


class NotFound(LookupError):
    """No such practice (or it belongs to someone else)."""


class ConcurrentUpdate(RuntimeError):
    """Another writer changed the practice between our read and our write (never expected
    while the row lock or SQLite's write lock is held; a guard, not a code path)."""


@dataclass(frozen=True)
class Visit:
    """Where a user stands as one of their updates begins (read under their lock)."""

    user_id: int
    practice: int | None = None
    """Their practice that is not over, if any."""
    follow_up: int | None = None
    """A real meeting that ended and still waits for the user to log who they met."""
    duplicate: bool = False
    """This update was handled before: do nothing."""
    voice: bool = True
    """The user allows a configured model voice to phrase their replies."""


@dataclass(frozen=True)
class Outcome:
    """What one event produced, after it was committed."""

    session_id: int
    user_id: int
    effects: list[Effect]
    session: Session
    duplicate: bool = False
    """The update had been processed before: nothing was changed or should be sent."""


@dataclass(frozen=True)
class NudgeRef:
    """Which nudge a delivery was for."""

    id: int
    kind: str
    due_at: datetime


@dataclass(frozen=True)
class Delivery:
    """What delivering one nudge showed: for a practice nudge, the practice's outcome."""

    nudge: NudgeRef
    user_id: int
    effects: list[Effect]
    practice: Outcome | None = None
