"""Faults found by practising as a job seeker with Carys, the head of science: each asked
as a user would, in a meeting with the real contact."""

from __future__ import annotations

import pytest

from tests.real_contacts import _asked_in_turn


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Can I get paid while training?", "salaried PGCE"),
        ("honestly how bad is behaviour in schools these days", "the drip, not the drama"),
        ("What's the starting salary for a new teacher in Wales?", "starts at roughly"),
        ("Could I live in Cardiff on a teacher's salary?", "live in Cardiff"),
    ],
)
def test_practising_a_move_from_the_lab_into_teaching(question: str, expected: str) -> None:
    """Practising a move from a pharma lab into teaching: "Can I get paid while training?"
    got "Yes, you can live in Cardiff on a new teacher's salary" (an answer on living costs
    taken for any pay question), and "how bad is behaviour in schools these days" got a
    deferral from a contact whose daily work it is."""
    said = _asked_in_turn("carys", question)
    assert any(expected in s.text for s in said), [(s.ref, s.text[:60]) for s in said]
