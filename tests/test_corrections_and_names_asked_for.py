"""The user puts their own work right, and asks for a kind of person by name: faults found
by practising users (the session after stop 38). "I'm a store manager, not a brand
director" was ignored through two corrections; "do you know anyone on the client side?" got
the three names in the file's order, and a line about who is on a client team first."""

from __future__ import annotations

import pytest

from flows.engine import Engine
from flows.userfacts import user_facts
from tests.real_contacts import meeting

_ENGINE = Engine()


def test_a_corrected_role_is_the_one_the_contact_keeps_and_says() -> None:
    """ "Sorry, I should have said: a teaching assistant, not a teacher" got "your time as a
    teaching assistant? Love that" as if it were news, and the fit answer then spoke of
    "five years as a teacher"."""
    marcus = _ENGINE.personas["marcus"]
    _, replies = meeting(
        "marcus",
        "Thanks for meeting me. I'm a teacher, five years in a primary school.",
        "Sorry, I should have said: I'm a teaching assistant, not a teacher.",
        "How would someone like me fit in?",
    )
    corrected = [
        line.format(a_role="your time as a teaching assistant")
        for line in marcus.background_corrected
    ]
    assert replies[1] and replies[1][0] in corrected, replies[1]
    fit = " ".join(replies[2])
    assert "teaching assistant" in fit and "as a teacher" not in fit, fit


@pytest.mark.parametrize(
    ("said", "correction", "role"),
    [
        (
            "I've been a brand director at a clothing chain for a while",
            "no no, store manager, not brand director lol. I run one shop",
            "store manager",
        ),
        (
            "I'm a firefighter with the city",
            "Oh wait, I said firefighter but I meant fire inspector.",
            "fire inspector",
        ),
        ("HR manager, 4 years", "HR generalist. not manager.", "HR generalist"),
        (
            "I'm the manager at a coffee shop",
            "i'm not the manager, i'm the assistant manager",
            "assistant manager",
        ),
        (
            "I'm a social media manager",
            "I should say I'm a content creator, not a social media manager.",
            "content creator",
        ),
    ],
)
def test_the_role_put_right_replaces_the_first(said: str, correction: str, role: str) -> None:
    session, _ = meeting("ines", said, "What's a normal week like for you?", correction)
    background = user_facts(session).background  # type: ignore[arg-type]
    assert background is not None and background.role == role, background


@pytest.mark.parametrize(
    "aside",
    [
        "Ha, no - the nursing thing is my wife, she's the nurse, not me.",
        "Sorry, it's six years, not five.",
        "I'm not a designer yet, that's the goal.",
        "Actually, what's the pay like?",
    ],
)
def test_what_corrects_something_else_keeps_the_users_work(aside: str) -> None:
    session, _ = meeting(
        "femi", "I've been a store manager at a grocery chain for five years.", aside
    )
    background = user_facts(session).background  # type: ignore[arg-type]
    assert background is not None and background.role == "store manager", background


@pytest.mark.parametrize(
    ("asked", "first", "asked_for"),
    [
        (
            "Do you know anyone who came into this from the classroom, a former teacher maybe?",
            "Winona Achterberg",
            True,
        ),
        ("Is there anyone else you think I should talk to?", "Yesenia Halvorsen", False),
    ],
)
def test_the_person_asked_for_comes_first_and_is_named_as_such(
    asked: str, first: str, asked_for: bool
) -> None:
    """A user from retail (whose own sector puts Yesenia first) asked for someone who came
    over from teaching: Winona, who taught for ten years, comes first, and the contact says
    why in their own words. A plain request keeps the order by background."""
    marcus = _ENGINE.personas["marcus"]
    _, replies = meeting("marcus", "I've managed a grocery store for nine years.", asked)
    names = replies[1]
    listed = [line for line in names if line.startswith(tuple(r.name for r in marcus.referrals))]
    assert listed[0].startswith(first), names
    closing = [line.format(name=first) for line in marcus.referral_asked_for]
    assert (names[-1] in closing) is asked_for, names[-1]


def test_a_request_for_names_is_not_answered_as_a_detail_of_the_work() -> None:
    """ "Do you know anyone who works in-house at a brand, on the client side?" also got
    "For a mid-sized food brand, six people. An account supervisor..." (who is on a client
    team) before the names."""
    marcus = _ENGINE.personas["marcus"]
    _, replies = meeting(
        "marcus",
        "I spent six years in the Army.",
        "Do you know anyone who works in-house at a brand, on the client side?",
    )
    details = {s.say for s in marcus.specifics}
    assert not any(line.startswith(tuple(d[:40] for d in details)) for line in replies[1]), replies[
        1
    ]
    assert replies[1][0] in marcus.referral_intro, replies[1][0]


def test_the_sets_hold_their_figures() -> None:
    """``python -m tests.eval.corrections`` and ``python -m tests.eval.asked_for`` on the
    training sets (tests/data/README.md): corrections followed 0.187 before this reader,
    0.720 after (near misses 0.943 -> 0.914); the person asked for put first 0.824 of the
    time, someone put first for a request naming no kind 0.147. Floors."""
    from tests.eval import asked_for, corrections

    tallies = corrections.score(corrections.load(corrections.DATA / "train.jsonl"))
    assert tallies["correction"][0] / tallies["correction"][1] >= 0.70
    assert tallies["near_miss"][0] / tallies["near_miss"][1] >= 0.88
    picked, moved = asked_for.shares(asked_for.load(asked_for.DATA / "asked_for_train.jsonl"))
    assert picked >= 0.80
    assert moved <= 0.18


def test_the_held_out_sets_hold_their_last_scores() -> None:
    """Scored on arrival and once at the end of the session that wrote them, never tuned
    on, errors never read (tests/data/README.md): corrections followed 0.123 on main, 0.400
    with the first version, 0.569 at the end (near misses 0.914, 0.886, 0.886); the person
    asked for first 0.902 both times, someone moved first for a request naming no kind
    0.208, then 0.167. Floors a little below; score only."""
    from tests.eval import asked_for, corrections

    tallies = corrections.score(corrections.load(corrections.DATA / "blind_heldout.jsonl"))
    assert tallies["correction"][0] / tallies["correction"][1] >= 0.55, "score only"
    assert tallies["near_miss"][0] / tallies["near_miss"][1] >= 0.85, "score only"
    picked, moved = asked_for.shares(
        asked_for.load(asked_for.DATA / "asked_for_blind_heldout.jsonl")
    )
    assert picked >= 0.88, "score only"
    assert moved <= 0.21, "score only"
