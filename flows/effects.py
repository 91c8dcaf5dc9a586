"""Effects: what the engine asks its adapter to do. The engine itself does no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flows.coaching import Scorecard
from flows.phrasing import PhrasingRequest
from flows.session import Turn


@dataclass(frozen=True)
class Show:
    """Show a line from the contact, the narrator/coach, or a nudge."""

    turn: Turn
    phrasing: PhrasingRequest | None = None
    """For a contact's line when the engine was asked for them: what a model voice may use
    to phrase it (the adapter shows ``turn.text`` unless a phrasing passes the guards)."""


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
