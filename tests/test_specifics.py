"""A question about a detail of the contact's own work gets that detail, not the nearest
topic: "How many cold calls do you make a day?" was answered with the typical day, "What's
the commission split?" with the contact's customers, "What do you say in the first ten
seconds of a cold call?" with "that one isn't my area at all" (a sales rep's own craft)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flows.engine import Engine
from flows.persona import Specific, load_personas
from flows.persona_check import problems_of
from flows.specifics import key_words, named_specifics
from tests.eval.listening import Question, on_topic
from tests.eval.specifics import StaleIndex, phrasings, routes
from tests.marked_persona import ask, marked_persona, meet


@pytest.fixture(scope="module")
def marked() -> Engine:
    return Engine({"marked": marked_persona()})


def test_a_named_detail_is_answered_then_continued_then_not_repeated(marked: Engine) -> None:
    session = meet(marked)
    assert ask(marked, session, "How often do you deploy per week?") == ["[spec.0] a detail"]
    assert ask(marked, session, "tell me more") == ["[spec.0+]"]
    [again] = ask(marked, session, "and how many releases a day?")
    assert not again.startswith("[spec.0")  # told in full: the question is read as usual


def test_asked_again_straight_away_goes_on_with_the_detail(marked: Engine) -> None:
    session = meet(marked)
    assert ask(marked, session, "what's in the take-home test?") == ["[spec.1] a detail"]
    assert ask(marked, session, "is the take home exercise timed?") == ["[spec.1+]"]


@pytest.mark.parametrize(
    ("question", "marker"),
    [
        ("What's a typical week like for you?", "[typical_day."),  # "week" alone is a topic's
        ("What's the pay like?", "[pay."),
        ("How did you get started?", "[ask_start."),
        ("What would you look for in my résumé for a take-home test?", "[ask_resume."),
        ("is 52 too old for a coding test?", "[later_start."),  # a qualifier stays
    ],
)
def test_broad_and_personal_questions_keep_their_answers(
    marked: Engine, question: str, marker: str
) -> None:
    session = meet(marked)
    [reply] = ask(marked, session, question)[:1]
    assert reply.startswith(marker), reply


@pytest.mark.parametrize(
    "question",
    [
        "How did you get started? And what's in the take-home test?",
        "How did you get started, and what was the worst outage you ever had?",
    ],
)
def test_of_two_questions_each_gets_its_own_answer(marked: Engine, question: str) -> None:
    """The question naming a detail gets it; the other keeps its answer, in the order asked."""
    session = meet(marked)
    replies = ask(marked, session, question)
    assert [r.split(".")[0] for r in replies] == ["[ask_start", "[spec"]


def test_a_question_stopping_on_the_last_answer_goes_on_with_it(marked: Engine) -> None:
    """ "wait, how long did that take?" stays with what was just said, even where its words
    name a detail; without the "wait", a "that" or "there" does not hide the detail named."""
    session = meet(marked)
    ask(marked, session, "What's the biggest outage you ever had?")
    [back] = ask(marked, session, "wait, how many deploys a day did that take?")
    assert back == "[spec.2+]"
    ask(marked, session, "What's a typical day like?")
    [detail] = ask(marked, session, "is there a take home test for juniors?")
    assert detail == "[spec.1] a detail"


def test_keys_match_word_starts_and_short_words_whole(marked: Engine) -> None:
    persona = marked_persona()
    assert named_specifics(persona, "how many releases per week?") == [0]
    assert named_specifics(persona, "do you use AI in code reviews?") == [3]
    assert named_specifics(persona, "do you aim for code reviews on everything?") == []
    assert named_specifics(persona, "whats in the takehome test") == []  # one word: not named
    assert named_specifics(persona, "whats in the take-home test") == [1]


def test_a_key_of_one_word_is_refused_by_the_check() -> None:
    persona = marked_persona()
    assert key_words("calls") == 1 and key_words("sales cycle|deal cycle") == 2
    spec = persona.specifics[0].model_copy(update={"keys": ["calls"]})
    broad = persona.model_copy(update={"specifics": [spec, *persona.specifics[1:]]})
    assert any(p.field == "specifics[0].keys[0]" for p in problems_of(broad, "marked.yaml"))


@pytest.mark.parametrize("persona_id", sorted(load_personas()))
def test_every_contact_answers_the_details_it_was_written_for(persona_id: str) -> None:
    """Each ``specifics[].asks`` question, asked early in a meeting, reaches its detail (the
    authoring tool ``python -m tests.eval.specifics`` prints the ones that don't)."""
    engine = Engine()
    missed = [f"{r.ask!r} -> {r.ref}" for r in routes(engine, persona_id) if not r.ok]
    assert not missed


def test_the_listening_evaluation_counts_a_detail_on_the_topics_its_asks_are_about(
    marked: Engine,
) -> None:
    """A team question answered with the team's make-up is on the organisation; the same
    detail given to a pay question is not on pay."""
    persona = marked_persona()
    team = {
        "keys": ["team + how many|how big"],
        "asks": ["How big is your team?", "how many on ur team"],
    }
    detailed = persona.model_copy(
        update={"specifics": [Specific(say="[spec.0] eleven of us", **team)]}
    )
    engine = Engine({"marked": detailed})
    session = meet(engine)
    ask(engine, session, "How big is your team?")
    replies = [t for t in session.turns if t.speaker == "contact"][-1:]
    assert replies[0].ref == "spec.0"
    assert on_topic(Question("How big is your team?", ("organisation",)), replies, detailed)
    assert not on_topic(Question("What's the pay like?", ("pay",)), replies, detailed)


@pytest.mark.parametrize("name", ["phrasings_dev", "phrasings_heldout"])
def test_phrasings_still_name_the_details_they_were_written_for(name: str) -> None:
    """The phrasings files name a detail by its position; reordering or rewriting a
    contact's ``specifics`` would make them silently measure another detail."""
    rows = list(phrasings(Path(__file__).parent / "data" / "specifics" / f"{name}.jsonl"))
    assert len(rows) == 408


def test_a_phrasing_of_a_moved_detail_is_reported_stale(tmp_path: Path) -> None:
    row = {
        "persona": "anh",
        "index": 1,
        "detail": "At the moment, about four a week: two",
        "text": "How many stories a week?",
    }
    stale = tmp_path / "phrasings.jsonl"
    stale.write_text(json.dumps(row) + "\n", encoding="utf-8")
    with pytest.raises(StaleIndex, match=r"anh specifics\[1\]"):
        list(phrasings(stale))
