"""Faults found by helpers practising six more meetings (the session after stop 37): a
store manager with Marcus, a procurement analyst with Freja, a psychology graduate
texting Mei Ling, an Army mechanic with Ray, a hotel receptionist with Inês and a
biology graduate with Samuel. Each is driven through the real contact as the user said
it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from flows.coaching import score_session
from flows.engine import Engine
from tests.conftest import T0
from tests.real_contacts import replies_in_turn

_ENGINE = Engine()


def test_you_from_denver_originally_is_where_they_grew_up() -> None:
    """ "Before we start - you from Denver originally?" got "On that one, I'd just be making
    noise, and I won't fake it"; Ray grew up in Pueblo and says so."""
    [said] = replies_in_turn("ray", "Before we start - you from Denver originally?")
    assert said[0].text == _ENGINE.personas["ray"].personal["where_from"][0], said[0].text


@pytest.mark.parametrize(
    "asked",
    [
        "how did i come across? like any strengths/weaknesses u noticed",
        "What I did good and what I need to improve?",
        "How did I come across, including what I should work on? I know I ramble when I'm nervous.",
    ],
)
def test_strengths_and_weaknesses_asked_in_everyday_words_are_credited(asked: str) -> None:
    """Each got the feedback, and the scorecard said the user never asked about their
    strengths and weaknesses ("strengths/weaknesses" lost its slash on the way in)."""
    session, _ = _ENGINE.start("meiling", now=T0, seed=3, minutes=20)
    now = T0
    for text, wait in [
        ("hi im here to see mei ling, 10 min early, notebook n questions", 1),
        ("hi mei ling! how did u get into hr?", 17),
        ("oh its nearly time, i'll wrap up", 1),
        (asked, 1),
    ]:
        _ENGINE.message(session, text, now)
        now += timedelta(minutes=wait)
    assert score_session(session).item("goodbye.strengths").status == "passed"


@pytest.mark.parametrize(
    ("persona", "offer"),
    [
        (
            "freja",
            "We built a supplier questionnaire that raised our response rate from 30 to 75 "
            "percent. If it is useful, I could send you our questionnaire template.",
        ),
        (
            "marcus",
            "I'd be happy to walk your people through a store on a Saturday morning if that "
            "helps your strategists.",
        ),
        ("samuel", "I can email you my compensation and FMO control protocol if you want."),
    ],
)
def test_an_offer_for_later_hears_yes_please_and_counts(persona: str, offer: str) -> None:
    """Freja answered the template offer with "I hadn't seen it, and I'll share it with my
    team later today"; Marcus's store walk and Samuel's protocol were not heard as offers
    at all, and the scorecard said the user offered nothing useful."""
    session, _ = _ENGINE.start(persona, now=T0, seed=3, minutes=20)
    _ENGINE.message(session, "Hello, early, in a suit, with my notebook. I am ready to go in.", T0)
    _ENGINE.message(session, "Thank you for meeting me.", T0 + timedelta(minutes=1))
    before = len(session.turns)
    _ENGINE.message(session, offer, T0 + timedelta(minutes=2))
    said = [t for t in session.turns[before:] if t.speaker == "contact"]
    assert said[0].text in _ENGINE.personas[persona].offer_accepted, said[0].text
    assert score_session(session).item("converse.two_way").status == "passed"


def test_the_contacts_own_title_in_a_question_is_not_the_users_work() -> None:
    """A store manager asked Marcus "what does a normal week look like for you as brand
    director?"; from then on Marcus called the user "a brand director", in the résumé
    advice, the feedback and the names, through two corrections."""
    from flows.userfacts import user_facts

    session, _ = _ENGINE.start("marcus", now=T0, seed=3, minutes=20)
    for i, text in enumerate(
        (
            "Hello, early, in a blazer, with my notebook. I am ready to go in.",
            "I've been a store manager at a Target here for about eight years.",
            "So what does a normal week actually look like for you as brand director?",
        )
    ):
        _ENGINE.message(session, text, T0 + timedelta(minutes=i))
    background = user_facts(session).background
    assert background is not None and background.role == "store manager", background
