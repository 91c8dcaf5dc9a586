"""The contact as a person: small talk about their own day gets a word about it, and a user
who checks whether the contact remembers them hears what they said (driven through the
engine as a user would, with a contact whose lines are marked)."""

from __future__ import annotations

import pytest

from flows.engine import Engine
from tests.marked_persona import ask, marked_persona, meet


@pytest.fixture(scope="module")
def marked() -> Engine:
    return Engine({"marked": marked_persona()})


_SMALL_TALK = [
    *(
        (said, "[how are you]")
        for said in (
            "hows ur day going so far? busy on the ward?",
            "How has your week been so far?",
            "good weekend?",
            "So, busy at the office today?",
            # (it got "I would rather treat that one like a supplier's quote")
            "How are you today? It is very windy",
            "How was the night on the ward?",  # ("Can I skip that one? I'd be making it up")
        )
    ),
    *(
        (said, "[personal]")
        for said in (
            "is that your dog in the photo?",
            "Is it always this windy here?",
            "do you have kids?",
            "what do you do for fun?",
            "Nice view from up here!",
            "where are you from originally?",
            "What's your favourite band?",
            "How old are your kids now?",
            # (each got "that one falls outside my field" from a practising user)
            "Hello Ms Tan. You have lunch already?",
            "How is your family? I hope all is well.",
            "whats ur fav spot to eat round here",
            "is that a Seahawks mug?",
            "Is it very cold in Minneapolis now?",
        )
    ),
]


@pytest.mark.parametrize(("said", "marker"), _SMALL_TALK)
def test_small_talk_gets_a_word_of_the_contacts_own(marked: Engine, said: str, marker: str) -> None:
    """ "hows ur day going so far? busy on the ward?" got a lecture on where nursing is
    heading and on burnout (read as the future and the hours); "How has your week been?"
    got "I'd only be guessing", offering pay instead; "is that your dog in the photo?" and
    "is it always this windy here?" got "I'd only be guessing about that", as if the
    contact had been asked about their field. A word about their day (or a warm word to a
    personal question), then the floor back."""
    session = meet(marked)
    replies = ask(marked, session, said)
    assert len(replies) == 1 and replies[0].startswith(marker), replies


@pytest.mark.parametrize(
    ("said", "marker", "answer"),
    [
        ("How has your week been so far? What are the hours like?", "[how are you]", "[balance."),
        ("Is that your dog in the photo? And what's the pay like?", "[personal]", "[pay."),
    ],
)
def test_a_question_beside_small_talk_is_still_answered(
    marked: Engine, said: str, marker: str, answer: str
) -> None:
    session = meet(marked)
    replies = ask(marked, session, said)
    assert replies[0].startswith(marker) and replies[1].startswith(answer), replies


def test_a_question_about_the_days_shape_is_not_small_talk(marked: Engine) -> None:
    session = meet(marked)
    [reply] = ask(marked, session, "How is your day structured?")
    assert reply.startswith("[typical_day."), reply


def test_the_contact_remembers_what_the_user_does(marked: Engine) -> None:
    """ "Do you remember what I said I do now?" jumped the meeting to the closing feedback
    (read as asking how they came across), which the scorecard then quoted."""
    session = meet(marked)
    ask(marked, session, "I've been a pharmacy tech for 8 years, hoping to move into software.")
    [reply] = ask(marked, session, "Do you remember what I said I do now?")
    assert reply.startswith("[recall]") and "pharmacy tech" in reply, reply
    assert session.state == "converse"
    [said] = [t for t in session.turns if t.text == "Do you remember what I said I do now?"]
    assert "ask_feedback" not in said.acts


def test_the_contact_does_not_invent_what_the_user_does(marked: Engine) -> None:
    session = meet(marked)
    [reply] = ask(marked, session, "do you remember what my background is?")
    assert reply.startswith("[recall nothing]"), reply


@pytest.mark.parametrize(
    "about_work",
    [
        "are you a Figma person or still on Sketch?",
        "Is that your team in the photo?",
        "is it cold in the warehouse in winter, do you work in there?",
        "Lab research is lonely, they say. Is that a fair picture, or a misconception?",
    ],
)
def test_a_question_about_the_work_is_not_small_talk(marked: Engine, about_work: str) -> None:
    session = meet(marked)
    replies = ask(marked, session, about_work)
    assert not any(r.startswith("[personal]") for r in replies), replies


@pytest.mark.parametrize(
    "reaction",
    ["that's three times what I earn now. Sorry. Wow.", "Wow, is more than I win in Spain."],
)
def test_a_pay_figure_set_beside_the_users_own_gets_a_word_on_it(
    marked: Engine, reaction: str
) -> None:
    """Every pay comparison in a practising user's ten meetings got "Please, go ahead with
    your question", or "that's outside my lane": a reaction taken for a question."""
    session = meet(marked)
    ask(marked, session, "What's the pay like?")
    replies = ask(marked, session, reaction)
    assert len(replies) == 1 and replies[0].startswith("[pay reaction]"), replies


def test_a_pay_question_with_a_comparison_is_still_a_pay_question(marked: Engine) -> None:
    session = meet(marked)
    ask(marked, session, "What's the pay like?")
    replies = ask(marked, session, "would I earn more than I make now in retail?")
    assert replies and not any(r.startswith("[pay reaction]") for r in replies), replies
