"""Faults found by eight practising users (the session after stop 39): questions about the
people the contact just named got "that one? can't help there" or a line of the contact's
own work; "Can I ask two last things?" got "I'd be bluffing"; "1 is commission capped. 2
best crm to learn" hid both questions; "I'm fifty, I've spent twenty-six years managing bank
branches" gave the name "Fifty" and no role; "what's the hardest part, and what do you like
least?" lost the hardest part."""

from __future__ import annotations

import re

import pytest

from flows.about_referrals import ASK_THEM, KNOWN_FROM, THEIR_WORK, referral_named
from flows.asked_items import asked_items
from flows.coaching import score_session
from flows.engine import Engine
from flows.self_description import read_message
from flows.understanding import normalised, signals, topic_positions, understand
from flows.userfacts import user_facts
from tests.real_contacts import meeting

_ENGINE = Engine()
_CONTACTS = sorted(_ENGINE.personas)
_NAMES = {"referrals": "names", "tangent": "no", "stay": "no"}
_TO_THE_NAMES = (
    "Thank you for your time today; I see we're nearly out of time.",
    "Could you suggest two or three people I could talk to?",
)


@pytest.mark.parametrize("persona", _CONTACTS)
def test_the_contact_answers_questions_about_each_person_named(persona: str) -> None:
    """How they know them, what the person's work is like, what to ask them: from what the
    contact knows of that person, one question each, never another person's line."""
    p = _ENGINE.personas[persona]
    asked = []
    for r in p.referrals:
        first = r.name.split()[0]
        asked += [
            (r, KNOWN_FROM, f"How do you know {first}?"),
            (r, THEIR_WORK, f"Does {first.lower()} work with data much?"),
            (r, ASK_THEM, f"What would {first} be best to ask about?"),
        ]
    _, replies = meeting(persona, *_TO_THE_NAMES, *(q for _, _, q in asked), scenario=_NAMES)
    for (referral, field, question), said in zip(asked, replies[2:], strict=True):
        assert said == [getattr(referral, field)], (question, said)


def test_a_person_asked_about_again_is_told_something_new_not_the_same_line() -> None:
    _, replies = meeting(
        "dana",
        *_TO_THE_NAMES,
        "Does Imre work with data much?",
        "Is Imre based in Chicago?",
        "And should I email Imre directly?",
        scenario=_NAMES,
    )
    imre = _ENGINE.personas["dana"].referrals[0]
    assert replies[2] == [imre.their_work]
    assert replies[3] and replies[3][0] in {imre.known_from, imre.ask_them}
    assert replies[4][0] in _ENGINE.personas["dana"].reach_them  # how to reach them


def test_only_one_person_named_is_about_that_person() -> None:
    referrals = _ENGINE.personas["naomi"].referrals
    last = referrals[1].name.split()[-1]  # a double surname, as the user may write it
    assert referral_named(referrals, f"how do you know {last.split('-')[0]}?") == 1
    assert referral_named(referrals, f"how do you know ms {last}?") == 1
    both = f"Do {referrals[0].name.split()[0]} and {referrals[1].name.split()[0]} know each other?"
    assert referral_named(referrals, both) is None
    assert referral_named(referrals, "how do you know them all?") is None


def test_before_the_names_a_name_is_not_a_person_named() -> None:
    """Before the contact has named anyone, the same question is not answered from the
    referral list (the user cannot know those people yet)."""
    imre = _ENGINE.personas["dana"].referrals[0]
    _, replies = meeting("dana", "How do you know Imre?", scenario=_NAMES)
    assert imre.known_from not in replies[0]


@pytest.mark.parametrize("persona", _CONTACTS)
def test_asking_leave_to_ask_more_gets_a_yes(persona: str) -> None:
    p = _ENGINE.personas[persona]
    _, replies = meeting(
        persona,
        "How did you get started?",
        "Can I ask two last things?",
        "Mind if I ask a couple more?",
        "May I trespass upon your patience with two final questions?",
    )
    yes = {*p.ask_away, *p.go_ahead}
    for said in replies[1:]:
        assert len(said) == 1 and said[0] in yes, said
    assert len({s[0] for s in replies[1:]}) == 3  # never the same line twice


