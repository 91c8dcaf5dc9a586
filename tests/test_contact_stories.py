"""The contact's own stories and road in: a story goes on only straight after it, a
reaction hears the rest and then how it ended, and their own past asked about gets their
story."""

from __future__ import annotations

import re

import pytest

from flows.engine import Engine
from flows.specifics import SPEC
from tests.marked_persona import ask, marked_persona, meet
from tests.real_contacts import _REAL, _asked_in_turn


@pytest.fixture(scope="module")
def marked() -> Engine:
    return Engine({"marked": marked_persona()})


def test_a_story_goes_on_only_straight_after_it(marked: Engine) -> None:
    """A story's continuation picks it up mid-telling: "tell me more" right after it gets
    it, but "any other stories?" later, once the stories are told, gets the contact's
    "that's all", not the middle of a story told a while ago (another topic goes on)."""
    session = meet(marked)
    [first] = ask(marked, session, "Have you ever had a close call at work?")
    [more] = ask(marked, session, "tell me more")
    assert first.startswith("[stories.0]") and more.startswith("[stories.0+]")
    session = meet(marked)
    ask(marked, session, "Have you ever had a close call at work?")
    ask(marked, session, "What's the pay like?")
    [again] = ask(marked, session, "any other crazy stories from the job?")
    assert again.startswith("[used up]"), again


@pytest.mark.parametrize(
    "reaction", ["oh wow, were you ok?", "did you get in trouble?", "was everyone alright?"]
)
def test_a_reaction_to_a_story_hears_the_rest_of_it(marked: Engine, reaction: str) -> None:
    """ "Oh wow, were you ok?" after a close call got "that's not something I can help you
    with", offering another topic, and the next "what happened next?" took that offer."""
    session = meet(marked)
    ask(marked, session, "What's the scariest thing that's happened to you at work?")
    [rest] = ask(marked, session, reaction)
    assert rest.startswith("[stories.0+]"), rest


@pytest.mark.parametrize(
    "reaction",
    [
        "oh no, were you ok?",
        "and did you get in trouble?",
        "how did your boss take it?",
        "omg was everyone alright??",
    ],
)
def test_a_reaction_to_a_whole_story_hears_how_it_ended(marked: Engine, reaction: str) -> None:
    """Once a story was told to its end, "were you ok?" got "I'd only be guessing", "and
    did you get in trouble?" the contact's road into the job (read as how they got in),
    and "how did your boss react?" a detail on whom they report to. A person knows how
    their own story ended: the contact says so, once, and then that it was all."""
    session = meet(marked)
    ask(marked, session, "Have you ever had a close call at work?")
    [rest] = ask(marked, session, "what happened then?")
    [ending] = ask(marked, session, reaction)
    [again] = ask(marked, session, "were you scared?")
    assert rest.startswith("[stories.0+]"), rest
    assert ending.startswith("[stories.0++]"), ending
    assert again.startswith("[nothing more]"), again
    [said] = [t for t in session.turns if t.speaker == "user" and t.text == reaction]
    assert "ask_start" not in said.acts


def test_a_reaction_away_from_a_story_is_not_its_ending(marked: Engine) -> None:
    """ "How did your boss take it?" after the pay answer is no reaction to a story."""
    session = meet(marked)
    ask(marked, session, "Have you ever had a close call at work?")
    ask(marked, session, "What's the pay like?")
    replies = ask(marked, session, "were you ok?")
    assert not any(r.startswith("[stories.") for r in replies), replies


@pytest.mark.parametrize(
    "question",
    [
        "You were a physics teacher, did that help you at all?",
        "Was the physics teacher to tech thing hard for you?",
        "What was teaching like?",  # past, so theirs ('what was the army like?' was deferred)
    ],
)
def test_a_question_about_the_contacts_own_road_in_gets_their_story(
    marked: Engine, question: str
) -> None:
    """'You came from procurement. Was that an advantage?' got 'beyond my competence' from
    a contact whose own story starts in procurement (persona own_path)."""
    session = meet(marked)
    [reply] = ask(marked, session, question)
    assert reply.startswith("[ask_start.")


_THEIR_PAST = {
    "anh": "What was the regional paper like?",
    "bernie": "What was retail like?",
    "carys": "What was being a lab technician like?",
    "conor": "What was bar work like?",
    "dana": "What was teaching like?",
    "femi": "What was the bootcamp like?",
    "freja": "What was procurement like?",
    "greg": "What was working in support like?",
    "helen": "What was being a paralegal like?",
    "ines": "What was the bootcamp like?",
    "marcus": "What was managing a store like?",
    "meiling": "What was hotel work like?",
    "naomi": "What was law school like?",
    "priya": "What was nursing school like?",
    "ray": "How was the army?",
    "samuel": "What was doing a PhD like?",
    "tomas": "What was being a teller like?",
}


@pytest.mark.parametrize(("persona", "question"), sorted(_THEIR_PAST.items()))
def test_the_contacts_own_past_asked_about_gets_their_story(persona: str, question: str) -> None:
    """'What was the army like?' (to the ex-Army electrician), 'What was law school like?'
    (to the lawyer who started at 31) and 'What was working in support like?' (to the
    ex-support PM) got deferrals or another topic's answer (location, culture, credentials)
    from every contact whose road in it was, but for nine. A step of the road the contact
    has a detail of its own for (the PGCE year, law school at 31) gets that detail."""
    [reply] = _asked_in_turn(persona, question)
    assert reply.ref.startswith(("ask_start.", f"{SPEC}.")), reply.ref
    if reply.ref.startswith(SPEC):  # a detail of that very step: its keys name it
        detail = _REAL.personas[persona].specifics[int(reply.ref.split(".")[1].rstrip("+"))]
        asking = {"what", "was", "like", "being", "doing", "how", "the", "working"}
        step = set(re.findall(r"[a-z]{3,}", question.lower())) - asking
        assert step & set(re.findall(r"[a-z]{3,}", " ".join(detail.keys).lower())), detail.keys


@pytest.mark.parametrize("persona", sorted(Engine().personas))
def test_every_contact_tells_stories_of_their_own(persona: str) -> None:
    """Asked whether they were ever hurt, and for the funniest thing that happened at work,
    every contact tells a story of their own (a close call or a detail of theirs for the
    first, the funny one for the second) instead of "that's beyond my lab bench"."""
    hurt, funny = (
        t.ref
        for t in _asked_in_turn(
            persona,
            "Have you ever been hurt on the job?",
            "What's the funniest thing that's happened at work?",
        )
    )
    assert hurt == "stories.0" or hurt.startswith("spec."), hurt
    assert funny == "stories.1", funny


@pytest.mark.parametrize("persona", sorted(Engine().personas))
def test_every_contact_says_how_their_story_ended(persona: str) -> None:
    """Told to its end, a story met "oh no, were you ok?" with "I'd only be guessing" from
    every contact. Each now says how it ended for them, once, in their own words."""
    story, rest, ending, again = _asked_in_turn(
        persona,
        "What's the funniest thing that's happened at work?",
        "what happened then?",
        "oh no, were you ok?",
        "and did you get in trouble?",
    )
    assert [story.ref, rest.ref] == ["stories.1", "stories.1+"]
    assert ending.ref == "stories.1++", (ending.kind, ending.text)
    assert ending.text == _REAL.personas[persona].topics["stories"][1].after
    assert again.kind == "nothing_more", again.text
