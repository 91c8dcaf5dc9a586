"""The packaged contacts as a user meets them, and the contact's last line after each of
some questions asked in turn in one meeting: shared by the tests that practise with the real
contacts."""

from __future__ import annotations

from datetime import timedelta

from flows.engine import Engine
from flows.session import Session, Turn
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


ARRIVAL = "Hello, I got here early, in a suit, with my notebook. I am ready to go in."
"""A check-in that enters the meeting at once (the contact then greets the user)."""


def meeting(
    persona: str,
    *said: str,
    seed: int = 3,
    scenario: dict[str, str] | None = None,
    arrival: str = ARRIVAL,
) -> tuple[Session, list[list[str]]]:
    """A 20-minute meeting with the packaged contact: ``arrival``, then each of ``said`` a
    minute apart; the session and the contact's lines after each of ``said``."""
    session, _ = _REAL.start(persona, now=T0, seed=seed, minutes=20, scenario=scenario)
    replies = []
    for i, text in enumerate((arrival, *said)):
        before = len(session.turns)
        _REAL.message(session, text, T0 + timedelta(minutes=i))
        replies.append([t.text for t in session.turns[before:] if t.speaker == "contact"])
    return session, replies[1:]