@pytest.mark.parametrize(
    "text",
    [
        "Can I ask what you earn?",
        "Can I ask you something personal?",
        "what are the top two things?",
        "I have two kids and one dog",
    ],
)
def test_a_question_is_not_leave_to_ask(text: str) -> None:
    assert "may_i_ask" not in signals(text)


def test_a_numbered_list_of_questions_is_read_without_its_numbers() -> None:
    assert normalised("1 is commission capped. 2 best crm to learn") == (
        "is commission capped . best crm to learn"
    )
    assert normalised("1) pay? 2) hours?") == "pay ? hours ?"
    # numbers that do not number questions stay
    assert normalised("I have 2 kids and 1 dog") == "i have 2 kids and 1 dog"
    assert normalised("1 thing: 2 people told me") == "1 thing : 2 people told me"
    kept = "I worked 1 year. 2 years ago I left"
    assert normalised(kept) == "i worked 1 year . 2 years ago i left"
    _, replies = meeting("conor", "Can I ask two things?", "1 is commission capped. 2 best crm")
    conor = _ENGINE.personas["conor"]
    assert replies[1] and replies[1][0] not in conor.go_ahead  # an answer, not another go-ahead


def test_an_age_is_not_a_name_and_twenty_six_years_of_branches_is_a_role() -> None:
    name, background, _ = read_message(
        "Good morning Helen, thank you for seeing me. I'm fifty, I've spent twenty-six years "
        "managing bank branches, and I'm looking seriously at council housing work."
    )
    assert name == ""
    assert background is not None and "bank branches" in background.role
    assert background.years == "twenty six"
    _, managed, _ = read_message("I've managed bank branches for 26 years")
    assert managed is not None and managed.role == "bank branch manager"
    _, student, _ = read_message("I'm a second-year biology undergrad")
    assert student is not None and student.role == "biology undergrad"
    session, replies = meeting(
        "helen",
        "I'm fifty, I've spent twenty-six years managing bank branches.",
        "How would someone with my background fit in?",
    )
    assert "bank branches" in user_facts(session).background.role
    assert "bank" in " ".join(replies[1]).lower()


@pytest.mark.parametrize(
    ("question", "topics"),
    [
        ("What's the hardest part, and what do you like least?", ["hardest", "least"]),
        ("what do you like most and what's the hardest part?", ["best", "hardest"]),
        ("What's the toughest bit of the job and what do you enjoy?", ["hardest", "best"]),
        ("That sounds hard. And the part you like most?", ["best"]),
    ],
)
def test_a_hardest_part_asked_beside_a_likes_part_is_asked(
    question: str, topics: list[str]
) -> None:
    items = asked_items(question, set(understand(question)), is_question=True)
    assert [i.key for i in items] == topics


def test_jobs_a_shop_is_running_and_whether_employers_hire_vets_are_not_a_job_ask() -> None:
    """To an electrician, "jobs" are projects; the veteran was told that asking for work
    put the contact in a tough spot, and the scorecard marked it."""
    _, replies = meeting(
        "ray",
        "What kind of jobs is your shop running this month, and in general do contractors "
        "actually want to hire vets?",
    )
    ray = _ENGINE.personas["ray"]
    assert not set(replies[0]) & set(ray.job_deflection), replies[0]
    assert "ask_job" not in understand(
        "What kind of jobs is your shop running this month, and in general do contractors "
        "actually want to hire vets?"
    )
    assert "ask_job" in understand("Would your shop hire someone like me?")


@pytest.mark.parametrize(
    "text",
    [
        "feedback? strengths weaknesses",
        "Could you give me some feedback on how I came across? Like strengths and weaknesses?",
    ],
)
def test_strengths_and_weaknesses_asked_in_passing_are_asked(text: str) -> None:
    """The scorecard said "✗ Asked for your strengths and weaknesses" to both."""
    assert {"ask_feedback", "ask_strengths"} <= understand(text)
    assert "ask_strengths" not in understand("strengths and weaknesses of my resume?")


