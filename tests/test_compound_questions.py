"""Several questions in one message: each answered, in order, and the rest deferred; a
part that asks about what the message just named is not answered twice."""

from __future__ import annotations

import pytest

from flows.engine import Engine
from tests.marked_persona import ask, marked_persona, meet


@pytest.fixture(scope="module")
def marked() -> Engine:
    return Engine({"marked": marked_persona()})


def test_compound_questions_are_answered_in_order_and_the_rest_deferred(marked: Engine) -> None:
    session = meet(marked)
    replies = ask(marked, session, "How did you start, and what do you like least?")
    assert [r.split(".")[0] for r in replies] == ["[ask_start", "[least"]
    replies = ask(marked, session, "what's the pay like, do you work weekends, and is AI a threat?")
    assert [r.split(".")[0] for r in replies[:2]] == ["[pay", "[balance"]
    assert replies[2].startswith("[rest]")


@pytest.mark.parametrize(
    "question",
    ["What do you like most and least about being a partner?", "best and worst parts?"],
)
def test_the_best_and_the_least_asked_together_are_both_answered(
    marked: Engine, question: str
) -> None:
    """'What do you like most and least about being a partner?' got only the least part."""
    replies = ask(marked, meet(marked), question)
    assert [r.split(".")[0] for r in replies] == ["[best", "[least"]


@pytest.mark.parametrize(
    "question",
    [
        "Could you look at my résumé sometime? What's weakest on it?",
        "would you mind looking at my CV? what would you change about it?",
    ],
)
def test_a_question_about_the_resume_just_asked_about_is_the_resume_answer(
    marked: Engine, question: str
) -> None:
    """ "What's weakest on it?" after a résumé request was answered as the hardest part of
    the job, a second answer nobody asked for."""
    replies = ask(marked, meet(marked), question)
    assert [r.split(".")[0] for r in replies] == ["[ask_resume"], replies


def test_a_second_question_of_its_own_after_the_resume_is_still_answered(marked: Engine) -> None:
    replies = ask(marked, meet(marked), "Could you look at my CV? And what's the pay like?")
    assert [r.split(".")[0] for r in replies] == ["[ask_resume", "[pay"], replies


def test_two_circumstances_in_one_question_are_both_answered(marked: Engine) -> None:
    """'Is there any place in an ad agency for a 58-year-old part-timer?' got the age answer
    only."""
    session = meet(marked)
    replies = ask(marked, session, "Is there any place in an agency for a 58-year-old part-timer?")
    assert [r.split(".")[0] for r in replies[:2]] == ["[later_start", "[part_time"]
