"""The output side of handling one event: transcript lines, nudges, the stage."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from flows.answers import Said
from flows.contact import Voice
from flows.effects import CancelNudge, Effect, ScheduleNudge, Show
from flows.machine import Meeting
from flows.persona import Persona
from flows.session import Session, Speaker, Turn


class StepOutput:
    """One event's worth of work on one session: what it shows and schedules."""

    meeting: Meeting

    def __init__(
        self, persona: Persona, session: Session, now: datetime, late_note_after: timedelta
    ) -> None:
        self.persona = persona
        self.session = session
        self.now = now
        self.late_note_after = late_note_after
        self.voice = Voice(persona, session)
        self.effects: list[Effect] = []

    # -- output ---------------------------------------------------------------------------

    def _show(self, speaker: Speaker, kind: str, text: str, ref: str = "") -> None:
        turn = Turn(self.now, speaker, self.session.state, text, kind=kind, ref=ref)
        self.session.turns.append(turn)
        self.effects.append(Show(turn))

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
