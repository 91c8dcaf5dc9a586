"""Small talk that builds rapport, asked of the contact: where they are from, their family,
what they do for fun. Every contact brushed these off ("our time is short, and your
questions about science are the better use of it"); each now answers from their own life
in a line or two and hands the floor back."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from flows.engine import Engine
from flows.persona import PERSONA_DIR
from flows.persona_check import check_personas
from flows.session import Turn
from tests.conftest import T0
from tests.real_contacts import replies_in_turn

_ENGINE = Engine()
CONTACTS = sorted(_ENGINE.personas)


def _meeting(persona: str, *questions: str) -> list[Turn]:
    """The contact's first line after each question, asked in turn in one meeting."""
    return [said[0] for said in replies_in_turn(persona, *questions, seed=3)]


@pytest.mark.parametrize("persona", CONTACTS)
@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Where are you from originally?", "where_from"),
        ("do you have kids?", "family"),
        # (a second-language speaker got "that one lies outside my knowledge")
        ("You have children?", "family"),
        ("What do you do for fun?", "pastime"),
        # (it got Inês's answer on stress at work: "the stress comes from vague questions")
        ("What do you do to switch off at the weekend?", "pastime"),
        ("what do you get up to outside of work?", "pastime"),
    ],
)
def test_the_contact_answers_small_talk_from_their_own_life(
    persona: str, question: str, kind: str
) -> None:
    [said] = _meeting(persona, question)
    assert said.kind == "personal", (said.kind, said.text)
    assert said.text in _ENGINE.personas[persona].personal[kind]  # type: ignore[index]


def test_asked_again_the_contact_says_something_new_then_hands_the_floor_back() -> None:
    first, second, third = _meeting(
        "samuel", "Where are you from?", "so where did you grow up?", "where are you from again?"
    )
    assert first.kind == second.kind == "personal"
    assert first.text != second.text
    assert third.kind == "personal_aside"  # (no line said twice in a meeting)


def test_other_personal_questions_still_get_the_warm_aside() -> None:
    [said] = _meeting("dana", "is that your dog in the photo?")
    assert said.kind == "personal_aside", said.kind


def test_every_contact_has_two_lines_of_each_kind(tmp_path: Path) -> None:
    raw = yaml.safe_load((PERSONA_DIR / "dana.yaml").read_text(encoding="utf-8"))
    raw["personal"]["family"] = raw["personal"]["family"][:1]
    del raw["personal"]["pastime"]
    (tmp_path / "dana.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    problems = {(p.field, p.message) for p in check_personas(tmp_path)}
    assert problems == {
        ("personal.family", "needs at least two variants"),
        ("personal.pastime", "needs at least two variants"),
    }


def test_where_they_grew_up_is_not_how_they_got_started() -> None:
    """ "Where did you grow up?" got the small-talk line and then the whole road into the
    job: the learned reader alone read it as the classic "how did you get started"."""
    session, _ = _ENGINE.start("bernie", now=T0, seed=3, minutes=30)
    _ENGINE.message(session, "Hi, I'm ready.", T0)
    before = len(session.turns)
    _ENGINE.message(session, "Where did you grow up?", T0)
    said = [t for t in session.turns[before:] if t.speaker == "contact"]
    assert [t.kind for t in said] == ["personal"], [(t.kind, t.ref) for t in said]


def test_a_question_about_pets_hears_about_the_pet() -> None:
    """ "do you have any pets?" got "No kids. My partner, Jo, is an ER nurse..." when the
    contact's other family line is about her greyhound."""
    [said] = _meeting("dana", "do you have any pets?")
    assert "greyhound" in said.text, said.text


@pytest.mark.parametrize("persona", CONTACTS)
def test_where_they_are_from_originally_is_where_they_grew_up(persona: str) -> None:
    """ "where are you from originally?" got Inês's second line, on moving to Lisbon at
    twenty-one, not Viseu, where she grew up."""
    [said] = _meeting(persona, "Before we dive in - where are you from originally?")
    assert said.text == _ENGINE.personas[persona].personal["where_from"][0], said.text


def test_tell_me_more_after_small_talk_hears_the_other_line() -> None:
    """ "tell me more" after Dana's home town got "Honestly, that story ends there": she
    has a second line, on where she lives now."""
    _, origin, more, again = _meeting(
        "dana",
        "How did you get started?",
        "Where are you from originally?",
        "oh cool, tell me more",
        "tell me more",
    )
    lines = _ENGINE.personas["dana"].personal["where_from"]
    assert (origin.text, more.text) == (lines[0], lines[1])
    assert again.kind == "nothing_more", again.kind
