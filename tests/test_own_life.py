"""Asking on about the contact's own life, as people do once they hear it: "Oh, you sing?
Where do you perform?" got "that's not something I can usefully help you with today", and
"tell me more" only their other line of the kind. Each line of their life now has what
comes next (``personal_more``); a question about the work right after it is answered as
itself."""

from __future__ import annotations

import pytest

from flows.engine import Engine
from flows.session import Turn
from tests.real_contacts import replies_in_turn

_ENGINE = Engine()
CONTACTS = sorted(_ENGINE.personas)


def _meeting(persona: str, *questions: str) -> list[Turn]:
    """The contact's first line after each question, asked in turn in one meeting."""
    return [said[0] for said in replies_in_turn(persona, *questions, seed=3)]


@pytest.mark.parametrize("persona", CONTACTS)
def test_a_question_about_where_they_grew_up_hears_more_of_it(persona: str) -> None:
    home, more = _meeting(persona, "Where are you from originally?", "Do you get back there much?")
    p = _ENGINE.personas[persona]
    assert home.text == p.personal["where_from"][0], home.text
    assert (more.text, more.ref) == (p.personal_more["where_from"][0], "personal.where_from+")


@pytest.mark.parametrize(
    ("persona", "follow_up"),
    [
        ("helen", "Oh lovely, where do you perform?"),
        ("ines", "Ha, how long have you been surfing?"),
        ("ray", "Nice. What's the biggest trout you've landed?"),
        ("conor", "what position do u play"),
        ("freja", "1.8 degrees?! How long do you stay in?"),
    ],
)
def test_a_question_about_their_pastime_hears_more_of_it(persona: str, follow_up: str) -> None:
    """The first pastime line, then a question that picks it up: its continuation, not an
    "I can't speak to that" or the answer on the hours and stress."""
    p = _ENGINE.personas[persona]
    first, more = _meeting(persona, "Do you have any hobbies?", follow_up)
    index = p.personal["pastime"].index(first.text)
    assert more.text == p.personal_more["pastime"][index], (first.text, more.text)


@pytest.mark.parametrize("persona", CONTACTS)
@pytest.mark.parametrize(
    "question",
    [
        "Ha, lovely. So what does a typical day look like for you?",
        "Nice! How did you get into this field?",
    ],
)
def test_a_work_question_right_after_their_life_is_answered_as_itself(
    persona: str, question: str
) -> None:
    _, answer = _meeting(persona, "Where are you from originally?", question)
    assert not answer.kind.startswith("personal"), (answer.kind, answer.text)
    assert answer.kind in ("answer", "tangent"), (answer.kind, answer.text)


def test_their_word_on_the_users_answer_follows_the_continuation_too() -> None:
    """After what comes next, "I grew up by the sea too." hears Dana's word on it, not
    "Okay, over to you"."""
    p = _ENGINE.personas["dana"]
    _, more, heard = _meeting(
        "dana", "Where are you from originally?", "tell me more", "I grew up by a lake too."
    )
    assert more.text == p.personal_more["where_from"][0]
    assert heard.text == p.personal_heard["where_from"][0], heard.text


@pytest.mark.parametrize(
    ("persona", "question"),
    [("helen", "Any sports?"), ("dana", "are you sporty at all?"), ("greg", "u into gaming?")],
)
def test_a_kind_of_pastime_they_lack_hears_a_no(persona: str, question: str) -> None:
    [said] = _meeting(persona, question)
    assert said.ref == "personal.pastime_not_mine", (said.kind, said.text)


@pytest.mark.parametrize(
    ("persona", "question", "words"),
    [("ines", "Any sports?", "Surf"), ("carys", "Do you play anything, an instrument?", None)],
)
def test_a_kind_of_pastime_they_have_hears_their_line_on_it(
    persona: str, question: str, words: str | None
) -> None:
    [said] = _meeting(persona, question)
    if words is None:
        assert said.ref == "personal.pastime_not_mine", said.text
    else:
        assert said.ref == "personal.pastime" and words in said.text, said.text
