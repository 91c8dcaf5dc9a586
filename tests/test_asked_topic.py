"""A question gets the topic it asks, whatever story, background or wording comes with
it; a term of the contact's own field is explained (driven through the engine as a user
would, mostly with a contact whose answers are marked)."""

from __future__ import annotations

import pytest

from flows.engine import Engine
from tests.conftest import T0
from tests.marked_persona import ask, marked_persona, meet


@pytest.fixture(scope="module")
def marked() -> Engine:
    return Engine({"marked": marked_persona()})


@pytest.mark.parametrize(
    ("question", "marker"),
    [
        ("What's a typical shift like?", "[typical_day."),
        ("What's the pay like for new grads?", "[pay."),
        ("Do I need a master's degree?", "[credentials."),
        ("What's the office culture like?", "[culture."),
        ("how do people get promoted?", "[progression."),
        ("What do you like least about it?", "[least."),
        ("what's the best part of the job?", "[best."),
        ("How did you get started?", "[ask_start."),
        ("Is AI going to replace this job?", "[ai."),
        ("What would you do differently if you started today?", "[differently."),
        ("Have you ever been hurt on the job?", "[stories."),
        ("what's the funniest thing that's happened at work?", "[stories."),
        ("Any tips for my interview?", "[hiring."),
        ("What about APM programs?", "[entry."),
        ("Is a rotational program worth applying to?", "[entry."),
        ("are associate PM programs worth it?", "[entry."),  # (firm: not the PMP)
        ("r APM programmes worth doing", "[entry."),
        ("is a PMP worth it?", "[credentials."),
        ("how did you get into the APM program?", "[ask_start."),  # their own road in
        ("do nurses get to specialise later on or are you stuck on one ward?", "[progression."),
        ("can you specialize later?", "[progression."),
        ("is it easy to switch between departments?", "[progression."),
        ("honestly how do you deal with patients dying", "[hardest."),  # (firm)
        ("how do you cope when a patient dies?", "[hardest."),
        ("how do you deal with difficult patients?", "[difficult_people."),
        ("any programs for veterans?", "[entry."),  # (firm: not software programs)
        ("I was in the army for 4 years, any programs for veterans?", "[entry."),
        ("could someone like me with kitchen experience do ok", "[ask_fit."),
        ("think i could hack it?", "[ask_fit."),
        ("What would you look for if you were hiring someone like me?", "[hiring."),
        ("Do you ever feel like your work doesn't change anything?", "[least."),
        ("do you ever feel your reports don't get read?", "[least."),
        ("night shifts how bad", "[balance."),  # (texted: no question mark, "how" last)
        ("the pay how much lol", "[pay."),
        ("is it worth it tho", "[ask_likes."),  # the job just talked about, not a degree
        ("is a masters worth it?", "[credentials."),
        ("How did you make the switch?", "[ask_start."),
        ("how did u make the move", "[ask_start."),
        ("What I should put on my CV instead of publications?", "[ask_resume."),
    ],
)
def test_each_question_gets_its_own_answer(marked: Engine, question: str, marker: str) -> None:
    replies = ask(marked, meet(marked), question)
    assert len(replies) == 1 and replies[0].startswith(marker), replies


@pytest.mark.parametrize(
    ("question", "marker"),
    [
        (
            "My sister volunteers at the hospice on weekends, which is how I heard about "
            "this work. What do you find hardest about it?",
            "[hardest.",
        ),
        (
            "I used to work night shifts at a warehouse, so long hours don't scare me. "
            "What software do you use most?",
            "[tools.",
        ),
        (  # the act head also reads ask_qualifications here, with no wording to point at
            "Everyone on my course says you need a master's, which I can't afford right "
            "now. What does a typical week involve for you?",
            "[typical_day.",
        ),
    ],
)
def test_the_story_before_a_question_is_not_asked_about(
    marked: Engine, question: str, marker: str
) -> None:
    """Context mentions things (volunteering, long hours, a master's); only the question
    is answered, not a second answer about what was merely mentioned."""
    replies = ask(marked, meet(marked), question)
    assert len(replies) == 1 and replies[0].startswith(marker), replies


@pytest.mark.parametrize(
    ("question", "marker"),
    [
        (
            "Looking back, what would you have done differently at the very start of your career?",
            "[differently.",
        ),
        ("whats the usual first job in data?", "[entry."),
        ("first job in this field?", "[entry."),
        (
            "Would volunteering at a charity shop count as experience for retail management?",
            "[side_projects.",
        ),
    ],
)
def test_a_classic_question_read_only_by_the_model_does_not_hide_the_topic(
    marked: Engine, question: str, marker: str
) -> None:
    """The act head reads ask_start or ask_fit in these, with no rule wording to point at;
    the topic found in the question is answered, not an "I can't speak to that"."""
    replies = ask(marked, meet(marked), question)
    assert len(replies) == 1 and replies[0].startswith(marker), replies


