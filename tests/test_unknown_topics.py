"""A question no topic covers: named in the asker's words, declined or honestly deferred
(in the contact's own field, where to get a proper answer), the offered topic taken on a
yes; a courtesy or a plain "ready" is no such question."""

from __future__ import annotations

import re

import pytest

from flows.asked import gist
from flows.engine import Engine
from tests.conftest import T0
from tests.marked_persona import ask, marked_persona, meet
from tests.real_contacts import _asked_in_turn


@pytest.fixture(scope="module")
def marked() -> Engine:
    return Engine({"marked": marked_persona()})


def test_a_question_no_topic_covers_is_named_not_answered_with_something_else(
    marked: Engine,
) -> None:
    session = meet(marked)
    [reply] = ask(marked, session, "What is a good star sign for nurses?")
    assert reply.startswith("[unknown]") and "a good star sign for nurses" in reply
    assert session.state == "converse"


def test_saying_yes_to_the_offer_gets_that_topic(marked: Engine) -> None:
    session = meet(marked)
    ask(marked, session, "What is a good star sign for nurses?")
    offered = session.turns[-1].ref.removeprefix("offer>")
    [reply] = ask(marked, session, "sure, go on")
    assert reply.startswith(f"[{offered}.")


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("What's your favourite band?", "my favourite band"),
        # (the thing, not the tail that asks about it: "Bring ammonia as fuel, is it
        # realistic to our next conversation")
        ("What do you think about ammonia as fuel, is it realistic?", "ammonia as fuel"),
        ("whats ur star sign", "my star sign"),
        ("What about the parking?", "the parking"),
        ("are there many unions in your field?", "unions in my field"),
        ("how big is your garden?", "my garden"),
        ("how does the Ontario Labour Relations Act work?", "the Ontario Labour Relations Act"),
        ("Have you read Dune?", "Dune"),
        ("How does a heat pump actually work?", "a heat pump"),
        ("how are you?", "that one"),
        ("is there anything else?", "that one"),
        # "You've found the empty shelf: the best lesson u ever taught" (texting echoed back)
        ("whats the best lesson u ever taught", "the best lesson I ever taught"),
        ("wats ur take on phones in classrooms", "my take on phones in classrooms"),
        # a how-to question was "that one" ("Can we park that one in the backlog?")
        ("how do i fix a merge conflict in git", "how to fix a merge conflict in git"),
        ("How do you price a loan for a small bakery?", "how to price a loan for a small bakery"),
        ("how can I learn SQL fast", "how to learn SQL fast"),
        ("how do you deal with stress", "that one"),  # (about the contact: a topic's)
        # "Ha, me working on right now is outside anything I can speak to"
        ("What are you working on right now?", "what I'm working on right now"),
        ("what r u reading at the moment", "what I'm reading at the moment"),
        ("What were you doing before this?", "what I was doing before this"),
        ("What are they like to work with?", "that one"),
    ],
)
def test_a_question_no_topic_covers_is_named_in_the_askers_words(question: str, named: str) -> None:
    assert gist(question) == named


_IGNORANT = ("guess", "don't know", "outside my", "no idea", "stumped", "wrong person", "not sure")


@pytest.mark.parametrize(
    ("persona", "question", "named", "in_field"),
    [
        ("marcus", "can you explain what is brand strategy?", "brand strategy", True),
        ("marcus", "whats ur star sign", "my star sign", False),
        ("naomi", "What's your favourite film?", "my favourite film", False),
        # "nurses" is in many contacts' answers, and it is the nurse manager's own field
        ("priya", "whats ur take on agency nurses, r they a problem", "agency nurses", True),
    ],
)
def test_a_question_in_the_contacts_own_field_is_deferred_not_professed_ignorance(
    persona: str, question: str, named: str, in_field: bool
) -> None:
    """Reviewers asked a brand director what brand strategy is, and heard "I don't know
    enough about that one". A question of the contact's own field that no topic covers is
    named and honestly deferred (where to get a proper answer, and what they can go into
    now); one outside it (a star sign) is still declined."""
    engine = Engine()
    session, _ = engine.start(persona, now=T0, seed=2, minutes=20)
    engine.message(session, "Hi, I'm ready to go in.", T0)
    [reply] = ask(engine, session, question)
    p = engine.personas[persona]
    turn = [t for t in session.turns if t.speaker == "contact"][-1]
    assert turn.kind == "unknown_topic"
    assert named.lower() in reply.lower()
    lines = p.unknown_in_field if in_field else p.unknown_topic
    shapes = [
        re.compile(re.escape(line).replace(r"\{asked\}", ".+").replace(r"\{offer\}", ".+"), re.I)
        for line in lines
    ]
    assert any(shape.fullmatch(reply) for shape in shapes), reply
    if in_field:
        assert not any(word in reply.lower() for word in _IGNORANT), reply


def test_and_what_about_a_case_the_contact_has_no_answer_for_is_not_answered_off_topic() -> None:
    """ "and nurses?" after the lawyer's pay answer: none of her pay answers is about nurses,
    so she says so rather than giving another pay figure as if it were theirs; "and you?"
    is a question back, never the last topic again."""
    _, nurses = _asked_in_turn("naomi", "What do paralegals earn starting out?", "and nurses?")
    assert nurses.kind == "unknown_topic"
    _, back = _asked_in_turn("naomi", "What do paralegals earn starting out?", "and you?")
    assert not back.ref.startswith("pay.")


@pytest.mark.parametrize(
    "courtesy",
    ["Thank you for receive me today, is a pleasure.", "is a pleasure to meet you. Thank you"],
)
def test_a_courtesy_in_second_language_english_is_not_a_question(courtesy: str) -> None:
    """ "is a pleasure to meet you. Thank you for receive me" got "that one needs more care
    than this meeting allows": the clause "is a pleasure" was taken for a question."""
    [reply] = _asked_in_turn("naomi", courtesy)
    assert reply.kind != "unknown_topic", reply.text


def test_and_in_a_place_the_contact_has_no_answer_for_is_named_not_made_a_big_question() -> None:
    """ "And in Houston?" right after Mei Ling's Singapore pay bands got "keep it for our next
    meeting and I will prepare as I would for a VIP arrival" (an in-field deferral, for a
    four-word follow-up). She says plainly she can't speak to Houston."""
    p = Engine().personas["meiling"]
    _, houston = _asked_in_turn("meiling", "What's the pay like?", "And in Houston?")
    assert houston.kind == "unknown_topic" and "Houston" in houston.text
    in_field = [
        re.compile(re.escape(line).replace(r"\{asked\}", ".+").replace(r"\{offer\}", ".+"), re.I)
        for line in p.unknown_in_field
    ]
    assert not any(shape.fullmatch(houston.text) for shape in in_field), houston.text


def test_ready_please_hands_the_floor_back() -> None:
    """ "Ready, please." right after Mei Ling's greeting got "that one lies outside my
    knowledge": the "please" made it look like a question."""
    [reply] = _asked_in_turn("meiling", "Ready, please.")
    assert reply.kind == "go_ahead", reply.text


def test_a_question_read_as_tell_me_more_with_nothing_to_go_on_is_still_asked() -> None:
    """With nothing said yet to go on with, a question of its own that the reader also
    took for "tell me more" is answered as a question (here, one no topic covers: named,
    not "Good. Your question?"); "tell me more" alone still hands the floor back."""
    [said] = _asked_in_turn("dana", "how do you convince the CFO")
    assert said.kind == "unknown_topic", (said.kind, said.ref)
    [more] = _asked_in_turn("dana", "tell me more")
    assert more.kind != "unknown_topic", (more.kind, more.ref)
