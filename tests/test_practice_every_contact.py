"""Questions a job seeker asks any contact, found by putting them to all seventeen in
practice: each got a deferral, or moved the meeting, from every one of them."""

from __future__ import annotations

import pytest

from flows.engine import Engine
from tests.conftest import T0

_ENGINE = Engine()
CONTACTS = sorted(_ENGINE.personas)


def _reply(persona: str, question: str) -> tuple[list[str], str]:
    """The kinds and refs of the contact's reply, and the stage after it."""
    session, _ = _ENGINE.start(persona, now=T0, seed=1, minutes=20)
    _ENGINE.message(session, "Hi, I'm ready.", T0)
    before = len(session.turns)
    _ENGINE.message(session, question, T0)
    said = [t for t in session.turns[before:] if t.speaker == "contact"]
    return [t.ref or t.kind for t in said], session.state


@pytest.mark.parametrize("persona", CONTACTS)
@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("How do you keep your skills up to date?", "community."),
        ("What's the one skill you'd tell me to work on first?", "advice."),
        ("How do you measure whether you did a good job?", "spec."),
        ("Who are the best people to follow or read in your field?", "community."),
        ("How much autonomy do you have in your job?", "culture."),
        ("What are the opportunities for growth here?", "progression."),
        ("Is there anything you'd change about your job if you could?", "least."),
        ("How did the pandemic change your work?", "future."),
        ("How has your job changed since you started?", "future."),
        ("do u like ur boss", "culture.|spec."),
        ("is it boring sometimes", "least."),
        ("Do you mentor anyone?", "spec."),
        ("How do you see your own career developing?", "progression."),
        ("What made you choose this company?", "organisation."),
        ("What's a project you're working on right now?", "spec."),
    ],
)
def test_a_question_for_any_contact_gets_their_answer(
    persona: str, question: str, answer: str
) -> None:
    """ "How do you keep your skills up to date?" and "What's the one skill you'd tell me to
    work on first?" got a deferral from all seventeen ("Honestly, I know nothing reliable
    about that one"); "How do you measure whether you did a good job?" got "I've no idea
    how to measure whether I did a good job" from a professional whose reviews are in their
    own file; "Who are the best people to follow or read?" was taken for a request for
    names and moved the meeting to the referrals. How much autonomy they have, and the
    opportunities for growth, got deferrals too; what they would change about their job
    got what they would have done differently in their career. "How did the pandemic change
    your work?" was read as "how did that go?" about a story never told, and every contact
    said only "go on". "do u like ur boss" got the best and least of the job, and "is it
    boring sometimes" the hours. (Their boss may also be their own detail on whom they
    report to.) Whether they mentor anyone, how they see their own career developing, what
    made them choose their employer and a project they are on now got deferrals."""
    refs, stage = _reply(persona, question)
    assert refs and refs[0].startswith(tuple(answer.split("|"))), refs
    assert stage == "converse", stage


@pytest.mark.parametrize("persona", CONTACTS)
@pytest.mark.parametrize(
    "question",
    [
        "How is your organisation funded?",
        "How does your company make money?",
        "Where does the money come from for your team?",
    ],
)
def test_how_their_organisation_is_funded_is_their_own_detail(persona: str, question: str) -> None:
    """ "Where does the money come from for your team?" was read as pay and got a salary
    answer from eleven contacts; how the organisation is funded or makes money got what it
    does from most of them, though half had a detail on it. Each contact now answers it
    from their own detail: council contracts, subscriptions, NIH grants, contingency fees,
    client retainers, the spread on loans."""
    refs, stage = _reply(persona, question)
    assert refs and refs[0].startswith("spec."), refs
    assert stage == "converse", stage
    assert not any(r.startswith("pay.") for r in refs), refs


@pytest.mark.parametrize("persona", CONTACTS)
@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("is the charity sector hiring much these days, or is funding drying up?", "demand."),
        ("how do you switch off after hearing people's trauma all day", "balance."),
    ],
)
def test_the_words_of_a_detail_do_not_take_another_question(
    persona: str, question: str, answer: str
) -> None:
    """The new details' keys first took questions of the training sets from their topics:
    the job market with "funding" in it got how the organisation is funded ("how s" in a
    key matched "how secure"), and switching off after hearing trauma got the evening after
    a lost trial ("hearing")."""
    refs, _ = _reply(persona, question)
    assert refs and refs[0].startswith(answer), refs