def test_a_few_minutes_early_is_not_ten_to_fifteen() -> None:
    """ "I'm a few minutes early" was marked "✓ Arrived 10-15 minutes early"; the scorecard
    now quotes it and says why it falls short."""
    for said, status in (
        ("Hello, I'm a few minutes early, hope that's alright.", "missed"),
        ("Hi, I got here about 5 mins early.", "missed"),
        ("Hi, I got here about fifteen minutes early.", "passed"),
        ("Hello, I'm 10-15 minutes early.", "passed"),
    ):
        session, _ = meeting("femi", "How did you get started?", arrival=said)
        item = score_session(session).item("arrive.early")
        assert item.status == status, (said, item)
        if status == "missed":
            assert "ten to fifteen" in (item.evidence or ""), item


def test_should_i_teach_myself_is_not_being_a_teacher() -> None:
    """A returner asked "should I teach myself?" and heard Femi send her to Halima "as
    you're coming from your time as a teacher"; raising three children is her background."""
    session, _ = meeting(
        "femi",
        "I've been at home raising my three children for the past eight years.",
        "Would a bootcamp be worth it for me, or should I teach myself?",
    )
    background = user_facts(session).background
    assert background is not None and background.role == "stay-at-home parent"
    assert background.years == "eight"
    _, taught, _ = read_message("I taught for 10 years")
    assert taught is not None and taught.role == "teacher"


@pytest.mark.parametrize(
    ("persona", "question"),
    [
        (
            "helen",
            "How does pay for a policy officer at a council compare with a similar role at a "
            "housing association?",
        ),
        (
            "samuel",
            "How does a postdoc salary in Boston compare with a job in industry?",
        ),
        (
            "femi",
            "How much does a junior UX designer earn in London compared with Manchester?",
        ),
        ("ines", "Is the salary in Lisbon better than in Porto?"),
    ],
)
def test_pay_compared_between_two_places_or_employers_speaks_of_both(
    persona: str, question: str
) -> None:
    """Every practising user who compared pay heard one side only (London rent only; how
    council pay spines work; a technician's salary): the contact's detail written for
    comparing them."""
    session, replies = meeting(persona, question)
    [ref] = [t.ref for t in session.turns if t.speaker == "contact" and t.text == replies[0][0]]
    assert ref.startswith("spec."), (question, replies[0])
    detail = _ENGINE.personas[persona].specifics[int(ref.split(".")[1].rstrip("+"))]
    comparing = re.compile(r"compar|\bvs\b|versus|\bthan\b|differ|\bgap\b|\bmore\b|\bless\b|better")
    assert all(comparing.search(ask.lower()) for ask in detail.asks), (question, detail.say)


@pytest.mark.parametrize("persona", _CONTACTS)
def test_thanks_before_a_plain_pay_question_is_not_a_comparison(persona: str) -> None:
    """Keys match at word starts: "than" found "Thanks", and a plain pay question got the
    comparison of two cities."""
    session, replies = meeting(persona, "Thanks! And what's the pay like?")
    refs = [t.ref for t in session.turns if t.speaker == "contact" and t.text in replies[0]]
    assert refs and refs[0].startswith("pay"), (replies[0], refs)


@pytest.mark.parametrize("persona", _CONTACTS)
def test_a_gap_on_the_cv_gets_the_contacts_advice_on_gaps(persona: str) -> None:
    """ "I have an eight-year gap on my CV from raising my kids. How should I explain it?"
    got the contact's general résumé tips; "cv gap 2 yrs travelling" got where the jobs are."""
    family, other = _ENGINE.personas[persona].resume_gap
    _, replies = meeting(
        persona,
        "I have an eight-year gap on my CV from raising my kids. How should I explain it?",
        "cv gap 2 yrs travelling",
    )
    assert replies[0] == [family], replies[0]
    assert replies[1] == [other], replies[1]


