"""The model voice in the terminal chat and script mode: the same adapter, driven from
synchronous code through an event loop of its own (one thread, for the life of the chat).

The terminal has one user, so phrasing simply happens before a line is printed; a line the
model does not phrase in time, or that a guard rejects, is printed as scripted. Phrased
lines carry what was shown in ``Turn.phrased`` (and, for a stored practice, in the
database), never in place of the scripted ``text`` the flow reads.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from pydantic import ValidationError

from bot.config import VoiceSettings, settings_problem
from bot.failures import CONFIGURATION, StartupFailure
from bot.store.voice import PhrasedLine
from bot.voice.config import VoiceConfig
from bot.voice.model import ModelVoice
from flows.effects import Effect, Show
from flows.engine import Engine
from flows.phrasing import Hint, wants_hint

T = TypeVar("T")


def voice_config() -> VoiceConfig | None:
    """The model voice the environment configures (RAPPORT_LLM_*), or None."""
    try:
        return VoiceConfig.from_settings(VoiceSettings())
    except ValidationError as exc:
        raise StartupFailure(settings_problem(exc), CONFIGURATION) from None
    except ValueError as exc:
        raise StartupFailure(str(exc), CONFIGURATION) from None


@contextmanager
def terminal_voice(config: VoiceConfig | None, engine: Engine) -> Iterator[TerminalVoice | None]:
    """The voice for a terminal chat (None without a model), closed afterwards."""
    if config is None:
        yield None
        return
    voice = TerminalVoice(ModelVoice(config, engine.personas))
    try:
        yield voice
    finally:
        voice.close()


class TerminalVoice:
    def __init__(self, voice: ModelVoice) -> None:
        self.voice = voice
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="voice", daemon=True)
        self._thread.start()

    @property
    def note(self) -> str:
        """Where the user's messages go, said plainly at the start of a chat."""
        return (
            f"(Model voice on: your messages are sent to {self.voice.config.host} to phrase "
            "replies. Unset RAPPORT_LLM_BASE_URL to keep them on this machine.)"
        )

    def _wait(self, work: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, self._loop).result()

    def phrase(self, effects: Sequence[Effect], session_id: int = 0) -> list[PhrasedLine]:
        """Phrase the contact lines among ``effects`` (all at once); sets ``phrased`` on the
        turns the model phrased in time and the guards passed, and returns them."""
        shows = [e for e in effects if isinstance(e, Show) and e.phrasing is not None]
        if not shows:
            return []

        async def ask() -> list[str | None]:
            found = [self.voice.phrase(e.phrasing) for e in shows if e.phrasing is not None]
            return [result.text for result in await asyncio.gather(*found)]

        lines = []
        for show, text in zip(shows, self._wait(ask()), strict=True):
            if text is not None and show.phrasing is not None:
                show.turn.phrased = text
                lines.append(PhrasedLine(session_id, show.phrasing.seq, text))
        return lines

    def hint(self, text: str) -> Hint | None:
        """A model's reading of ``text``, if understanding is on and the rules read nothing."""
        if not self.voice.config.understand or not wants_hint(text):
            return None
        return self._wait(self.voice.understand(text))

    def close(self) -> None:
        self._wait(self.voice.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
