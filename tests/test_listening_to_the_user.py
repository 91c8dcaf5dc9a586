"""What the user says of themselves: news and introductions acknowledged, not answered;
their name and background remembered (greeting, fit, referrals); questions about their own
case and circumstances answered as such; the feedback true to what they said."""

from __future__ import annotations

import pytest

from flows.engine import Engine
from flows.facts import facts_of
from flows.feedback import Observations, observe
from flows.userfacts import user_facts
from tests.conftest import T0
from tests.marked_persona import ask, marked_persona, meet
from tests.real_contacts import _asked_in_turn


@pytest.fixture(scope="module")
def marked() -> Engine:
    return Engine({"marked": marked_persona()})


def test_the_contact_remembers_the_user(marked: Engine) -> None:
    session, _ = marked.start(
        "marked",
        now=T0,
        seed=5,
        minutes=6,
        scenario={"tangent": "no", "stay": "no", "referrals": "names"},
    )
    marked.message(session, "Hi! I'm Sam. I'm ready to go in.", T0)
    greeting = next(t.text for t in session.turns if t.kind == "greeting")
    assert "Sam" in greeting and greeting.startswith("[hello]")
    [ack] = ask(marked, session, "i'm a retail supervisor rn")
    assert ack.startswith("[ack]") and "a retail supervisor" in ack
    [fit] = ask(marked, session, "How would my background fit in your field?")
    assert fit.startswith("[fit for]") and "a retail supervisor" in fit
    intro, *listed, pointer = ask(marked, session, "Is there anyone else you'd suggest I talk to?")
    retail = marked_persona().referrals[1].name
    assert intro in marked_persona().referral_intro
    assert len(listed) == len(marked_persona().referrals)  # one message per person
    assert listed[0].startswith(retail)
    assert pointer in (f"[for you] Call {retail} first.", f"[for you] Start with {retail}.")


def test_the_names_come_one_message_each_and_short_enough_for_a_phone(marked: Engine) -> None:
    session = meet(marked, name="Sam")
    replies = ask(marked, session, "Could you suggest two or three people I should talk to?")
    people = marked_persona().referrals
    assert [r.name for r in people] == [
        next(r.name for r in people if line.startswith(r.name)) for line in replies[1:]
    ]
    assert all(len(line.split()) < 80 for line in replies)


def test_no_claim_of_a_similar_road_for_a_background_no_one_speaks_to(marked: Engine) -> None:
    """A referral who changed careers from elsewhere is suggested first, but the contact does
    not claim their road was like the user's."""
    session = meet(marked)
    ask(marked, session, "I was in the army for ten years.")
    replies = ask(marked, session, "Could you suggest two or three people I should talk to?")
    assert not any(line.startswith("[for you]") for line in replies)


def test_the_meeting_length_is_the_real_one(marked: Engine) -> None:
    session = meet(marked)
    greeting = next(t.text for t in session.turns if t.kind == "greeting")
    assert "6 minutes" in greeting


def test_news_about_the_user_is_acknowledged_not_answered_as_a_question(marked: Engine) -> None:
    """A reviewer answered the contact's opening question with "I'm Nina, I've been an
    accounts payable specialist for 9 years... and I'd love to move into product management"
    and heard "That one? No data on that, so no opinion"."""
    session = meet(marked)
    [reply] = ask(
        marked,
        session,
        "I'm Nina, I've been an accounts payable specialist for 9 years, and I'd love to "
        "move into product management.",
    )
    assert reply.startswith("[ack]") and "nine years as an accounts payable specialist" in reply
    [reply] = ask(marked, session, "I'd love to hear how you got started.")
    assert "[ask_start." in reply


@pytest.mark.parametrize(
    "question",
    [
        "What's the hardest part for someone coming from retail?",
        "what's the hardest part for someone like me?",
        "What mistakes do people make coming from a background like mine?",
        "what's the hardest part for a pharmacy tech moving into this?",
    ],
)
def test_a_question_about_the_askers_own_case_gets_how_their_background_fits(
    marked: Engine, question: str
) -> None:
    """ "The hardest part for someone coming from pharmacy/retail/the forces?" always got the
    hardest part of the contact's own job, in two reviewers' practices. (Advice for someone
    like me stays advice: TOPICS.md.)"""
    session = meet(marked)
    [reply] = ask(marked, session, question)
    assert "[ask_fit." in reply, reply
    [reply] = ask(marked, session, "What's the hardest part of your job?")
    assert "[hardest." in reply, reply


def test_the_feedback_speaks_of_the_users_background_and_says_nothing_untrue(
    marked: Engine,
) -> None:
    """The feedback used to quote the user's greeting back ('You told me about your
    background ("Hi Ines, thanks for meeting me! I'm Rui...")'), and told a user whose work
    the reader had not placed 'I never learned what you do now'."""
    session = meet(marked)
    ask(marked, session, "I've been a hairdresser for twelve years.")
    ask(marked, session, "How would someone like me fit in?")
    [feedback] = ask(marked, session, "How did I come across?")
    assert "twelve years as a hairdresser" in feedback and '("' not in feedback
    assert len(feedback.split()) < 80
    session = meet(marked)
    ask(marked, session, "I slept rough for two years, and now I work with a hostel team.")
    ask(marked, session, "What's the pay like?")
    ask(marked, session, "And the hours?")
    assert user_facts(session).background is None  # (the reader could not place it)
    weaknesses = observe(session, facts_of(session)).weaknesses
    assert weaknesses and not any("never learned what you do" in w for w in weaknesses)