def test_a_gap_told_already_is_not_answered_with_the_other_kind_of_gap() -> None:
    conor = _ENGINE.personas["conor"]
    _, replies = meeting(
        "conor",
        "cv gap 2 yrs travelling",
        "I was out of work for a year after an illness. Will that hurt me?",
    )
    assert replies[0] == [conor.resume_gap[1]]
    assert conor.resume_gap[0] not in replies[1]


@pytest.mark.parametrize(
    "text",
    [
        "What's the gap between junior and senior pay?",
        "is there a skills gap in the industry?",
        "How much time off do you get?",
    ],
)
def test_other_gaps_are_not_a_gap_on_the_cv(text: str) -> None:
    assert "cv_gap" not in signals(text)


def _stay_meeting(persona: str, *after_invitation: str) -> tuple[object, list[list[str]]]:
    """A meeting whose contact invites the user to stay once the time is raised at 18
    minutes; then ``after_invitation``."""
    from datetime import timedelta

    from tests.conftest import T0

    engine = _ENGINE
    session, _ = engine.start(
        persona, now=T0, seed=3, minutes=20, scenario={"stay": "yes", "tangent": "no"}
    )
    engine.message(session, "Hello, I got here early, in a suit, with my notebook.", T0)
    engine.message(session, "How did you get started?", T0 + timedelta(minutes=1))
    engine.message(session, "Nearly out of time.", T0 + timedelta(minutes=18))
    replies = []
    for i, text in enumerate(after_invitation):
        before = len(session.turns)
        engine.message(session, text, T0 + timedelta(minutes=18, seconds=30 * (i + 1)))
        replies.append([t.text for t in session.turns[before:] if t.speaker == "contact"])
    return session, replies


def test_staying_on_is_said_as_it_happened() -> None:
    """ "Stayed when invited" quoted "how did I come across?" alone for a user who said
    nothing of the offer (who took it for a wrong quote), and "you left" for one who asked a
    question with no act of its own; "Nearly out of time." at 18 of 20 was not heard."""
    session, _ = _stay_meeting("helen", "Could you tell me how I came across?")
    card = score_session(session)  # type: ignore[arg-type]
    assert card.item("goodbye.time").status == "passed"
    stay = card.item("goodbye.stay")
    assert stay.status == "passed" and "without a word on the offer" in stay.evidence, stay
    session, _ = _stay_meeting("helen", "Oh yes, I'd love to stay a few more minutes.")
    assert score_session(session).item("goodbye.stay").status == "passed"  # type: ignore[arg-type]
    session, _ = _stay_meeting("helen", "What does a policy officer's first year look like?")
    assert score_session(session).item("goodbye.stay").status == "passed"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "act"),
    [
        ("Nearly out of time.", "time_check"),
        ("Time's about up.", "time_check"),
        ("How did I come across? Strengths, weaknesses?", "ask_strengths"),
        ("What is good and what is bad in me?", "ask_strengths"),
        ("Is bootcamp necessary for me, or my graphic design experience is enough?", "ask_fit"),
    ],
)
def test_terse_and_second_language_asks_of_the_wrap_up_are_heard(text: str, act: str) -> None:
    """Each was marked as never done by a practising user who had done it."""
    assert act in understand(text)


def test_tell_me_more_right_after_the_drift_tells_the_drift() -> None:
    """ "Wait, tell me more about that!" right after Dana drifted onto her new engineers'
    week at a warehouse got the rest of her road into software instead (and the scorecard
    still credited following the tangent)."""
    session, replies = meeting(
        "dana",
        "So what does a normal day look like for you?",
        "How did you get into software from teaching?",
        "Wait, tell me more about that!",
        scenario={"tangent": "yes", "stay": "no", "referrals": "names"},
    )
    drift = next(t for t in session.turns if t.kind == "tangent")
    told = next(x for x in _ENGINE.personas["dana"].tangents if drift.text.endswith(x.drift))
    assert replies[2] == [told.follow_up], replies[2]
    assert score_session(session).item("converse.tangent").status == "passed"


