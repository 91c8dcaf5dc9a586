"""Small talk that builds rapport, asked of the contact: where they are from, their family,
what they do for fun. Every contact brushed these off ("our time is short, and your
questions about science are the better use of it"); each now answers from their own life
in a line or two and hands the floor back."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from flows.engine import Engine
from flows.persona import PERSONA_DIR
from flows.persona_check import check_personas
from flows.session import Turn
from tests.conftest import T0
from tests.real_contacts import replies_in_turn

_ENGINE = Engine()
CONTACTS = sorted(_ENGINE.personas)


def _meeting(persona: str, *questions: str) -> list[Turn]:
    """The contact's first line after each question, asked in turn in one meeting."""
    return [said[0] for said in replies_in_turn(persona, *questions, seed=3)]


@pytest.mark.parametrize("persona", CONTACTS)
@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Where are you from originally?", "where_from"),
        ("do you have kids?", "family"),
        # (a second-language speaker got "that one lies outside my knowledge")
        ("You have children?", "family"),
        ("What do you do for fun?", "pastime"),
        # (it got Inês's answer on stress at work: "the stress comes from vague questions")
        ("What do you do to switch off at the weekend?", "pastime"),
        ("what do you get up to outside of work?", "pastime"),
    ],
)
def test_the_contact_answers_small_talk_from_their_own_life(
    persona: str, question: str, kind: str
) -> None:
    [said] = _meeting(persona, question)
    assert said.kind == "personal", (said.kind, said.text)
    assert said.text in _ENGINE.personas[persona].personal[kind]  # type: ignore[index]


def test_asked_again_the_contact_says_something_new_then_hands_the_floor_back() -> None:
    first, second, third = _meeting(
        "samuel", "Where are you from?", "so where did you grow up?", "where are you from again?"
    )
    assert first.kind == second.kind == "personal"
    assert first.text != second.text
    assert third.kind == "personal_aside"  # (no line said twice in a meeting)


def test_other_personal_questions_still_get_the_warm_aside() -> None:
    [said] = _meeting("dana", "is that your dog in the photo?")
    assert said.kind == "personal_aside", said.kind


def test_every_contact_has_two_lines_of_each_kind(tmp_path: Path) -> None:
    raw = yaml.safe_load((PERSONA_DIR / "dana.yaml").read_text(encoding="utf-8"))
    for field in ("personal", "personal_heard", "personal_more"):
        raw[field]["family"] = raw[field]["family"][:1]
        del raw[field]["pastime"]
    (tmp_path / "dana.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    problems = {(p.field, p.message) for p in check_personas(tmp_path)}
    assert problems == {
        ("personal.family", "needs at least two variants"),
        ("personal.pastime", "needs at least two variants"),
    }


def test_where_they_grew_up_is_not_how_they_got_started() -> None:
    """ "Where did you grow up?" got the small-talk line and then the whole road into the
    job: the learned reader alone read it as the classic "how did you get started"."""
    session, _ = _ENGINE.start("bernie", now=T0, seed=3, minutes=30)
    _ENGINE.message(session, "Hi, I'm ready.", T0)
    before = len(session.turns)
    _ENGINE.message(session, "Where did you grow up?", T0)
    said = [t for t in session.turns[before:] if t.speaker == "contact"]
    assert [t.kind for t in said] == ["personal"], [(t.kind, t.ref) for t in said]


def test_a_question_about_pets_hears_about_the_pet() -> None:
    """ "do you have any pets?" got "No kids. My partner, Jo, is an ER nurse..." when the
    contact's other family line is about her greyhound."""
    [said] = _meeting("dana", "do you have any pets?")
    assert "greyhound" in said.text, said.text


@pytest.mark.parametrize("persona", CONTACTS)
def test_where_they_are_from_originally_is_where_they_grew_up(persona: str) -> None:
    """ "where are you from originally?" got Inês's second line, on moving to Lisbon at
    twenty-one, not Viseu, where she grew up."""
    [said] = _meeting(persona, "Before we dive in - where are you from originally?")
    assert said.text == _ENGINE.personas[persona].personal["where_from"][0], said.text


def test_tell_me_more_after_small_talk_hears_what_comes_next() -> None:
    """ "tell me more" after Dana's home town got "Honestly, that story ends there": she
    has more on it, and a second line, on where she lives now."""
    _, origin, more, other, more_again, again = _meeting(
        "dana",
        "How did you get started?",
        "Where are you from originally?",
        "oh cool, tell me more",
        "tell me more",
        "go on",
        "tell me more",
    )
    lines = _ENGINE.personas["dana"].personal["where_from"]
    after = _ENGINE.personas["dana"].personal_more["where_from"]
    assert (origin.text, more.text, other.text, more_again.text) == (
        lines[0],
        after[0],
        lines[1],
        after[1],
    )
    assert again.kind == "nothing_more", again.kind


@pytest.mark.parametrize("persona", CONTACTS)
@pytest.mark.parametrize(
    ("question", "answer", "kind"),
    [
        ("Where did you grow up?", "I grew up in Manila, actually.", "where_from"),
        ("Do you have kids?", "Yes, a daughter, she's six.", "family"),
        ("What do you do for fun?", "I play the guitar a bit.", "pastime"),
    ],
)
def test_the_user_answering_the_contact_back_is_heard(
    persona: str, question: str, answer: str, kind: str
) -> None:
    """A contact's small talk often ends by asking the user back ("Do you live in the
    city?"); the answer got "Okay, over to you. What's on your list?", and "I play the
    guitar a bit." got "Ha, likewise. Don't worry about being polite with me..." """
    told, heard = _meeting(persona, question, answer)
    p = _ENGINE.personas[persona]
    assert told.kind == "personal", (told.kind, told.text)
    line = p.personal[kind].index(told.text)  # type: ignore[index]
    assert heard.kind == "personal_heard", (heard.kind, heard.text)
    assert heard.text == p.personal_heard[kind][line]  # type: ignore[index]


def test_an_answer_with_a_question_in_it_gets_the_question_answered() -> None:
    _, then = _meeting("dana", "Do you have kids?", "Not yet! And what's the pay like?")
    assert then.kind != "personal_heard", then.text
    assert then.ref.startswith("pay."), (then.ref, then.text)


def test_the_word_on_the_users_answer_is_said_once() -> None:
    """Answering twice does not hear the same line twice."""
    _, heard, again = _meeting("dana", "Do you have kids?", "No, not yet.", "Maybe one day.")
    assert heard.kind == "personal_heard"
    assert again.text != heard.text


def test_every_line_of_their_life_has_a_word_for_the_users_answer(tmp_path: Path) -> None:
    raw = yaml.safe_load((PERSONA_DIR / "dana.yaml").read_text(encoding="utf-8"))
    raw["personal_heard"]["family"] = raw["personal_heard"]["family"][:1]
    (tmp_path / "dana.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    problems = {(p.field, p.message) for p in check_personas(tmp_path)}
    assert problems == {("personal_heard.family", "needs one line per personal.family line")}


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        # asked in ways the rules did not know (0.385-0.445 of such questions were heard)
        ("where u from originally", "where_from"),
        ("Have you always lived in Chicago?", "where_from"),
        ("What first brought you to Chicago?", "where_from"),
        ("are you a Chicago native?", "where_from"),
        ("Are you married?", "family"),
        ("how many kids have you got?", "family"),
        ("Is your family nearby?", "family"),
        ("Got any pets?", "family"),
        ("Any hobbies outside work?", "pastime"),
        ("How do you like to spend your free time?", "pastime"),
        ("any fun plans for the weekend?", "pastime"),
    ],
)
def test_small_talk_asked_many_ways_is_heard(question: str, kind: str) -> None:
    [said] = _meeting("dana", question)
    assert said.kind == "personal", (said.kind, said.text)
    assert said.text in _ENGINE.personas["dana"].personal[kind]  # type: ignore[index]


