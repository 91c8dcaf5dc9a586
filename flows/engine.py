"""The practice engine: (session, event, now) -> effects. No I/O, no clock of its own.

Every event (a user message, a command, a due nudge) is handled by a short-lived
:class:`~flows.step.Step`: it attaches the session to the shared state machine at its
stored state, records the turns, decides what the contact, narrator and nudges say, and
returns the effects for the adapter to carry out. Randomness comes only from the session's
seed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from functools import cached_property

from flows import narrator
from flows.answers import compile_terms
from flows.effects import Effect
from flows.machine import attached
from flows.persona import Persona, load_personas
from flows.phrasing import Hint
from flows.scenario import draw_scenario
from flows.session import Session
from flows.specifics import compile_keys
from flows.step import (
    CHECK_IN,
    COMMANDS,
    MAX_MESSAGE_CHARS,
    MAX_QUESTION_CHARS,
    Step,
    clean_question,
)
from flows.timing import (
    CHECK_BACK,
    CHECK_BACK_AFTER,
    DEFAULT_MINUTES,
    LATE_NOTE_AFTER,
    NUDGE_KINDS,
    WRAP_UP,
    fmt_minutes,
)

__all__ = [
    "CHECK_BACK",
    "CHECK_BACK_AFTER",
    "CHECK_IN",
    "COMMANDS",
    "DEFAULT_MINUTES",
    "LATE_NOTE_AFTER",
    "MAX_MESSAGE_CHARS",
    "MAX_QUESTION_CHARS",
    "NUDGE_KINDS",
    "WRAP_UP",
    "Engine",
    "fmt_minutes",
]


class Engine:
    """Runs practices with a set of personas (by default the packaged ones)."""

    def __init__(
        self,
        personas: Mapping[str, Persona] | None = None,
        *,
        late_note_after: timedelta = LATE_NOTE_AFTER,
        phrasing: bool = False,
    ) -> None:
        if personas is not None:
            self.personas = dict(personas)
        self.late_note_after = late_note_after
        """A nudge delivered later than this (say, after a restart) says when it was due."""
        self.phrasing = phrasing
        """Describe each contact line for a model voice (``Show.phrasing``): set by an
        adapter that has one; without it no request is built."""

    @cached_property
    def personas(self) -> dict[str, Persona]:
        """The packaged personas unless others were given: read on first use (the bot
        reads them in the background, once it is fetching updates)."""
        return load_personas()

    def warm_up(self) -> None:
        """Read every contact and compile their own patterns (field terms, specifics), so
        that no contact's first questions pay for it: about 0.5 s of CPU for all of them,
        which the bot spends in the background once it is fetching updates."""
        for persona in self.personas.values():
            compile_terms(persona)
            compile_keys(persona)

    def persona(self, persona_id: str) -> Persona:
        try:
            return self.personas[persona_id]
        except KeyError:
            known = ", ".join(self.personas)
            raise KeyError(f"unknown contact {persona_id!r}; choose one of: {known}") from None

    def start(
        self,
        persona_id: str,
        *,
        now: datetime,
        seed: int,
        minutes: float = DEFAULT_MINUTES,
        prepared_questions: Sequence[str] = (),
        scenario: Mapping[str, str] | None = None,
    ) -> tuple[Session, list[Effect]]:
        """A new session in the lobby, and the scene-setting line."""
        if not minutes > 0:
            raise ValueError("the meeting length must be a positive number of minutes")
        persona = self.persona(persona_id)
        session = Session(
            persona_id=persona.id,
            seed=seed,
            scenario=draw_scenario(persona, seed, scenario),
            started_at=now,
            meeting_minutes=minutes,
            prepared_questions=[q for q in (clean_question(q) for q in prepared_questions) if q],
        )
        step = Step(
            self.persona(persona_id), session, now, self.late_note_after, phrasing=self.phrasing
        )
        step.narrate(
            "scene",
            narrator.line(
                "scene",
                scene=persona.scene.strip(),
                name=persona.name,
                role=persona.role,
                organisation=persona.organisation,
                minutes=fmt_minutes(minutes),
            ),
        )
        return session, step.effects

    def message(
        self, session: Session, text: str, now: datetime, hint: Hint | None = None
    ) -> list[Effect]:
        """The user said ``text``. ``hint``: a model's reading of it, used only where the
        rules read nothing (:func:`flows.phrasing.wants_hint`), to choose the answer."""
        return self._step(session, now, lambda step: step.on_message(text), hint)

    def command(self, session: Session, name: str, argument: str, now: datetime) -> list[Effect]:
        """The user typed ``/name argument``."""
        command = name.lower().lstrip("/")
        return self._step(session, now, lambda step: step.on_command(command, argument.strip()))

    def nudge(self, session: Session, kind: str, now: datetime) -> list[Effect]:
        """A scheduled nudge fell due. Returns nothing if the session has moved on."""
        return self._step(session, now, lambda step: step.on_nudge(kind))

    def _step(
        self,
        session: Session,
        now: datetime,
        event: Callable[[Step], None],
        hint: Hint | None = None,
    ) -> list[Effect]:
        step = Step(
            self.persona(session.persona_id),
            session,
            now,
            self.late_note_after,
            phrasing=self.phrasing,
            hint=hint,
        )
        with attached(session, step.entered) as meeting:
            step.meeting = meeting
            event(step)
        return step.effects