@pytest.mark.parametrize(
    ("persona", "question"),
    [
        ("conor", "first yr as AE like? and what do SDRs get paid now"),
        (
            "femi",
            "What was your first year at the agency like, and what do junior designers get "
            "paid in London now?",
        ),
    ],
)
def test_the_contacts_own_first_year_and_pay_are_both_answered(persona: str, question: str) -> None:
    """Both lost their first part: "first year" got a career summary or nothing ("first yr"
    read as "first your")."""
    session, replies = meeting(persona, question)
    refs = [t.ref for t in session.turns if t.speaker == "contact" and t.text in replies[0]]
    assert len(refs) == 2 and refs[0].startswith("spec.") and refs[1].startswith("pay"), refs
    detail = _ENGINE.personas[persona].specifics[int(refs[0].split(".")[1].rstrip("+"))]
    assert any("first year" in ask.lower() for ask in detail.asks)


def test_getting_registered_and_growth_or_hype_are_topics() -> None:
    """ "How do I get registered in Ontario?" got "please hold how to get registered in
    Ontario until we next talk"."""
    _, replies = meeting("priya", "How do I get registered in Ontario?")
    assert "College of Nurses" in " ".join(replies[0]), replies[0]
    assert "future" in dict(topic_positions("EV chargers, real growth or hype?"))
    assert "future" not in dict(topic_positions("ai in HR: threat or hype?"))


def test_the_training_sets_of_this_session_hold_their_figures() -> None:
    """``python -m tests.eval.asides`` and ``tests.eval.after_names`` on the training sets
    (tests/data/README.md): leave / gap / neither 0.938 / 0.738 / 1.000; the answer asked for
    after the names 0.941. Floors a little below."""
    from tests.eval import after_names, asides
    from tests.eval.sets import load

    rows = load(asides.DATA / "asides_train.jsonl")
    for label, floor in (("leave", 0.92), ("gap", 0.72), ("none", 0.98)):
        mine = [r for r in rows if r["label"] == label]
        assert sum(asides.read_as(r["text"]) == label for r in mine) / len(mine) >= floor, label
    engine = _ENGINE
    judged = [
        after_names.judged(engine, r) for r in load(after_names.DATA / "after_names_train.jsonl")
    ]
    assert sum(ok for _, ok, _ in judged) / len(judged) >= 0.92


def test_the_held_out_sets_of_this_session_hold_their_last_scores() -> None:
    """Blind, scored on arrival with the start code and with this session's code, then once
    more after the training sets (errors never read; tests/data/README.md): the answer asked
    for after the names 0.029 -> 0.624 -> 0.788; leave / gap / neither 0.00 / 0.00 / 1.00 ->
    0.26 / 0.24 / 0.98 -> 0.80 / 0.76 / 0.98. Floors a little below; score only."""
    from tests.eval import after_names, asides
    from tests.eval.sets import load

    rows = load(asides.DATA / "asides_blind_heldout.jsonl")
    right = sum(asides.read_as(r["text"]) == r["label"] for r in rows) / len(rows)
    assert right >= 0.84
    judged = [
        after_names.judged(_ENGINE, r)
        for r in load(after_names.DATA / "after_names_blind_heldout.jsonl")
    ]
    assert sum(ok for _, ok, _ in judged) / len(judged) >= 0.77


def test_early_first_in_a_list_of_fragments_is_arriving_early() -> None:
    """A terse user's "Early. Work jacket, clean boots. Notebook, questions. Ready." was
    marked as never saying they arrived early."""
    from flows.understanding import Context

    lobby = Context("arrive", "")
    text = "Early. Work jacket, clean boots. Notebook, questions. Ready."
    assert "arrive_early" in understand(text, lobby)
    assert "arrive_early" not in understand("I start early. Is that normal?", lobby)