@pytest.mark.parametrize(
    ("question", "marker"),
    [
        ("whats ur proudest moment as a nurse", "[proudest."),
        ("what should i be focusing on right now if i want to become an electrician", "[advice."),
        (
            "Your company, what it does exactly? I read website but I not understand.",
            "[organisation.",
        ),
    ],
)
def test_a_topic_question_is_answered_whatever_else_it_says(
    marked: Engine, question: str, marker: str
) -> None:
    """Neither the acknowledgement of news about the user nor the plain rephrasing may take
    a question that asks a topic (a first version of each did, on training authors)."""
    session = meet(marked)
    ask(marked, session, "What's a typical shift like?")
    [reply] = ask(marked, session, question)
    assert marker in reply, reply


def test_a_concept_of_the_contacts_own_field_is_explained(marked: Engine) -> None:
    """Rehearsing users asked a credit risk manager about the five Cs and a nurse manager
    about RPN versus RN and were told 'I'd only be guessing'. A term of the contact's field
    (persona field_terms) is explained, goes on when asked, and beats the nearest topic when
    the question asks what it is; a topic question that only mentions it stays the topic."""
    terms = marked_persona().field_terms
    debt = next(t for t in terms if "technical debt" in t.terms)
    session = meet(marked)
    assert ask(marked, session, "wait, what exactly is technical debt?") == [debt.say]
    assert ask(marked, session, "tell me more") == [debt.more]
    on_call = next(t for t in terms if "on call" in t.terms)
    assert ask(marked, session, "what does on-call mean in practice?") == [on_call.say]
    [hours] = ask(marked, session, "how many hours do you work, with the on-call?")
    assert hours.startswith("[balance.")


@pytest.mark.parametrize(
    ("persona", "question", "term"),
    [
        ("tomas", "what is a debt service coverage ratio?", "dscr"),
        ("tomas", "what are the five Cs?", "five cs"),
        ("priya", "whats the difference between an RPN and an RN?", "rpn"),
        ("femi", "what's the difference between UX and UI?", "ux vs ui"),
        ("freja", "are diesel forklifts scope 1?", "scope 1"),
    ],
)
def test_every_contact_explains_the_core_concepts_of_their_field(
    persona: str, question: str, term: str
) -> None:
    engine = Engine()
    session, _ = engine.start(persona, now=T0, seed=2, minutes=20)
    engine.message(session, "Hi, I'm ready to go in.", T0)
    [reply] = ask(engine, session, question)
    explained = next(t for t in engine.personas[persona].field_terms if term in t.terms)
    assert reply == explained.say


def test_a_question_about_english_as_a_second_language_is_about_coming_from_abroad(
    marked: Engine,
) -> None:
    session = meet(marked)
    replies = ask(
        marked, session, "Is it hard to work here when English isn't your first language?"
    )
    assert replies[0].startswith("[from_abroad.")


@pytest.mark.parametrize(
    "question",
    [
        "How do you handle behaviour with a year 9 class that just won't settle?",
        "How do you handle a client who hates the work?",
    ],
)
def test_how_do_you_handle_something_is_not_the_hours_answer(marked: Engine, question: str) -> None:
    """'How do you handle X?' was the hours-and-stress question whatever X was: a rehearsing
    user asking about a Year 9 class got 'The first year is the heaviest...'."""
    session = meet(marked)
    [reply] = ask(marked, session, question)
    assert not reply.startswith("[balance.")
    [stress] = ask(marked, session, "how do you handle the stress?")
    assert stress.startswith("[balance.")


@pytest.mark.parametrize(
    ("question", "marker"),
    [
        ("Is the licensing exam hard for someone from the Philippines?", "[from_abroad."),
        ("Do I need Danish to work here?", "[from_abroad."),
        ("how many hours til I can get my journeyman license?", "[credentials."),
    ],
)
def test_the_qualifier_a_question_turns_on_is_answered(
    marked: Engine, question: str, marker: str
) -> None:
    """From a fresh rehearsal: 'Is the NCLEX hard for someone from the Philippines?' got the
    degrees answer, 'Do I need Danish?' where the field is heading, and the hours towards a
    licence the hours worked."""
    session = meet(marked)
    assert ask(marked, session, question)[0].startswith(marker)


@pytest.mark.parametrize("seed", range(6))
def test_the_answer_that_speaks_to_the_askers_words_is_chosen(seed: int) -> None:
    """'What does a credit analyst earn starting out?' got the credit manager's answer about
    senior pay: 'starting' and 'starts' did not meet, so two pay answers tied on 'credit
    analyst' and one was drawn at random."""
    engine = Engine()
    session, _ = engine.start("tomas", now=T0, seed=seed, minutes=20)
    engine.message(session, "Hi Tomás, I'm ready.", T0)
    engine.message(session, "What does a credit analyst earn starting out?", T0)
    assert session.turns[-1].ref == "pay.0"
