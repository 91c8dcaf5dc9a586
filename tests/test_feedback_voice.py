"""The feedback in each contact's own words: practising with three contacts, a user heard
the same sentences from all of them ("You told me about X and then asked how it fits, so
I could speak to your case"), which read as a template."""

from __future__ import annotations

from datetime import timedelta

import pytest

from flows.engine import Engine
from flows.feedback_lines import feedback_keys
from tests.conftest import T0

_ENGINE = Engine()
CONTACTS = sorted(_ENGINE.personas)
_MEETING = (
    "Hi, I'm here to see them. Ten minutes early, suit on, notebook and my questions.",
    "Hello! I've been a primary school teacher for 6 years.",
    "How did you get started?",
    "How would someone with my background fit in?",
    "What's a typical day like?",
)


def _feedback(
    persona: str, asked: str = "How did I come across? Any strengths and weaknesses?"
) -> str:
    """The contact's reply to ``asked`` at the end of the same short meeting."""
    session, _ = _ENGINE.start(persona, now=T0, seed=4, minutes=20)
    now = T0
    for text in _MEETING:
        _ENGINE.message(session, text, now)
        now += timedelta(minutes=1)
    before = len(session.turns)
    _ENGINE.message(session, asked, now)
    return " ".join(t.text for t in session.turns[before:] if t.speaker == "contact")


@pytest.mark.parametrize("persona", CONTACTS)
def test_every_contact_gives_feedback_in_their_own_words(persona: str) -> None:
    said = _feedback(persona)
    own = _ENGINE.personas[persona].feedback_lines
    assert set(own) == set(feedback_keys())
    told = own["background_told"].format(a_role="six years as a primary school teacher")
    assert told in said, said
    generic = "You told me about six years as a primary school teacher and then asked how it"
    assert generic not in said
    for part in said.split("\n"):  # each part of the reply reads on a phone
        assert len(part.split()) < 80, part


def test_no_two_contacts_say_the_same_feedback() -> None:
    lines = [line for p in _ENGINE.personas.values() for line in p.feedback_lines.values()]
    assert len(lines) == len(set(lines)) == len(feedback_keys()) * len(CONTACTS)


def test_feedback_in_their_words_still_fits_a_phone() -> None:
    """With their own (longer) lines, "How did I come across?" ran to 91 words. The most
    telling points that fit beside the contact's intro are said: nearly every reply stays
    under the 80 words a phone reads comfortably, and none runs far past it."""
    lengths = [len(_feedback(p, "How did I come across?").split()) for p in CONTACTS]
    assert sum(n < 80 for n in lengths) >= 0.85 * len(lengths), lengths
    assert max(lengths) < 90, lengths
