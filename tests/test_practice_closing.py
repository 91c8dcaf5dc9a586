"""Faults found by practising the end of a meeting as a job seeker: each driven through the
real contact, from the lobby to the goodbye."""

from __future__ import annotations

from datetime import timedelta

from flows.coaching import score_session
from flows.engine import Engine
from tests.conftest import T0

_ENGINE = Engine()


def test_anything_youd_suggest_i_work_on_asks_for_the_weaknesses() -> None:
    """Practising with Femi: right after his feedback, "Anything you'd suggest I work on?"
    got his advice for newcomers, and the scorecard said the user never asked about their
    strengths and weaknesses. ("What should I work on?" was always heard.)"""
    session, _ = _ENGINE.start("femi", now=T0, seed=2, minutes=20)
    now = T0
    for text, wait in [
        ("Hi, I'm here to meet Femi. I'm a bit early, I've got my notebook and my questions.", 0),
        ("Hi Femi, I'm Jordan. I've been a primary school teacher for 6 years.", 1),
        ("How did you make the move from teaching?", 1),
        ("What do junior UX designers earn in London?", 1),
        ("I know we said twenty minutes, so I don't want to keep you.", 17),
        ("No, that's fine, I'll let you get on. Before I go, how did I come across?", 1),
    ]:
        now += timedelta(minutes=wait)
        _ENGINE.message(session, text, now)
    before = len(session.turns)
    _ENGINE.message(session, "Anything you'd suggest I work on?", now + timedelta(seconds=30))
    said = [t.kind for t in session.turns[before:] if t.speaker == "contact"]
    assert "strengths" in said, said
    assert score_session(session).item("goodbye.strengths").status == "passed"


def test_what_to_focus_on_in_a_first_year_is_advice_not_the_weaknesses() -> None:
    """The same words about the first year in the new field ask for advice, and keep the
    meeting in the conversation."""
    session, _ = _ENGINE.start("helen", now=T0, seed=1, minutes=20)
    _ENGINE.message(session, "Hi, I'm ready.", T0)
    before = len(session.turns)
    question = "What would you recommend I focus on in my first year if I move into policy work?"
    _ENGINE.message(session, question, T0 + timedelta(minutes=1))
    said = [t.ref for t in session.turns[before:] if t.speaker == "contact"]
    assert said and said[0].startswith("advice."), said
    assert session.state == "converse", session.state


def test_a_weakness_already_told_is_referred_back_to_in_words_that_stand_alone() -> None:
    """Asked for strengths and weaknesses right after the feedback, Helen said "To work on:
    Only what I said a moment ago." The point is not repeated word for word; the line now
    reads as a sentence of its own."""
    from flows.feedback import Observations, strengths_text

    weakness = "When I drifted off topic you steered straight back."
    said = f"You offered something useful. {weakness}"
    text = strengths_text(Observations(("You offered something useful.",), (weakness,)), said)
    to_work_on = text.split("To work on: ", 1)[1]
    assert weakness not in to_work_on
    assert to_work_on == "Only the point I made a moment ago; that one is worth the work."
