"""No line said twice in a meeting: a topic asked again goes on before it is used up and
then says so, names asked for again are recapped, a deferral is not reworded, and the next
practice prefers answers not heard before."""

from __future__ import annotations

import pytest

from flows.engine import Engine
from tests.marked_persona import ask, marked_persona, meet


@pytest.fixture(scope="module")
def marked() -> Engine:
    return Engine({"marked": marked_persona()})


def test_no_answer_is_repeated_and_a_used_up_topic_says_so(marked: Engine) -> None:
    session = meet(marked)
    first = ask(marked, session, "What's the pay like?")
    second = ask(marked, session, "and how does pay grow over time?")
    assert first != second and first[0].startswith("[pay.") and second[0].startswith("[pay.")
    # asked again: each answer goes on (its continuation) before the topic is used up
    for again in ("sorry, one more on salary: is it decent?", "and the pay later on?"):
        more = ask(marked, session, again)
        assert more[0].startswith("[pay.") and "+]" in more[0]
    third = ask(marked, session, "what about bonuses on top of pay?")
    assert third[0].startswith("[used up]")
    for again in ("pay, once more?", "what about pay then?", "and pay?"):
        ask(marked, session, again)  # every "that's all on pay" said: "that's the whole story"
    # Still pay (a blind author's meeting asked one topic five times): the floor goes back
    # to the user rather than a line said already.
    for again in ("pay?? lol", "ok but really, the pay?"):
        assert ask(marked, session, again)[0].startswith("[go ahead]")
    said = [t.text for t in session.turns if t.speaker == "contact"]
    assert len(said) == len(set(said)), said


def test_the_next_practice_prefers_answers_not_heard_before(marked: Engine) -> None:
    for seed in range(6):
        session = meet(marked, seed=seed, heard=frozenset({"pay.0"}))
        [reply] = ask(marked, session, "What's the pay like?")
        assert reply.startswith("[pay.1]")


def test_asking_for_names_twice_does_not_repeat_the_whole_reply(marked: Engine) -> None:
    session = meet(marked)
    first = ask(marked, session, "Could you suggest two or three people I should talk to?")
    second = ask(marked, session, "Sorry, who were the people you'd suggest again?")
    people = [r.name for r in marked_persona().referrals]
    assert len(first) == 1 + len(people)  # the intro, then one message per person
    [recap] = second  # a short recap of the same names, not the whole story twice
    assert all(name in recap for name in people) and recap not in first
    assert len(recap.split()) < len(" ".join(first).split()) / 2


def test_a_topic_asked_again_goes_on_before_it_is_used_up(marked: Engine) -> None:
    session = meet(marked)
    [first] = ask(marked, session, "Would a criminal record rule me out?")
    [again] = ask(marked, session, "And would it show up on a background check?")
    assert first.startswith("[record.0]") and again.startswith("[record.0+]")
    [third] = ask(marked, session, "Do you run police checks on everyone?")
    assert third.startswith("[used up]")


def test_a_deferral_is_not_said_twice_with_other_words_in_it(marked: Engine) -> None:
    """ "Oh, {asked} deserves the full pitch..." was said twice in one meeting, once about the
    office building and once about purpose-driven brands: each filling looked new."""
    session = meet(marked)
    [first] = ask(marked, session, "What's your star sign?")
    [second] = ask(marked, session, "What do you make of the new stadium?")
    assert first.startswith("[unknown]") and second.startswith("[unknown]")
    assert first.split("?")[1:] != second.split("?")[1:] and (
        ("Can't say" in first) != ("Can't say" in second)
    ), (first, second)
