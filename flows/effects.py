"""Effects: what the engine asks its adapter to do. The engine itself does no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flows.coaching import Scorecard
from flows.session import Turn


@dataclass(frozen=True)
class Show:
    """Show a line from the contact, the narrator/coach, or a nudge."""

    turn: Turn


@dataclass(frozen=True)
class ScheduleNudge:
    """Deliver the nudge ``kind`` at ``due`` (replacing any pending nudge of that kind)."""

    kind: str
    due: datetime


@dataclass(frozen=True)
class CancelNudge:
    """Forget the pending nudge ``kind``, if any."""

    kind: str


@dataclass(frozen=True)
class Finished:
    """The meeting is over (done or abandoned); here is its scorecard."""

    scorecard: Scorecard


Effect = Show | ScheduleNudge | CancelNudge | Finished
