"""The interactive chat's practice: kept in the database, nudged by the durable dispatcher."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from bot.store.dispatcher import Dispatcher
from bot.store.practices import Delivery, Outcome, PracticeStore
from bot.store.voice import save_phrased
from bot.terminal.practice import NudgeSink
from flows.effects import Effect, ScheduleNudge, Show
from flows.persona import Persona
from flows.session import Session

if TYPE_CHECKING:
    from bot.voice.terminal import TerminalVoice

PROMPT_POLL = 1.0


class StoredPractice:
    resumable = True

    def __init__(
        self,
        store: PracticeStore,
        user_id: int,
        session_id: int,
        voice: TerminalVoice | None = None,
    ) -> None:
        self.store = store
        self.user_id = user_id
        self.session_id = session_id
        self._session = store.load(session_id)
        self._dispatcher: Dispatcher | None = None
        self.voice = voice
        """A model voice phrasing the contact's lines (what it phrased is stored too)."""

    @property
    def persona(self) -> Persona:
        return self.store.flow.persona(self._session.persona_id)

    @property
    def session(self) -> Session:
        return self._session

    def _apply(self, outcome: Outcome) -> list[Effect]:
        self._session = outcome.session
        if self.voice is not None:  # after the commit: the model never holds a transaction
            save_phrased(self.store, self.voice.phrase(outcome.effects, self.session_id))
        if self._dispatcher and any(isinstance(e, ScheduleNudge) for e in outcome.effects):
            self._dispatcher.wake()
        return outcome.effects

    def message(self, text: str, now: datetime) -> list[Effect]:
        hint = self.voice.hint(text) if self.voice is not None else None
        return self._apply(self.store.message(self.session_id, text, now, hint=hint))

    def command(self, name: str, argument: str, now: datetime) -> list[Effect]:
        effects = self._apply(self.store.command(self.session_id, name, argument, now))
        if name == "prepare" and any(
            isinstance(e, Show) and e.turn.kind == "prepared" for e in effects
        ):
            self.store.add_question(self.user_id, " ".join(argument.split()), now)
        return effects

    def _deliver_to(self, sink: NudgeSink) -> Callable[[Delivery], None]:
        def deliver(delivery: Delivery) -> None:
            practice = delivery.practice
            if practice is not None and practice.session_id == self.session_id:
                self._session = practice.session
            sink(delivery.effects)

        return deliver

    def run_nudges(
        self, stop: threading.Event, clock: Callable[[], datetime], sink: NudgeSink
    ) -> None:
        self._dispatcher = Dispatcher(self.store, self._deliver_to(sink), poll=PROMPT_POLL)
        self._dispatcher.run(stop, clock)

    def catch_up(self, now: datetime) -> list[Effect]:
        caught: list[Effect] = []
        Dispatcher(self.store, self._deliver_to(caught.extend)).run_once(now)
        return caught

    def wake(self) -> None:
        if self._dispatcher is not None:
            self._dispatcher.wake()
