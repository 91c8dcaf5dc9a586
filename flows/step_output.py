"""The output side of handling one event: transcript lines, nudges, the stage."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from flows.answers import Said
from flows.contact import Voice
from flows.effects import CancelNudge, Effect, ScheduleNudge, Show
from flows.machine import Meeting
from flows.persona import Persona
from flows.phrasing import Hint, Requests
from flows.session import Session, Speaker, Turn


class StepOutput:
    """One event's worth of work on one session: what it shows and schedules."""

    meeting: Meeting

    def __init__(
        self,
        persona: Persona,
        session: Session,
        now: datetime,
        late_note_after: timedelta,
        *,
        phrasing: bool = False,
        hint: Hint | None = None,
    ) -> None:
        self.persona = persona
        self.session = session
        self.now = now
        self.late_note_after = late_note_after
        self.voice = Voice(persona, session)
        self.effects: list[Effect] = []
        self.requests = Requests(persona, session) if phrasing else None
        """Describes each contact line for a model voice (only when one may phrase it)."""
        self.hint = hint
        """A model's reading of this event's message, for where the rules read nothing."""

    # -- output ---------------------------------------------------------------------------

    def _show(self, speaker: Speaker, kind: str, text: str, ref: str = "") -> None:
        turn = Turn(self.now, speaker, self.session.state, text, kind=kind, ref=ref)
        phrasing = None
        if self.requests is not None and speaker == "contact":
            phrasing = self.requests.request(turn, len(self.session.turns))
        self.session.turns.append(turn)
        self.effects.append(Show(turn, phrasing))

    def narrate(self, kind: str, text: str) -> None:
        self._show("narrator", kind, text)

    def say(self, kind: str, text: str, ref: str = "") -> None:
        self._show("contact", kind, text, ref)

    def say_said(self, said: Said) -> None:
        self.say(said.kind, said.text, said.ref)

    def say_one(self, kind: str, lines: Sequence[str], **fields: object) -> None:
        self.say(kind, self.voice.pick(kind, lines, **fields))

    def schedule(self, kind: str, due: datetime) -> None:
        self.session.nudges[kind] = due
        self.effects.append(ScheduleNudge(kind, due))

    def cancel(self, kind: str) -> None:
        if self.session.nudges.pop(kind, None) is not None:
            self.effects.append(CancelNudge(kind))

    @property
    def state(self) -> str:
        return self.session.state
