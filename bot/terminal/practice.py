"""One practice run locally: the engine, its session and its pending nudges.

Both the interactive chat and script mode drive a :class:`LocalPractice`; the only
difference is the clock they pass in (the wall clock, or a virtual one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flows.coaching import Scorecard, score_session
from flows.effects import Effect, Finished, Show
from flows.engine import Engine
from flows.persona import Persona
from flows.session import Session, Turn


@dataclass
class LocalPractice:
    engine: Engine
    session: Session
    delivered_nudges: list[Turn] = field(default_factory=list)
    scorecard: Scorecard | None = None

    @property
    def persona(self) -> Persona:
        return self.engine.persona(self.session.persona_id)

    def _record(self, effects: list[Effect]) -> list[Effect]:
        for effect in effects:
            if isinstance(effect, Show) and effect.turn.speaker == "nudge":
                self.delivered_nudges.append(effect.turn)
            elif isinstance(effect, Finished):
                self.scorecard = effect.scorecard
        return effects

    def message(self, text: str, now: datetime) -> list[Effect]:
        return self._record(self.engine.message(self.session, text, now))

    def command(self, name: str, argument: str, now: datetime) -> list[Effect]:
        return self._record(self.engine.command(self.session, name, argument, now))

    def next_due(self) -> tuple[str, datetime] | None:
        if not self.session.nudges:
            return None
        kind, due = min(self.session.nudges.items(), key=lambda item: item[1])
        return kind, due

    def deliver_due(self, now: datetime, *, at_due_time: bool = False) -> list[Effect]:
        """Deliver every nudge due by ``now``, earliest first.

        With ``at_due_time`` (a virtual clock) each nudge is delivered at its own due time,
        as if the clock had stopped there; otherwise at ``now``.
        """
        effects: list[Effect] = []
        while (nxt := self.next_due()) is not None and nxt[1] <= now:
            kind, due = nxt
            effects += self._record(
                self.engine.nudge(self.session, kind, due if at_due_time else now)
            )
        return effects

    def final_scorecard(self) -> Scorecard:
        """The scorecard as of now (a check-back after the meeting can still add to it)."""
        return score_session(self.session)
