"""The contact's own working life right now, asked as job seekers ask it: what they are
working on, whether they mentor anyone, the toughest feedback they have had, and how they
get to work. Each got a company description, a random story, a deferral or a brush-off
from every contact; each contact now answers from their own detail."""

from __future__ import annotations

import pytest

from flows.engine import Engine
from flows.session import Turn
from tests.real_contacts import replies_in_turn

_ENGINE = Engine()
CONTACTS = sorted(_ENGINE.personas)


def _meeting(persona: str, *questions: str) -> list[list[Turn]]:
    return replies_in_turn(persona, *questions, seed=1)


def _detail(persona: str, turn: Turn) -> int | None:
    ref = turn.ref or ""
    return int(ref.split(".")[1].rstrip("+")) if ref.startswith("spec.") else None


@pytest.mark.parametrize("persona", CONTACTS)
@pytest.mark.parametrize(
    ("question", "about"),
    [
        ("What are you working on at the moment?", ("working on", "plate")),
        ("Do you mentor anyone?", ("mentor",)),
        ("What's the toughest feedback you've ever received?", ("feedback",)),
        ("How long is your commute?", ("commute",)),
    ],
)
def test_their_own_work_right_now_is_their_own_detail(
    persona: str, question: str, about: tuple[str, ...]
) -> None:
    """Before, Dana answered "What's the toughest feedback you've ever received?" with "Not
    hurt, thankfully, but the scariest four seconds of my career...", "Do you mentor
    anyone?" with what her company does, "How long is your commute?" with "let's spend our
    time on your software questions", and "What are you working on right now?" with "Ha, me
    working on right now is outside anything I can speak to"."""
    [said] = _meeting(persona, question)
    index = _detail(persona, said[0])
    assert index is not None, [t.ref for t in said]
    spec = _ENGINE.personas[persona].specifics[index]
    assert any(word in " ".join(spec.asks).lower() for word in about), spec.asks[0]


def test_a_personal_question_a_contact_has_a_detail_for_gets_the_detail() -> None:
    """ "How long is your commute?" is small talk about the contact's life, and got the
    polite turn back to the user's questions even from a contact with a commute to tell."""
    [said] = _meeting("naomi", "How long is your commute?")
    assert said[0].kind != "personal_aside" and "R train" in said[0].text, said[0].text
    [other] = _meeting("naomi", "Do you have kids?")
    assert other[0].ref == "" or not other[0].ref.startswith("spec."), other[0].ref


def test_a_detail_told_in_full_is_not_called_a_mystery_when_asked_again() -> None:
    """Asked about her commute a third time, after the answer and its sequel, Naomi said
    "I'll pass on how to get to work every day; anything I said would be speculation"."""
    first, more, again = _meeting(
        "naomi", "How long is your commute?", "tell me more", "how do you get to work every day"
    )
    assert first[0].ref == f"spec.{_detail('naomi', first[0])}"
    assert more[0].ref == f"{first[0].ref}+"
    assert again[0].kind == "nothing_more", (again[0].kind, again[0].text)
    assert "speculation" not in again[0].text


def test_a_remark_about_the_users_own_commute_is_not_taken_for_asking_again() -> None:
    *_, remark = _meeting(
        "naomi", "How long is your commute?", "tell me more", "I commute by subway too, an hour."
    )
    assert all(t.kind != "nothing_more" for t in remark), [(t.kind, t.text) for t in remark]


@pytest.mark.parametrize(
    ("persona", "question"),
    [
        ("ray", "whats ur week look like rn, any big jobs?"),
        ("ray", "are you working on any big jobs at the moment?"),
        ("marcus", "r u mentoring any interns rn"),
    ],
)
def test_asking_about_the_contacts_jobs_is_not_asking_for_one(persona: str, question: str) -> None:
    """Practising as a warehouse lead, "whats ur week look like rn, any big jobs?" got Ray's
    "I don't hire out of coffee meetings" before his current job, and the feedback said
    "Asking me about a job put me on the spot"."""
    [said] = _meeting(persona, question)
    assert [t.kind for t in said] == ["answer"], [(t.kind, t.text[:60]) for t in said]
    assert said[0].ref.startswith("spec."), said[0].ref


def test_a_request_for_a_post_is_still_one() -> None:
    [said] = _meeting("ray", "any openings on the jobs you're working on right now?")
    assert said[0].kind == "job_deflection" or "hire" in said[0].text, (said[0].kind, said[0].text)


def test_small_talk_about_the_drive_in_today_keeps_the_warm_aside() -> None:
    """A remark and a question about this morning's roads named the commute detail, lost
    its "personal" reading, and then no detail was placed: the contact deflected it as an
    unknown topic and offered to talk about pay."""
    [said] = _meeting(
        "dana",
        "I hope the snow did not make your drive in from Aurora too difficult this morning; "
        "how were the roads?",
    )
    assert said[0].kind == "personal_aside", (said[0].kind, said[0].ref)
