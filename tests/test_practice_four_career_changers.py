"""Faults found by helpers practising as four job seekers (the session after stop 37): a
marketing assistant texting Anh, a Polish primary teacher with Femi, a warehouse
supervisor with Bernie and a paralegal with Naomi. Each is driven through the real
contact, from the lobby on, as the user said it."""

from __future__ import annotations

from datetime import timedelta

from flows.coaching import score_session
from flows.engine import Engine
from flows.session import Session
from tests.conftest import T0

_ENGINE = Engine()
_LOBBY = "Hello, I'm here to see them. 15 minutes early, in a suit, notebook and questions."


def _meeting(persona: str, steps: list[tuple[str, float]], **scenario: str) -> Session:
    """A meeting of ``steps`` (a message, then minutes to wait after it)."""
    session, _ = _ENGINE.start(
        persona, now=T0, seed=5, minutes=15, scenario={"tangent": "no", **scenario}
    )
    now = T0
    for text, wait in [(_LOBBY, 0.5), *steps]:
        _ENGINE.message(session, text, now)
        now += timedelta(minutes=wait)
    return session


def test_how_a_designer_finds_research_participants_is_not_a_request_for_names() -> None:
    """ "You said research clips. How do you find the people for the research, and how you
    talk with them?" at minute 1 got three names: the meeting jumped to its referral stage
    and the wrap-up reminder was cancelled (the learned reader alone read a request)."""
    session = _meeting(
        "femi",
        [
            ("Hello Femi, thank you for the tea.", 0.5),
            ("What is a normal day for you here?", 0.5),
            (
                "You said research clips. How do you find the people for the research, "
                "and how you talk with them?",
                0.5,
            ),
        ],
    )
    assert session.state == "converse", session.state
    assert not [t for t in session.turns if t.kind == "referrals"]
    assert "wrap_up" in session.nudges, session.nudges


def test_asking_how_i_came_across_before_i_go_declines_the_invitation_to_stay() -> None:
    """After Anh invited the user to stay, "before i go, how did i come across?" was taken
    as staying on; the scorecard said "Accepting the extra time let the conversation
    deepen", and the user's later "re the stay, thats so kind but i'll let u get back to
    the desk" got "That's beyond my patch"."""
    session = _meeting(
        "anh",
        [
            ("hey anh! thanks for making time", 0.5),
            ("how did u get into journalism?", 14),
            ("omg its nearly time, i dont want to keep u", 0.5),
            ("before i go, how did i come across? like honestly what are my strengths", 0.5),
            ("re the stay, thats so kind but i'll let u get back to the desk", 0.5),
        ],
        stay="yes",
    )
    kinds = [t.kind for t in session.turns if t.speaker == "contact"]
    assert "invite_stay" in kinds and "stay_declined" in kinds, kinds
    assert kinds[-1] == "stay_decline", (kinds[-1], session.turns[-1].text)
    assert kinds.count("stay_accepted") == 0
    assert "feedback" in kinds
    assert score_session(session).item("goodbye.stay").status != "passed"


def test_a_fit_question_from_someone_planning_to_apply_is_not_a_job_request() -> None:
    """ "I've been thinking about applying for support worker roles. Would someone like me,
    supervising a warehouse team for 18 years, fit in doing this?" got "I can't put anyone
    forward, not even my own nephew", and the scorecard said the user asked for a job."""
    session = _meeting(
        "bernie",
        [
            ("Hi Bernie, lovely to meet you.", 0.5),
            (
                "I've been thinking about applying for support worker roles. Would someone "
                "like me, supervising a warehouse team for 18 years, fit in doing this?",
                0.5,
            ),
        ],
    )
    said = [t for t in session.turns if t.speaker == "contact"][-1]
    assert said.kind == "answer" and said.ref.startswith("ask_fit"), (said.kind, said.ref)
    assert score_session(session).item("converse.no_job_ask").status == "passed"


def test_a_check_back_and_a_promise_in_one_message_are_both_heard() -> None:
    """ "It's frontline I'm after, support work. Would it be alright if I dropped you an
    email in a day or two to check back? And I promise I won't ask anyone you put me onto
    for a job." got the check-back; the scorecard said the user never reassured the
    contact about the people it would name (the promise rule allowed six words between
    "won't" and "job", not seven)."""
    session = _meeting(
        "bernie",
        [
            ("Hi Bernie, lovely to meet you.", 0.5),
            ("How did you get started in homelessness work?", 13),
            ("I know we're nearly at time, so I'll wrap up.", 0.5),
            ("How did I come across?", 0.5),
            ("Is there anyone else you think I should talk to?", 0.5),
            (
                "It's frontline I'm after, support work. Would it be alright if I dropped "
                "you an email in a day or two to check back? And I promise I won't ask "
                "anyone you put me onto for a job.",
                0.5,
            ),
        ],
        referrals="undecided",
    )
    card = score_session(session)
    assert card.item("referral.golden_rules").status == "passed"
    assert card.item("referral.check_back").status == "passed"


