"""A practice as the terminal sees it, kept in memory or in the database.

:class:`LocalPractice` keeps everything in memory: script mode uses it with a virtual
clock. :class:`~bot.terminal.stored.StoredPractice` keeps everything in the database and
delivers nudges with the durable dispatcher: the interactive chat uses it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from flows.coaching import Scorecard, score_session
from flows.effects import Effect, Finished, Show
from flows.engine import Engine
from flows.persona import Persona
from flows.session import Session, Turn

if TYPE_CHECKING:
    from bot.voice.terminal import TerminalVoice

TICK_SECONDS = 0.2
NudgeSink = Callable[[Sequence[Effect]], None]


class Practice(Protocol):
    """What the terminal chat needs from a practice."""

    resumable: bool
    """Kept in the database, so leaving the chat does not end it."""

    @property
    def persona(self) -> Persona: ...

    @property
    def session(self) -> Session: ...

    def message(self, text: str, now: datetime) -> list[Effect]: ...

    def command(self, name: str, argument: str, now: datetime) -> list[Effect]: ...

    def run_nudges(
        self, stop: threading.Event, clock: Callable[[], datetime], sink: NudgeSink
    ) -> None:
        """Deliver nudges as they fall due, until ``stop`` is set."""

    def wake(self) -> None:
        """Look for due nudges now (a sooner one was scheduled, or it is time to stop)."""

    def catch_up(self, now: datetime) -> list[Effect]:
        """Deliver, right now, every nudge that fell due while nobody was watching."""


@dataclass
class LocalPractice:
    engine: Engine
    session: Session
    delivered_nudges: list[Turn] = field(default_factory=list)
    scorecard: Scorecard | None = None
    resumable: bool = False
    voice: TerminalVoice | None = None
    """A model voice phrasing the contact's lines (and reading what the rules cannot)."""
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)
    """The chat's input and the nudge ticker run in different threads."""

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
        with self._lock:
            hint = self.voice.hint(text) if self.voice is not None else None
            effects = self.engine.message(self.session, text, now, hint)
            if self.voice is not None:
                self.voice.phrase(effects)
            return self._record(effects)

    def command(self, name: str, argument: str, now: datetime) -> list[Effect]:
        with self._lock:
            effects = self.engine.command(self.session, name, argument, now)
            if self.voice is not None:
                self.voice.phrase(effects)
            return self._record(effects)

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
        with self._lock:
            while (nxt := self.next_due()) is not None and nxt[1] <= now:
                kind, due = nxt
                effects += self._record(
                    self.engine.nudge(self.session, kind, due if at_due_time else now)
                )
        return effects

    def run_nudges(
        self, stop: threading.Event, clock: Callable[[], datetime], sink: NudgeSink
    ) -> None:
        while not stop.wait(TICK_SECONDS):
            sink(self.deliver_due(clock()))

    def wake(self) -> None:
        """Nothing to do: the ticker looks every TICK_SECONDS."""

    def catch_up(self, now: datetime) -> list[Effect]:
        return self.deliver_due(now)

    def final_scorecard(self) -> Scorecard:
        """The scorecard as of now (a check-back after the meeting can still add to it)."""
        return score_session(self.session)