@pytest.mark.parametrize(
    ("question", "marker"),
    [
        ("Honestly, is 44 too old to start in this field?", "[later_start."),
        ("do analysts ever work part time? like 25 hours a week?", "[part_time."),
        ("would a conviction from when I was 19 stop me?", "[record."),
        ("My engineering degree is from Lagos, will employers take it seriously?", "[from_abroad."),
        ("do law firms hire people who are on a graduate visa?", "[from_abroad."),
        ("Would I need a DBS check?", "[record."),
    ],
)
def test_a_question_about_the_users_own_circumstances_gets_that_answer(
    marked: Engine, question: str, marker: str
) -> None:
    """Rehearsing users' age, hours, record or visa were dropped: 'is 44 too old to get a
    first dev job?' got the degrees answer, 'do analysts work part time?' the hours."""
    session = meet(marked)
    replies = ask(marked, session, question)
    assert replies[0].startswith(marker), replies


def test_asking_about_part_time_work_is_not_asking_for_a_job(marked: Engine) -> None:
    session = meet(marked)
    [reply] = ask(marked, session, "do you have part-time roles? I have two kids")
    assert reply.startswith("[part_time.")
    assert "ask_job" not in session.turns[-2].acts


def test_a_question_about_ones_own_case_counts_as_asking_how_one_fits(marked: Engine) -> None:
    """The feedback told users who asked 'is 41 too late?' or 'can I do it part-time?' that
    they never asked how their own experience would fit."""
    said = observed(
        marked,
        "I've been a teacher for fifteen years.",
        "Is 41 too late to start in this field?",
        "Could I do it part-time?",
    )
    assert not any("never asked how" in point for point in said.weaknesses)
    assert any("fifteen years as a teacher" in point for point in said.strengths)


def observed(engine: Engine, *messages: str) -> Observations:
    """What the contact noticed, for the feedback, after a meeting of ``messages``."""
    session = meet(engine)
    for text in messages:
        ask(engine, session, text)
    return observe(session, facts_of(session))


def test_an_introduction_the_reader_cannot_place_is_acknowledged(marked: Engine) -> None:
    """'Hi, thanks for making time! I'm Marco, I've driven city buses for 11 years...' got a
    line about a coffee the user never mentioned; the contact now thanks them for the
    introduction (before the first question only: the lines ask for it)."""
    session = meet(marked)
    text = "Thanks for making time! I've driven city buses for 11 years, learning Python now."
    [reply] = ask(marked, session, text)
    assert reply.startswith("[intro ack]")
    ask(marked, session, "What's the pay like?")
    [later] = ask(marked, session, "Thanks! I've driven city buses for years, you know.")
    assert not later.startswith("[intro ack]")


def test_a_question_naming_the_users_own_work_counts_as_asking_how_it_fits(
    marked: Engine,
) -> None:
    """A paramedic asked 'Can paramedics bridge into nursing here?' and the feedback said
    they never asked how their experience carries over."""
    paramedic = "I was a paramedic for nine years."
    asked = observed(marked, paramedic, "Can paramedics move into this field easily?", "Pay?")
    assert not any("never asked how" in point for point in asked.weaknesses)
    never = observed(marked, paramedic, "What's the pay like?")
    assert any("never asked how" in point for point in never.weaknesses)


@pytest.mark.parametrize("persona", sorted(Engine().personas))
def test_an_answer_on_starting_later_does_not_open_with_a_bare_no(persona: str) -> None:
    """ "Would a shop take on a 41-year-old apprentice?" got Ray's "Nope, not if your body's
    willing": written for "am I too old?", it read as "you're too old" to any other
    wording. An answer on starting later says what it means in its first words."""
    for answer in Engine().personas[persona].topics["later_start"]:
        first = answer.say.split(",")[0].split(".")[0].split(":")[0].strip().lower()
        assert first not in ("no", "nope", "yes", "yep"), answer.say


def test_a_background_stated_with_an_interest_is_acknowledged_not_answered() -> None:
    """Practising with Tomás: "I'm a nurse, 12 years on a cardiac ward, and I'm curious
    about finance." got his pay answer (only the learned reader saw a topic in it, from
    "finance"); and "is it hard to switch in from healthcare?" got more about spreading
    financial statements, then the scorecard said the user never asked how they would fit."""
    news, switch = _asked_in_turn(
        "tomas",
        "I'm a nurse, 12 years on a cardiac ward, and I'm curious about finance.",
        "is it hard to switch in from healthcare?",
    )
    assert news.kind == "background", (news.kind, news.ref)
    assert switch.ref.startswith("ask_fit."), switch.ref