def test_strengths_and_weaknesses_asked_in_three_words_are_asked_for() -> None:
    """ "Before I go: how did I come across? Strengths and weaknesses, no cushioning." got
    the strengths only, and the scorecard said the user never asked for their strengths
    and weaknesses; "What's the weakness?" then got a deferral."""
    session = _meeting(
        "naomi",
        [
            ("Hi Naomi, thanks for making the time.", 0.5),
            ("How did you get into employment law?", 13),
            ("We're nearly at time, so I'll wrap up.", 0.5),
            ("Before I go: how did I come across? Strengths and weaknesses, no cushioning.", 0.5),
        ],
    )
    kinds = [t.kind for t in session.turns if t.speaker == "contact"]
    assert "strengths" in kinds or "feedback" in kinds, kinds
    assert score_session(session).item("goodbye.strengths").status == "passed"


def _said_after(session: Session, text: str) -> list[str]:
    before = len(session.turns)
    _ENGINE.message(session, text, session.turns[-1].at + timedelta(seconds=30))
    return [t.ref for t in session.turns[before:] if t.speaker == "contact"]


def _drifted_onto(persona: str, word: str, *questions: str) -> Session:
    """A meeting in which the contact, answering ``questions``, drifted onto the side story
    that names ``word`` (the seed that makes them do so)."""
    for seed in range(1, 60):
        session, _ = _ENGINE.start(persona, now=T0, seed=seed, minutes=20)
        for text in (_LOBBY, "Hello!", *questions):
            _ENGINE.message(session, text, session.turns[-1].at if session.turns else T0)
        if session.turns[-1].kind == "tangent" and word in session.turns[-1].text:
            return session
    raise AssertionError(f"{persona} never drifted onto the {word}")


def test_a_side_story_asked_for_by_name_is_told() -> None:
    """ "lol a goat?? ok u have to tell me about the goat" got more of how Anh started; "I
    noticed the strip of old adding-machine tape on your corkboard. Is there a story behind
    it?" got "carry it forward to our next conversation"; the drawing of a dog beside it
    got nothing at all. Each is a story or a line of the contact's own."""
    session = _meeting("anh", [("hey anh! thanks for making time", 0.5)])
    assert _said_after(session, "lol a goat?? ok u have to tell me about the goat") == [
        "tangent.0+"
    ]
    session = _meeting("tomas", [("Good morning, Tomás.", 0.5)])
    assert _said_after(
        session,
        "I noticed the strip of old adding-machine tape on your corkboard. Is there a story "
        "behind it?",
    ) == ["tangent.0+"]
    [family] = _said_after(
        session, "The drawing of a dog on your corkboard, is that from one of your children?"
    )
    assert family == "personal.family", family


def test_following_the_side_story_by_name_counts_as_following_it() -> None:
    """Femi drifted onto his nan and online bingo; "Online bingo? Now I must know this
    story. What happened with your nan?" got another story, and the scorecard said the user
    moved on from the side story."""
    session = _drifted_onto("femi", "bingo", "How did you start in UX?", "What do you like best?")
    said = _said_after(
        session, "Online bingo? Now I must know this story. What happened with your nan?"
    )
    assert said == ["tangent.1+"], said
    assert score_session(session).item("converse.tangent").status == "passed"


def test_a_role_never_runs_on_into_the_next_clause() -> None:
    """ "hey anh! thanks so much for making time, haha dw about the coffee im a marketing
    person i run on anything" got "A background in marketing person i run. Noted, and
    filed.": the role read ran on past "i"."""
    session = _meeting("anh", [])
    said = _said_after(
        session,
        "hey anh! thanks so much for making time, haha dw about the coffee im a marketing "
        "person i run on anything",
    )
    texts = [t.text for t in session.turns[-len(said) :]]
    assert not any("person i run" in t for t in texts), texts


def test_coming_back_for_the_side_story_later_counts_as_following_it() -> None:
    """Anh drifted onto the goat; the user asked another question first, then "ok wait u
    dodged the goat story lol. what happened with the goat". The scorecard said "You moved
    on", and the feedback "When I drifted off topic you steered straight back"."""
    session = _drifted_onto("anh", "goat", "how did u get into journalism?", "whats the best part")
    _said_after(session, "and whats the worst part")
    assert score_session(session).item("converse.tangent").status == "missed"
    said = _said_after(session, "ok wait u dodged the goat story lol. what happened with the goat")
    assert said == ["tangent.0+"], said
    assert score_session(session).item("converse.tangent").status == "passed"
    feedback = _said_after(session, "how did i come across? strengths n weaknesses?")
    text = " ".join(t.text for t in session.turns[-len(feedback) :])
    assert _ENGINE.personas["anh"].feedback_lines["tangent_ignored"] not in text, text


def test_what_a_new_teacher_starts_on_is_the_pay_and_a_past_that_helps_is_the_fit() -> None:
    """Practising as a lab technician with Carys: "Roughly what would I start on, though?
    I'm on about 24 thousand as a technician." got "That one is worth a full double
    period"; "Do you think being a technician first would help me as a teacher?" got how
    supply teaching works."""
    session = _meeting("carys", [("Hi Carys, sorry, I'm a bit nervous!", 0.5)])
    [pay] = _said_after(
        session, "Roughly what would I start on, though? I'm on about 24 thousand as a technician."
    )
    assert pay.startswith("pay."), pay
    fit = _said_after(session, "Do you think being a technician first would help me as a teacher?")
    assert fit[-1].startswith("ask_fit."), fit
