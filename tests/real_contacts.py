"""The packaged contacts as a user meets them, and the contact's last line after each of
some questions asked in turn in one meeting: shared by the tests that practise with the real
contacts."""

from __future__ import annotations

from flows.engine import Engine
from flows.session import Turn
from tests.conftest import T0

_REAL = Engine()
"""The packaged contacts, as a user meets them."""


def _asked_in_turn(persona: str, *questions: str, seed: int = 1) -> list[Turn]:
    """The contact's last line after each question, asked in turn in one meeting."""
    session, _ = _REAL.start(persona, now=T0, seed=seed, minutes=20)
    _REAL.message(session, "Hi, I'm ready.", T0)
    last = []
    for question in questions:
        _REAL.message(session, question, T0)
        last.append(session.turns[-1])
    return last


def replies_in_turn(persona: str, *questions: str, seed: int = 1) -> list[list[Turn]]:
    """All the contact's lines after each question, asked in turn in one 30-minute meeting."""
    session, _ = _REAL.start(persona, now=T0, seed=seed, minutes=30)
    _REAL.message(session, "Hi, I'm ready.", T0)
    said = []
    for question in questions:
        before = len(session.turns)
        _REAL.message(session, question, T0)
        said.append([t for t in session.turns[before:] if t.speaker == "contact"])
    return said