@pytest.mark.parametrize(
    "question",
    [
        "Is teaching family-friendly in terms of hours?",
        "How long have you been in HR?",
        "Did you grow up in the industry?",
        "Were you always in finance, or did you come from somewhere else?",
        "Do hobby projects count with employers?",
        "How do you switch off after hearing people's trauma all day?",
        "Is your accent ever a problem with clients?",
        # (Priya, asked by a nurse from Brazil, said where she grew up first)
        "What is the hardest for nurses who come from other country?",
    ],
)
def test_work_questions_that_share_a_word_are_not_small_talk(question: str) -> None:
    [said] = _meeting("dana", question)
    assert said.kind != "personal", (said.kind, said.text)


@pytest.mark.parametrize(
    ("persona", "question", "line"),
    [
        ("ines", "Do you surf, Inês?", 0),
        ("tomas", "Do you cycle much?", 0),
        ("helen", "Do you sing at all?", 0),
        ("meiling", "do you still swim?", 0),
    ],
)
def test_a_pastime_they_have_asked_by_name_hears_about_it(
    persona: str, question: str, line: int
) -> None:
    """ "Do you surf, Inês?" got the warm aside ("Off topic. I like it, though."), though
    surfing is her pastime; a pastime they do not have keeps the aside."""
    [said] = _meeting(persona, question)
    assert said.text == _ENGINE.personas[persona].personal["pastime"][line], said.text


def test_a_pastime_they_do_not_have_hears_a_friendly_no() -> None:
    """ "do you play the guitar?" to Helen, who sings, got "Were this a committee, I should
    have to rule it out of scope"; "Are you into gaming?" got "I'd rather not go into that
    one here". A plain no, what she does instead, then the floor back; once each."""
    guitar, gaming, golf = _meeting(
        "helen", "do you play the guitar?", "Are you into gaming?", "Do you golf?"
    )
    no = _ENGINE.personas["helen"].pastime_not_mine
    assert {guitar.text, gaming.text} == set(no), (guitar.text, gaming.text)
    assert guitar.ref == gaming.ref == "personal.pastime_not_mine"
    assert golf.kind == "personal_aside", (golf.kind, golf.text)


@pytest.mark.parametrize("persona", CONTACTS)
@pytest.mark.parametrize(
    ("question", "words"),
    [
        ("How old are your kids now?", ("kid", "children", "son", "daughter", "boys", "girls")),
        ("ur married right?", ("husband", "wife", "partner", "married")),
        (
            "Your parents, they are still living near you?",
            ("mother", "father", "mum", "mom", "mam", "dad", "parents"),
        ),
    ],
)
def test_family_taken_as_given_hears_the_line_on_them_or_the_aside(
    persona: str, question: str, words: tuple[str, ...]
) -> None:
    """ "ur married right?" and "how old are your kids now?" got the warm aside from every
    contact, those who talk of their husband or children included; a contact with no line
    on them keeps the aside rather than a line about the dog."""
    [said] = _meeting(persona, question)
    family = _ENGINE.personas[persona].personal["family"]
    on_them = [line for line in family if any(w in line.lower() for w in words)]
    if on_them:
        assert said.text in on_them, (said.kind, said.text)
    else:
        assert said.kind == "personal_aside", (said.kind, said.text)
