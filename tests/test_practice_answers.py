"""Faults found by practising as a job seeker, each asked as a user would in a meeting
with the real contact (the session of 2026-12-07 onwards; earlier ones are in
``test_listening_engine.py``)."""

from __future__ import annotations

import pytest

from tests.test_listening_engine import _asked_in_turn


@pytest.mark.parametrize(
    ("question", "ref"),
    [
        ("What does an HR business partner actually do that a generalist doesn't?", "typical_day."),
        ("what does an hr business partner do all day", "typical_day."),
        ("Do HRBPs get pulled into restructures and layoffs?", "hardest."),
        ("were you involved in the redundancies last year?", "hardest."),
    ],
)
def test_practising_hr_with_mei_ling(question: str, ref: str) -> None:
    """Practising a move from retail into HR: "what does an HR business partner actually
    do..." got Mei Ling's pay answer ("an HR" was read as "an hour", and the rest as what
    an hour pays), and "do HRBPs get pulled into restructures and layoffs?" got the job
    market ("layoffs"), though letting eighty people go is her hardest part."""
    [said] = _asked_in_turn("meiling", question)
    assert said.ref.startswith(ref), (said.kind, said.ref)


def test_layoffs_in_the_field_are_still_the_job_market() -> None:
    [said] = _asked_in_turn("greg", "have there been a lot of layoffs in product lately?")
    assert said.ref.startswith("demand."), (said.kind, said.ref)


def test_whether_it_takes_being_good_at_something_is_what_it_takes() -> None:
    """Practising a move into the trades: "Do I need to be good at maths to pass the
    apprenticeship?" got Ray's licensing steps (the reader took "apprenticeship" for the
    credentials), never a word on maths; his answer on what it takes names it ("decent
    math"). A degree asked for beside it is still the credentials."""
    [maths] = _asked_in_turn("ray", "Do I need to be good at maths to pass the apprenticeship?")
    assert maths.ref.startswith("ask_qualifications."), (maths.kind, maths.ref)
    assert "math" in maths.text or "algebra" in maths.text, maths.text
    [degree] = _asked_in_turn("ray", "do I need a degree to get hired?")
    assert degree.ref.startswith("credentials."), (degree.kind, degree.ref)
