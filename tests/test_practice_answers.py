"""Faults found by practising as a job seeker, each asked as a user would in a meeting
with the real contact (the session of 2026-12-07 onwards; earlier ones are in the listening
tests named for what they hold, such as ``test_real_contacts_topics.py``)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from flows.engine import Engine
from tests.conftest import T0
from tests.real_contacts import _asked_in_turn

_ENGINE = Engine()
_MID_MEETING = re.compile(
    r"\b(?:next|another|where were we|back to|holding back|for last)\b", re.IGNORECASE
)


@pytest.mark.parametrize(
    ("question", "ref"),
    [
        ("What does an HR business partner actually do that a generalist doesn't?", "typical_day."),
        ("what does an hr business partner do all day", "typical_day."),
        ("Do HRBPs get pulled into restructures and layoffs?", "hardest."),
        ("were you involved in the redundancies last year?", "hardest."),
    ],
)
def test_practising_hr_with_mei_ling(question: str, ref: str) -> None:
    """Practising a move from retail into HR: "what does an HR business partner actually
    do..." got Mei Ling's pay answer ("an HR" was read as "an hour", and the rest as what
    an hour pays), and "do HRBPs get pulled into
    restructures and layoffs?" got the job market ("layoffs"), though letting eighty
    people go is her hardest part."""
    [said] = _asked_in_turn("meiling", question)
    assert said.ref.startswith(ref), (said.kind, said.ref)


def test_layoffs_in_the_field_are_still_the_job_market() -> None:
    [said] = _asked_in_turn("greg", "have there been a lot of layoffs in product lately?")
    assert said.ref.startswith("demand."), (said.kind, said.ref)


def test_whether_it_takes_being_good_at_something_is_what_it_takes() -> None:
    """Practising a move into the trades: "Do I need to be good at maths to pass the
    apprenticeship?" got Ray's licensing steps (the reader took "apprenticeship" for the
    credentials), never a word on maths; his answer on what it takes names it ("decent
    math"). A degree asked for beside it is still the credentials."""
    [maths] = _asked_in_turn("ray", "Do I need to be good at maths to pass the apprenticeship?")
    assert maths.ref.startswith("ask_qualifications."), (maths.kind, maths.ref)
    assert "math" in maths.text or "algebra" in maths.text, maths.text
    [degree] = _asked_in_turn("ray", "do I need a degree to get hired?")
    assert degree.ref.startswith("credentials."), (degree.kind, degree.ref)


def test_a_topic_word_in_the_users_own_story_is_not_asked_about() -> None:
    """Practising a move from teaching into data: "I'm a secondary maths teacher, 7 years
    now, and I've been doing a lot of Excel for our exam tracking. I'm curious about data
    analytics." got Inês's list of tools, as if asked, and her next answer on tools went on
    from it. Only "I'm curious about..." asks, and it asks about her field, named by no
    topic: the background is acknowledged. A question that points back at the story is
    still about it."""
    [said] = _asked_in_turn(
        "ines",
        "I'm a secondary maths teacher, 7 years now, and I've been doing a lot of Excel for "
        "our exam tracking. I'm curious about data analytics.",
    )
    assert said.kind == "background", (said.kind, said.ref)
    assert "seven years" in said.text or "7 years" in said.text, said.text
    [pay] = _asked_in_turn("ines", "The pay is what worries me. How does it compare?")
    assert pay.ref.startswith("pay."), (pay.kind, pay.ref)


@pytest.mark.parametrize("persona", sorted(Engine().personas))
def test_thanks_before_the_first_question_is_not_answered_as_if_mid_meeting(persona: str) -> None:
    """Practising with Helen: "Hello Helen, thank you for making time for me." right after
    her welcome got "Now, where were we? I believe you had another question.", before any
    question; other contacts said "Next question?". Before the first question, the reply
    hands over the floor without taking up a conversation that has not begun."""
    for seed in range(6):
        session, _ = _ENGINE.start(persona, now=T0, seed=seed, minutes=20)
        _ENGINE.message(session, "Hi, I'm ready.", T0)
        before = len(session.turns)
        _ENGINE.message(session, "Hello, thank you so much for making time for me.", T0)
        said = [t for t in session.turns[before:] if t.speaker == "contact"]
        assert said, "no reply"
        for turn in said:
            assert not _MID_MEETING.search(turn.text), (seed, turn.kind, turn.text)


@pytest.mark.parametrize("persona", ["anh", "greg", "helen"])
def test_small_talk_for_later_is_said_once_the_conversation_is_going(persona: str) -> None:
    """The lines that take up a conversation ("Next question?", "where were we?") are the
    contact's own (``small_talk_later``): kept back before the first question, said after
    it."""
    later = set(_ENGINE.personas[persona].small_talk_later)
    heard: set[str] = set()
    for seed in range(12):
        session, _ = _ENGINE.start(persona, now=T0, seed=seed, minutes=20)
        _ENGINE.message(session, "Hi, I'm ready.", T0)
        _ENGINE.message(session, "What's a typical day like for you?", T0)
        before = len(session.turns)
        _ENGINE.message(session, "Thank you, that's really kind of you.", T0)
        heard |= {t.text for t in session.turns[before:] if t.speaker == "contact"}
    assert heard & later, heard


def test_a_caseworker_is_heard_as_a_background() -> None:
    """Practising with Helen: "I've worked for 5 years as a caseworker at a housing
    association..." was not heard as a background (no role word), so the contact thanked
    the user vaguely and never used it."""
    [said] = _asked_in_turn(
        "helen",
        "I've worked for 5 years as a caseworker at a housing association, so I see the "
        "policy land on the ground.",
    )
    assert said.kind == "background" and "caseworker" in said.text, (said.kind, said.text)


@pytest.mark.parametrize("persona", sorted(Engine().personas))
def test_curiosity_about_the_contacts_own_field_hands_over_the_floor(persona: str) -> None:
    """ "I'm curious about data analytics." to the data analyst got "That one: real
    question, too big to squeeze in here", as if asked something she could not answer.
    Saying what draws you to their field asks nothing yet: the contact invites the first
    question. Curiosity about a topic is still a question ("I'm curious about the pay.")."""
    field = _ENGINE.personas[persona].field
    for opening in (f"I'm curious about {field}.", f"Hello, I'm really interested in {field}."):
        [said] = _asked_in_turn(persona, opening)
        assert said.kind in ("intro_ack", "go_ahead"), (opening, said.kind, said.text)
    [pay] = _asked_in_turn(persona, "I'm curious about the pay.")
    assert pay.ref.startswith("pay."), (pay.kind, pay.ref)


@pytest.mark.parametrize(
    ("question", "ref"),
    [
        ("How do you price a loan for a small bakery?", "spec."),
        ("How has the rate environment changed your work?", "spec."),
        ("how have interest rate hikes affected your borrowers", "spec."),
        ("Is it a good idea to move from relationship banking into risk?", "ask_fit."),
        ("what's the going rate for a junior analyst?", "pay."),
    ],
)
def test_practising_credit_risk_with_tomas(question: str, ref: str) -> None:
    """Practising a move from small-business lending into risk: Tomás deferred how a loan
    to a small bakery is priced (his daily work), answered "How has the rate environment
    changed your work?" with starting salaries ("rate" read as pay, "environment" as the
    culture), and called "Is it a good idea to move from relationship banking into risk?"
    a question too big for the meeting (no act read it: it weighs the user's own move)."""
    [said] = _asked_in_turn("tomas", question)
    assert said.ref.startswith(ref), (said.kind, said.ref, said.text[:80])


@pytest.mark.parametrize("persona", sorted(Engine().personas))
def test_the_time_raised_before_halfway_is_not_called_the_very_start(persona: str) -> None:
    """Practising with Priya: "sorry i know we're nearly out of time", nine minutes into
    twenty, got "We've only just started"; Dana, Marcus and Carys said they had barely
    started. Before the halfway mark the contact says there is time left, nothing more."""
    for seed in range(4):
        session, _ = _ENGINE.start(persona, now=T0, seed=seed, minutes=20)
        _ENGINE.message(session, "Hi, I'm ready.", T0)
        _ENGINE.message(session, "How did you get started?", T0 + timedelta(minutes=1))
        at = session.clock_started_at + timedelta(minutes=9)
        before = len(session.turns)
        _ENGINE.message(session, "sorry, I know we're nearly out of time", at)
        for turn in session.turns[before:]:
            if turn.speaker == "contact":
                assert not _JUST_STARTED.search(turn.text), (seed, turn.kind, turn.text)


_JUST_STARTED = re.compile(r"\b(?:barely|only just|just) (?:started|begun|got)\b", re.IGNORECASE)


@pytest.mark.parametrize(
    ("question", "ref"),
    [
        ("do u ever get used to the blood and stuff", "hardest.2"),
        ("how do you deal with it when a patient dies?", "hardest.1"),
        ("do nurses get treated badly by doctors?", "difficult_people.1"),
        ("what do u wish someone told u before u started", "advice."),
    ],
)
def test_practising_nursing_with_priya(question: str, ref: str) -> None:
    """Practising as a healthcare assistant applying for nursing: "do u ever get used to
    the blood and stuff" got whether Priya had thought of leaving, "how do you deal with
    it when a patient dies?" her answer on angry families, "do nurses get treated badly by
    doctors?" "I honestly have nothing useful to say", and "what do u wish someone told u
    before u started", after one of her offers, her road in and what she likes as well."""
    session, _ = _ENGINE.start("priya", now=T0, seed=4, minutes=20)
    _ENGINE.message(session, "Hi, I'm ready.", T0)
    _ENGINE.message(session, "what do you think of the new hospital parking app?", T0)
    assert session.turns[-1].kind == "unknown_topic", session.turns[-1].kind  # an offer
    before = len(session.turns)
    _ENGINE.message(session, question, T0 + timedelta(minutes=1))
    said = [t for t in session.turns[before:] if t.speaker == "contact"]
    assert [t.ref[: len(ref)] for t in said] == [ref], [(t.kind, t.ref) for t in said]


@pytest.mark.parametrize(
    ("question", "ref"),
    [
        ("How do agencies and in-house brand teams differ?", "employer_size."),
        ("Which brands do you admire right now?", "spec."),
        ("Anything I could read to get up to speed?", "community.1"),
        ("any events or associations I should join?", "community.0"),
        ("Who's on a typical account team?", "spec."),
        ("what's the best part of your work?", "best."),
    ],
)
def test_practising_brand_work_with_marcus(question: str, ref: str) -> None:
    """Practising a move from a print shop into brand work: "How do agencies and in-house
    brand teams differ?" got the make-up of one account team ("brand team" was enough to
    name that detail), a brand director answered "Which brands do you admire right now?"
    with "I don't know enough about that one", and "Anything I could read?" got the local
    events, the reading list only on "tell me more"."""
    [said] = _asked_in_turn("marcus", question)
    assert said.ref.startswith(ref), (said.kind, said.ref, said.text[:80])


@pytest.mark.parametrize(
    ("question", "ref"),
    [
        ("What separates your top reps from the average ones?", "thrives."),
        ("Should I start as an SDR or try to go straight to AE?", "entry."),
        ("Is it true sales is just a numbers game?", "surprises."),
        ("What distinguishes a strong candidate from an average one?", "hiring."),
    ],
)
def test_practising_sales_with_conor(question: str, ref: str) -> None:
    """Practising a move from hotel bars into B2B sales: "What separates your top reps from
    the average ones?" was deferred as too big, "Should I start as an SDR or try to go
    straight to AE?" got general advice on practising rejection, and "Is it true sales is
    just a numbers game?" went on with that advice (read as "is that so?"). A strong
    candidate against an average one is still about hiring."""
    [said] = _asked_in_turn("conor", question)
    assert said.ref.startswith(ref), (said.kind, said.ref, said.text[:80])


@pytest.mark.parametrize(
    "question",
    [
        "would you give me feedback on my portfolio?",
        "can you review my portfolio?",
        "what's weak about my portfolio?",
        "Could you look at my portfolio sometime?",
        "Would you mind looking at my portfolio?",
        "could u take a look at my portfolio and tell me if its ready",
    ],
)
def test_a_portfolio_review_is_asked_like_a_cv_review(question: str) -> None:
    """Practising a move from teaching into UX: asking Femi for feedback on a portfolio was
    taken as asking how the meeting went (the meeting feedback, which moves the meeting
    towards goodbye), and "can you review my portfolio?" as nothing at all. A portfolio is
    the CV of design and creative work: the contact answers it as the résumé question, and
    the meeting stays where it was. "Could you look at my portfolio sometime?" got a
    deferral and a turn to hiring: the topic rules read "you look" as what employers look
    for and "portfolio" as a side project, so the reader dropped the request."""
    session, _ = _ENGINE.start("femi", now=T0, seed=1, minutes=20)
    _ENGINE.message(session, "Hi, I'm ready.", T0)
    before = len(session.turns)
    _ENGINE.message(session, question, T0 + timedelta(minutes=2))
    said = [t for t in session.turns[before:] if t.speaker == "contact"]
    assert [t.ref.split(".")[0] for t in said] == ["ask_resume"], [(t.kind, t.ref) for t in said]
    assert session.state == "converse", session.state


@pytest.mark.parametrize(
    ("question", "ref"),
    [
        ("How do you get funding for your projects?", "spec."),
        ("Would industry be a better bet than academia?", "spec."),
        ("where does the money for your lab come from", "spec."),
        ("is the industry growing or shrinking?", "future."),
    ],
)
def test_practising_research_with_samuel(question: str, ref: str) -> None:
    """Practising as a lab technician with a master's: Samuel, who runs a grant-funded lab,
    called "How do you get funding for your projects?" outside his expertise, and answered
    "Would industry be a better bet than academia?" with where the field is heading. Two
    details of his own now answer them; where the field is heading is still that."""
    [said] = _asked_in_turn("samuel", question)
    assert said.ref.startswith(ref), (said.kind, said.ref, said.text[:80])


@pytest.mark.parametrize(
    ("persona", "question", "ref"),
    [
        ("naomi", "What's the biggest case you've won?", "proudest."),
        ("conor", "what's the biggest deal you've closed?", "proudest."),
        ("naomi", "big firm or small firm, which is better to start at?", "employer_size."),
    ],
)
def test_the_biggest_win_is_their_proudest_work(persona: str, question: str, ref: str) -> None:
    """Practising law with Naomi: "What's the biggest case you've won?" got the story of
    an email sent to the wrong Ellen (the learned reader took it for a story); the biggest
    case, deal or campaign they won is their proudest work. (And "...representing
    employees against big companies" is no longer read as asking about big employers.)"""
    [said] = _asked_in_turn(persona, question)
    assert said.ref.startswith(ref), (said.kind, said.ref, said.text[:80])
    [opponent] = _asked_in_turn(
        "naomi", "Do you ever feel conflicted representing employees against big companies?"
    )
    assert not opponent.ref.startswith("employer_size."), opponent.ref


@pytest.mark.parametrize(
    ("question", "ref"),
    [
        ("What does a group product manager do versus a regular PM?", "typical_day."),
        ("Is an APM program realistic for someone who's 32?", "later_start."),
        ("What does the organisation do, in plain terms?", "organisation."),
    ],
)
def test_practising_product_with_greg(question: str, ref: str) -> None:
    """Practising a move from support into product: "What does a group product manager do
    versus a regular PM?" got what Greg's company makes (the learned reader overruled the
    rules' "what does a ... do"), and "Is an APM program realistic for someone who's 32?"
    got the entry routes, never the age. What an organisation does is still about it."""
    [said] = _asked_in_turn("greg", question)
    assert said.ref.startswith(ref), (said.kind, said.ref, said.text[:80])


def test_practising_software_with_dana() -> None:
    """Practising a move from games QA into development: "I'm a QA tester at a games
    studio..." was no background ("tester" was no role word), so the fit answer spoke of
    warehouse shifts; "How do you decide who gets promoted?" got how she hires ("decide
    who gets" was a hiring key), not the review ladder."""
    [fit] = _asked_in_turn(
        "dana", "I'm a QA tester at a games studio. How would I move into development?"
    )
    assert fit.ref.startswith("ask_fit."), (fit.kind, fit.ref)
    assert "QA tester" in fit.text, fit.text
    [promoted] = _asked_in_turn("dana", "How do you decide who gets promoted?")
    assert "ladder" in promoted.text, (promoted.ref, promoted.text[:80])
    [offer] = _asked_in_turn("dana", "How do you decide who gets the offer?")
    assert "debrief" in offer.text, (offer.ref, offer.text[:80])


def test_whether_ones_own_experience_counts_is_how_one_fits() -> None:
    """Practising with Femi: "Would teaching experience help me in UX?" got her answer on
    volunteering (the reader's guess from "experience help"); whether the asker's own
    background counts is how they fit. Volunteering asked about is still that topic."""
    [own] = _asked_in_turn("femi", "Would teaching experience help me in UX?")
    assert own.ref.startswith("ask_fit."), (own.kind, own.ref)
    [unpaid] = _asked_in_turn("femi", "Does volunteering experience help people get in?")
    assert unpaid.ref.startswith("side_projects."), (unpaid.kind, unpaid.ref)


@pytest.mark.parametrize(
    ("persona", "question", "expected"),
    [
        ("conor", "Is cold calling as awful as everyone says?", "fortieth dial"),
        ("naomi", "How do you switch off after a bad verdict?", "walk home"),
        ("naomi", "what keeps you up at night in this job?", "Risking money"),
    ],
)
def test_the_hard_side_of_the_work_asked_in_other_words(
    persona: str, question: str, expected: str
) -> None:
    """Practising sales with Conor and law with Naomi: "Is cold calling as awful as
    everyone says?" got his hours, "How do you switch off after a bad verdict?" got her
    weekly hours, and "what keeps you up at night?" got the hours and then her best and
    least liked parts; each is the hard side of the work."""
    said = _asked_in_turn(persona, question)
    assert any(expected in s.text for s in said), [(s.ref, s.text[:60]) for s in said]


def test_whether_ones_volunteering_counts_gets_the_volunteering_answer() -> None:
    """Practising with Bernie: "Would my food bank volunteering count for anything?" got
    his fit answer about the user's warehouse years, never a word on volunteering, which
    in his sector is a real way in. Asked how one's whole background fits, it is still
    the fit answer."""
    [unpaid] = _asked_in_turn("bernie", "Would my food bank volunteering count for anything?")
    assert unpaid.ref.startswith("side_projects."), (unpaid.kind, unpaid.ref)
    [fit] = _asked_in_turn(
        "bernie", "I've volunteered at a food bank for years, how would my background fit?"
    )
    assert fit.ref.startswith("ask_fit."), (fit.kind, fit.ref)


@pytest.mark.parametrize(
    ("question", "ref"),
    [
        ("Did you do a bootcamp or teach yourself?", "spec."),
        ("how long did it take u to get ur first dev job", "ask_start."),
        ("What's the interview process like at your company?", "hiring.0"),
        ("Do you hire people without a CS degree?", "credentials."),
        ("Should I do a bootcamp?", "credentials."),
        ("How long did it take you to get promoted?", "progression."),
    ],
)
def test_practising_a_move_from_teaching_chemistry_into_software(question: str, ref: str) -> None:
    """Practising with Dana: "Did you do a bootcamp or teach yourself?" got a deferral,
    "how long did it take u to get ur first dev job" the career ladder, "the interview
    process like at your company?" her answer on referrals, and "Do you hire people
    without a CS degree?" her interview steps, never whether it takes one. Her own road
    in is her start; a bootcamp for the user is still the credentials."""
    [said] = _asked_in_turn("dana", question)
    assert said.ref.startswith(ref), (said.kind, said.ref, said.text[:60])
