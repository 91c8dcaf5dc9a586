"""Questions about a contact's own work that practising as a job seeker found answered
with something else: each now gets a detail of theirs (``specifics`` in the persona file),
asked as a user would in a meeting with the real contact."""

from __future__ import annotations

import pytest

from tests.real_contacts import _asked_in_turn


@pytest.mark.parametrize(
    ("persona", "question", "expected"),
    [
        ("anh", "Do you get much say over what you cover?", "pitch it and you own it"),
        ("anh", "Do you ever get threats or abuse online for your stories?", "log anything"),
        ("anh", "Should I freelance first or go for a staff job?", "Staff if you can get it"),
        ("anh", "what about podcasts, is that a real career path?", "narrow one"),
        ("bernie", "What's the hardest conversation you've had with a client?", "no bed"),
        (
            "bernie",
            "How do you stop yourself burning out, with the kind of things you see?",
            "Burnout",
        ),
    ],
)
def test_practising_journalism_with_anh_and_charity_work_with_bernie(
    persona: str, question: str, expected: str
) -> None:
    """Practising a move from comms into journalism: "Do you get much say over what you
    cover?" got a deferral, online abuse got a funny letter from prison, "freelance first or
    a staff job?" got big outlets against small ones, and podcasts as a career got her
    union and her promotions. With Bernie, "the hardest conversation you've had with a
    client" got his strangest story, and burning out got the office hours."""
    said = _asked_in_turn(persona, question)
    assert any(expected in s.text for s in said), [(s.ref, s.text[:60]) for s in said]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How do you get the rest of the business to care about emissions?", "as a buyer would"),
        ("Are ship fuels like ammonia really going to work?", "dual-fuel"),
    ],
)
def test_practising_sustainability_with_freja(question: str, expected: str) -> None:
    """Practising a move from environmental consulting: "How do you get the rest of the
    business to care about emissions?" and "Are ship fuels like ammonia really going to
    work?" got deferrals from the head of sustainability of a shipping group."""
    said = _asked_in_turn("freja", question)
    assert any(expected in s.text for s in said), [(s.ref, s.text[:60]) for s in said]
