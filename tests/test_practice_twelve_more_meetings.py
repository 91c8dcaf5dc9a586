"""Faults found by four helpers practising twelve meetings as a new user would (the session
after stop 38): a warehouse supervisor with Freja, a psychology graduate texting Priya, a
retired sergeant with Helen, a maths teacher from Lagos with Femi, a bartender with Conor,
a paralegal with Naomi, a returner with Greg, a CS student with Dana, an accountant with
Tomás, a dictating veteran with Ray, a lab technician with Samuel and a receptionist with
Mei Ling. Each is driven through the real contact as the user said it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from flows.coaching import score_session
from flows.engine import Engine
from flows.session import Session
from tests.conftest import T0
from tests.real_contacts import ARRIVAL, meeting

_ENGINE = Engine()


def _kinds(session: Session, text: str) -> list[str]:
    """The kinds of the contact's lines right after the user's message ``text``."""
    at = next(i for i, t in enumerate(session.turns) if t.speaker == "user" and t.text == text)
    after = []
    for t in session.turns[at + 1 :]:
        if t.speaker == "user":
            break
        if t.speaker == "contact":
            after.append(t.kind)
    return after


@pytest.mark.parametrize(
    "follow_through",
    [
        "Thank you, I will send the note. Could you give me the names of two or three people?",
        "ha you're too kind, I will send that. would you know two or three people I could chat to?",
        "That's fair, and I'll send that email. Could you suggest two or three people to talk to?",
    ],
)
def test_following_through_is_not_a_new_offer(follow_through: str) -> None:
    """After the feedback, "I will send the note" (the thank-you the contact advised) got
    "That's so kind of you, I'll gladly take you up on it. Go on, next question" before the
    names, in five meetings with three contacts."""
    session, replies = meeting(
        "femi",
        "How did you get started?",
        "I can see we're nearly at time, and I want to respect your time.",
        "How did I come across? Any strengths and weaknesses?",
        follow_through,
    )
    assert "offer_accepted" not in _kinds(session, follow_through)
    assert "referrals" in _kinds(session, follow_through), replies[-1]


def test_thanks_with_the_promise_leaves_room_for_the_goodbye() -> None:
    """ "thanks. saoirse sounds most relevant. i wont ask any of them for a job, just
    advice" ended the meeting; the user's real goodbye then got "This practice is over", and
    "thanked the contact at the end" quoted the promise."""
    promise = "thanks. saoirse sounds most relevant. i wont ask any of them for a job, just advice"
    goodbye = "thanks dana, really useful. ill send the capstone link tonight"
    session, _ = meeting(
        "dana",
        "How did you get into engineering?",
        "we're at about 17 min, i know you have 20. dont want to run over",
        "anyone else i should talk to? 2 or 3 people maybe",
        promise,
        goodbye,
        scenario={"referrals": "names", "stay": "no"},
    )
    assert _kinds(session, promise) == ["golden_rule_ack"]
    assert "farewell" in _kinds(session, goodbye)
    assert session.state == "done"
    card = score_session(session)
    assert (
        "Thanks dana" in card.item("referral.thanks").evidence
        or goodbye[:20] in card.item("referral.thanks").evidence
    )


@pytest.mark.parametrize(
    "asked",
    [
        "ok. would it help my application if i worked as a PSW first like u did? i could do that"
        " while i do prereqs",
        "oh no sorry i wasnt asking u for a job!! i meant like a PSW job anywhere, would that"
        " experience look good on a nursing school application",
    ],
)
def test_a_question_about_a_school_application_is_not_a_job_request(asked: str) -> None:
    """Priya twice told a psychology graduate she could not put her forward for a job, and
    the scorecard marked "never asked for a job" as failed, quoting the apology."""
    priya = _ENGINE.personas["priya"]
    session, replies = meeting("priya", "how did u get into nursing??", asked)
    assert not set(replies[1]) & set(priya.job_deflection), replies[1]
    assert score_session(session).item("converse.no_job_ask").status == "passed"


def test_a_long_introduction_before_how_did_you_start_gets_the_start() -> None:
    """Freja answered where in Denmark the jobs are (the learned reader dropped the question
    and read the introduction's "regional distribution centre" as a question about place)."""
    opener = (
        "Hi Freja, thank you so much for making time for me. A bit about me: I'm 38 and I've "
        "been a warehouse supervisor for about nine years at a regional distribution centre, "
        "running a shift of around 40 people. I've got interested in sustainability through "
        "things like cutting our forklift battery waste and packaging. How did you get started "
        "in sustainability yourself?"
    )
    session, _ = meeting("freja", opener)
    refs = [t.ref for t in session.turns if t.speaker == "contact" and t.kind == "answer"]
    assert refs and refs[0].startswith("ask_start."), refs


def test_a_dictated_question_after_a_lead_in_is_answered() -> None:
    """ "ok one more technical one in colorado do i have to register with the state as an
    apprentice before i pull any wire..." (no punctuation) got "Copy that: your time as an
    apprentice. Fire away", and the veteran was an apprentice from then on."""
    from flows.userfacts import user_facts

    dictated = (
        "ok one more technical one in colorado do i have to register with the state as an "
        "apprentice before i pull any wire and do my hours only count if a licensed journeyman "
        "is supervising me"
    )
    session, replies = meeting("ray", "I was an Army vehicle mechanic for eight years.", dictated)
    assert "answer" in _kinds(session, dictated), replies[1]
    background = user_facts(session).background
    assert background is not None and "apprentice" not in background.role, background


def test_asking_for_the_story_the_contact_hinted_at_follows_it() -> None:
    """Dana ended her answer on "One egg, a lot of tape and thirty teenagers, but that's a
    whole story"; "ok i need the egg story" got "Sure. What would you like to dig into?",
    and the scorecard said the user moved on from the tangent."""
    wants = "ok i need the egg story"
    session, _ = meeting(
        "dana",
        "thanks for doing this. final year CS student, graduating in may.",
        "how did you get into engineering? saw you were a physics teacher",
        "ha. so you started in QA? how long before you were writing code",
        wants,
        seed=7,
    )
    assert _kinds(session, wants) == ["follow_up_answer"]
    assert session.turns[-1].ref.startswith("tangent.")
    assert "egg" in session.turns[-1].text
    assert score_session(session).item("converse.tangent").status == "passed"


def test_what_was_the_pgce_like_is_her_pgce_year() -> None:
    """Right after Carys's road in ("technician, PGCE, first teaching job..."), "What was the
    PGCE like?" got "the PGCE needs a proper lesson... email me and I'll send the notes"."""
    carys = _ENGINE.personas["carys"]
    _, replies = meeting("carys", "How did you get started in teaching?", "What was the PGCE like?")
    detail = next(
        s
        for s in carys.specifics
        if "pgce" in " ".join(s.keys).lower() and "like" in " ".join(s.keys)
    )
    assert replies[1][0].startswith(detail.say), replies[1]


@pytest.mark.parametrize(
    "asked",
    [
        "Where is your family from originally?",
        "Adeyemi, are you Yoruba? Do your people come from Nigeria?",
    ],
)
def test_where_their_family_is_from_is_where_they_are_from(asked: str) -> None:
    """A maths teacher from Lagos asked Femi about his roots and heard about his nieces and
    nephews, twice."""
    femi = _ENGINE.personas["femi"]
    _, replies = meeting("femi", asked)
    assert replies[0][0] in femi.personal["where_from"], replies[0]


def test_an_echoed_pay_figure_beside_the_users_own_is_a_reaction() -> None:
    """ "£30,000? That is less than I am making now..." right after the pay answer got
    another answer on pay (how it climbs), as if the echoed figure were a question."""
    femi = _ENGINE.personas["femi"]
    _, replies = meeting(
        "femi",
        "How much does a junior UX designer earn in London?",
        "£30,000? That is less than I am making now, about £38,000 a year. So I will have to "
        "tighten my belt for some time.",
    )
    assert replies[1] and replies[1][0] in femi.pay_reaction, replies[1]


def test_a_student_is_heard_as_one() -> None:
    """ "final year CS student, graduating in may" was not heard at all; Dana treated the
    student as a career changer and her feedback said she still didn't know what they do."""
    from flows.userfacts import user_facts

    session, _ = meeting(
        "dana", "thanks for doing this. final year CS student, graduating in may. mostly python"
    )
    background = user_facts(session).background
    assert background is not None and background.role == "CS student", background


@pytest.mark.parametrize(
    "how",
    [
        "Would you prefer to introduce me, or should I email him directly and mention your name?",
        "Understood. And on Ruairi, should I wait for you to introduce me, or just email him"
        " myself?",
    ],
)
def test_how_to_approach_the_names_gets_an_answer(how: str) -> None:
    """Naomi answered "On that one, anything from me would be a guess... I'm on firmer
    ground with where the field is heading" about her own colleague."""
    naomi = _ENGINE.personas["naomi"]
    session, _ = meeting(
        "naomi",
        "How did you get started in law?",
        "I see we're at about twenty minutes, and I want to respect your time.",
        "Could you suggest two or three people I could talk to?",
        how,
        scenario={"referrals": "names", "stay": "no"},
    )
    said = [t.text for t in session.turns if t.speaker == "contact"]
    assert said[-1] in naomi.reach_them, said[-1]


@pytest.mark.parametrize(
    ("asked", "parts"),
    [
        (
            "what is the part of the work you enjoy the most, and which one do you not like?",
            ["best", "least"],
        ),
        ("That sounds hard. And the part you like most?", ["best"]),
        ("Which part of the job do you enjoy the least?", ["least"]),
        ("What do you like most and least about being a partner?", ["best", "least"]),
        (
            "What's the part of HR business partnering you like most, and the part you like least?",
            ["best", "least"],
        ),
    ],
)
def test_the_likes_question_gets_the_parts_it_names(asked: str, parts: list[str]) -> None:
    """Femi and Mei Ling answered only the least-liked part of a two-part likes question,
    and "That sounds hard. And the part you like most?" got the hardest part again."""
    session, _ = meeting("meiling", asked)
    refs = [
        t.ref.split(".")[0] for t in session.turns if t.speaker == "contact" and t.kind == "answer"
    ]
    assert refs == parts, refs


def _feedback_after(persona: str, *said: str) -> str:
    """The contact's answer to "how did I come across? strengths and weaknesses?" after
    ``said``, near the end of the meeting."""
    session, _ = _ENGINE.start(persona, now=T0, seed=3, minutes=20)
    now = T0
    for text in (ARRIVAL, *said):
        _ENGINE.message(session, text, now)
        now += timedelta(minutes=1)
    _ENGINE.message(
        session, "I see we're nearly at time, I don't want to keep you.", T0 + timedelta(minutes=18)
    )
    before = len(session.turns)
    _ENGINE.message(
        session, "How did I come across? Any strengths and weaknesses?", T0 + timedelta(minutes=19)
    )
    return " ".join(t.text for t in session.turns[before:] if t.speaker == "contact")


_TERSE = ("how u start", "best part?", "worst part?", "pay?", "how would i fit", "any tips")
_LONG = tuple(
    "I have been thinking about this for a long time and I want to give you the whole picture "
    "before I ask, because my situation is a little unusual and I would value your honest view "
    "on it. I spent a long time in my last role weighing whether to make a move at all, and my "
    f"family has views too, which I keep turning over in my mind most evenings. {q}"
    for q in (
        "How did you get started?",
        "What do you like best?",
        "What do you like least?",
        "What is the pay like?",
        "How would someone like me fit in?",
    )
)
_SORRY = (
    "Sorry, how did you get started?",
    "Sorry to ask, what do you like best?",
    "Sorry, and the part you like least?",
    "Apologies, what is the pay like?",
    "How would someone like me fit in?",
)


@pytest.mark.parametrize(
    ("said", "key"),
    [(_TERSE, "terse"), (_LONG, "long_messages"), (_SORRY, "apologetic")],
)
def test_the_feedback_names_how_the_user_put_things(said: tuple[str, ...], key: str) -> None:
    """Practising users who texted three words at a time, wrote paragraphs or apologised all
    through heard "nothing went wrong today, so here's a stretch" from every contact."""
    from flows.feedback_lines import line

    greg = _ENGINE.personas["greg"]
    reply = _feedback_after("greg", *said)
    assert line(greg, key) in reply, reply


def test_a_plain_meeting_hears_none_of_them() -> None:
    greg = _ENGINE.personas["greg"]
    from flows.feedback_lines import line

    reply = _feedback_after(
        "greg",
        "How did you get started in product management?",
        "What do you like best about the work these days?",
        "And what's the part you like least, honestly?",
    )
    for key in ("terse", "long_messages", "apologetic", "bundled"):
        assert line(greg, key) not in reply, key


def test_the_card_quotes_the_fit_question_itself() -> None:
    """Four practising users' cards credited "asked how you fit" to an earlier question about
    their age, hours or accent, not to "how would someone like me fit in?"."""
    fit = "With my background in warehousing, how would someone like me fit in?"
    session, _ = meeting(
        "freja",
        "I'm 38, is that too late to start in sustainability?",
        "What do you like best?",
        fit,
    )
    assert fit in score_session(session).item("converse.fit").evidence


def test_the_card_quotes_the_promise_about_the_names() -> None:
    """A user apologised during the feedback ("i really didnt mean to ask u for a job"),
    then promised not to ask the people named for a job; the card quoted the apology."""
    promise = "and i promise i wont ask anyone u suggest for a job, just want to learn from them"
    session, _ = meeting(
        "priya",
        "how did u get into nursing??",
        "oh wait i think its been like 20 min already, i dont want to keep u too long",
        "oh no, i really didnt mean to ask u for a job, sorry if it came out wrong",
        "is there anyone else u think i should talk to? like 2 or 3 ppl",
        promise,
    )
    assert promise in score_session(session).item("referral.golden_rules").evidence


def test_asking_what_the_contact_invited_goes_on_with_that_answer() -> None:
    """Inês ended her bootcamp story on "Week eight I nearly quit. Ask me why I didn't.";
    "Ok, why you didn't quit in week eight?" got "too big to squeeze in here... message me
    on LinkedIn"."""
    ines = _ENGINE.personas["ines"]
    _, replies = meeting(
        "ines",
        "The course you did in the evenings, what was it like?",
        "Ok, why you didn't quit in week eight?",
    )
    told = next(s for s in ines.specifics if "Ask me why I didn't." in s.say)
    assert told.say in " ".join(replies[0]), replies[0]
    assert replies[1] == [told.more], replies[1]


def test_any_strengths_or_weak_spots_is_not_a_job_request() -> None:
    """ "...before i go how did i come across today any strengths or weak spots i should
    work on before i talk to other shops" got "I'm not skipping the process for anybody",
    and the card said the veteran asked for a job."""
    asked = (
        "i see were about at the 20 minutes i asked for so i want to respect that before i go"
        " how did i come across today any strengths or weak spots i should work on before i"
        " talk to other shops"
    )
    ray = _ENGINE.personas["ray"]
    session, replies = meeting("ray", "how did you get started in the trade", asked)
    assert not set(replies[1]) & set(ray.job_deflection), replies[1]
    card = score_session(session)
    assert card.item("converse.no_job_ask").status == "passed"
    assert card.item("goodbye.strengths").status == "passed"


def test_tell_me_the_story_right_after_the_drift_is_the_story() -> None:
    """Dana drifted onto "fifteen-year-olds and a robot that wouldn't drive straight";
    "wait tell me the robot story" got the rest of her answer on being on call, twice more
    something else, and never the robot."""
    dana = _ENGINE.personas["dana"]
    wants = "wait tell me the robot story"
    session, _ = meeting(
        "dana",
        "ok ready to go in",
        "hi dana thanks for meeting me. im a final year cs student. how did you go from"
        " teaching physics to engineering manager",
        "what do you like most and least about being a manager",
        wants,
        seed=7,
        arrival="hey got here like 10 min early. wearing a button down and slacks, got my"
        " notebook and my list of questions",
    )
    robot = next(t for t in dana.tangents if "robot" in t.drift)
    assert any(t.kind == "tangent" and robot.drift in t.text for t in session.turns)
    assert session.turns[-1].text == robot.follow_up, session.turns[-1].text
    assert score_session(session).item("converse.tangent").status == "passed"
