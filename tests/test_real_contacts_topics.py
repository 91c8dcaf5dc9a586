"""Questions put to the packaged contacts in practice get the topic and the answer they
ask: the contact's own day and work, their field's terms, the hard part, the stress, the
future, the local language, an answer kept for the case it speaks to."""

from __future__ import annotations

import pytest

from flows.asking import question_topics
from flows.engine import Engine
from flows.persona import load_personas
from flows.understanding import understand
from tests.conftest import T0
from tests.marked_persona import ask
from tests.real_contacts import _REAL, _asked_in_turn


def test_a_welsh_teacher_speaks_of_welsh() -> None:
    """The Cardiff science teacher answered "Do you speak Welsh yourself?" with "that's
    beyond my lab bench", "Do I need to speak Welsh?" with "Often, yes" (her answer on
    foreign qualifications) and the kids' Welsh in lessons with her answer on stress."""
    need, own, kids = (
        t.ref
        for t in _asked_in_turn(
            "carys",
            "Do I need to speak Welsh to teach in Wales?",
            "Do you speak Welsh yourself?",
            "how much Welsh do the kids speak in lessons?",
        )
    )
    assert need == "from_abroad.1"
    assert own.startswith("spec.") and kids == f"{own}+"


def test_an_answer_about_one_thing_waits_for_a_question_about_it() -> None:
    """Her Welsh answer is one of two on coming from abroad; a follow-up about visas gets
    the rest of the first, not the Welsh one."""
    first, visas = (
        t.ref
        for t in _asked_in_turn(
            "carys",
            "I trained as a teacher in Kerala, would that count here?",
            "and do schools sponsor visas?",
        )
    )
    assert first == "from_abroad.0" and visas == "from_abroad.0+"


def test_a_topic_asked_of_the_contacts_past_is_still_that_topic() -> None:
    engine = Engine()
    session, _ = engine.start("bernie", now=T0, seed=1, minutes=20)
    engine.message(session, "Hi, I'm ready.", T0)
    engine.message(session, "What was the pay like when you started in retail?", T0)
    assert session.turns[-1].ref.startswith("pay.")


@pytest.mark.parametrize(
    ("persona", "question", "ref"),
    [
        ("dana", "What does a typical day look like for you as a manager?", "typical_day.0"),
        ("dana", "what's a normal day like for a junior developer?", "typical_day.1"),
        ("priya", "what's a typical day like for you?", "typical_day.0"),
        ("priya", "what's a typical shift like for a new grad nurse?", "typical_day.1"),
        ("ray", "What does a normal day look like for an apprentice?", "typical_day.1"),
    ],
)
def test_your_typical_day_is_the_contacts_own(persona: str, question: str, ref: str) -> None:
    """ "What does a typical day look like for you as a manager?" got "For a developer on my
    team, a normal day is..." from Dana (and from three other contacts, someone else's day):
    a day of another role is told when the question names that role."""
    for seed in range(4):
        [reply] = _asked_in_turn(persona, question, seed=seed)
        assert reply.ref == ref, (seed, reply.text)


@pytest.mark.parametrize(
    ("persona", "question", "word"),
    [
        ("freja", "Do I need to speak Danish to work in Copenhagen?", "Danish"),
        ("ines", "Would I need to speak Portuguese to work in Lisbon?", "Portuguese"),
    ],
)
def test_the_local_language_is_answered_not_the_work_permit(
    persona: str, question: str, word: str
) -> None:
    """ "Do I need to speak Danish to work in Copenhagen?" got Freja's answer on work
    permits: the one answer she had on coming from abroad. The contacts who work outside
    the English-speaking world now say what the local language does at work."""
    [reply] = _asked_in_turn(persona, question)
    assert reply.ref == "from_abroad.1" and word in reply.text


def test_do_pms_need_to_code_gets_the_answer_that_speaks_of_code() -> None:
    """ "do PMs need to code?" got Greg's general "three things" answer on what it takes,
    while his other answer on it says how technical a PM must be."""
    [reply] = _asked_in_turn("greg", "do PMs need to code?")
    assert reply.ref == "ask_qualifications.1" and "code" in reply.text


def test_what_are_you_working_on_is_the_contacts_own_work() -> None:
    """ "What are you working on in the lab at the moment?" got Samuel's "I would like to do
    justice to that one": a question about his own lab, deferred as if outside it. It got
    what his lab does, and now his own project this month (his detail on current work)."""
    [reply] = _asked_in_turn("samuel", "What are you working on in the lab at the moment?")
    assert reply.ref.startswith("spec."), reply.text
    spec = load_personas()["samuel"].specifics[int(reply.ref.split(".")[1].rstrip("+"))]
    assert spec.subject == "current_work", reply.text


@pytest.mark.parametrize("seed", range(6))
def test_an_answer_for_veterans_is_kept_for_a_question_about_them(
    engine: Engine, seed: int
) -> None:
    """Ray's GI Bill answer starts "If you're a veteran": a line cook asking what the
    apprenticeship is like gets the front door, not that."""
    session, _ = engine.start("ray", now=T0, seed=seed, minutes=20)
    engine.message(session, "Hi Ray, I'm Jordan. I'm ready to go in.", T0)
    (reply, *_) = ask(engine, session, "whats the apprenticeship like, do u get paid?")
    assert not reply.startswith("If you're a veteran"), reply
    (reply, *_) = ask(engine, session, "I was in the army for 4 years, any programs for veterans?")
    assert reply.startswith("If you're a veteran"), reply


def test_a_term_of_the_field_outranks_the_learned_readers_guess() -> None:
    """Practising with Samuel: "whats the deal with grant rejections, how often does that
    happen" matched no topic rule, the learned reader guessed the hours, and he answered
    with the length of lab weeks. It names his R01 field term, which says how few grants
    are funded: that is the answer a lab manager gives."""
    _, rejections = _asked_in_turn(
        "samuel",
        "How did you get started?",
        "whats the deal with grant rejections, how often does that happen",
    )
    assert rejections.ref.startswith("term."), rejections.ref
    assert "one in five" in rejections.text


def test_choosing_ones_own_projects_at_work_is_not_a_side_project() -> None:
    """ "do postdocs ever get to choose their own projects" got Samuel's answer about
    volunteering to get into a lab ("own projects" is a side-project word)."""
    [own] = _asked_in_turn("samuel", "do postdocs ever get to choose their own projects")
    assert not own.ref.startswith("side_projects."), own.ref
    [side] = _asked_in_turn("dana", "would my own projects on github help me get in?")
    assert side.ref.startswith("side_projects."), side.ref


@pytest.mark.parametrize("persona", ["bernie", "tomas"])
def test_a_bad_week_is_the_hard_part_not_the_typical_week(persona: str) -> None:
    """ "what does a bad week look like for you" got Bernie's and Tomás's typical week;
    the typical week asked for, even on a bad week, is still the typical week."""
    [bad] = _asked_in_turn(persona, "what does a bad week look like for you")
    assert bad.ref.startswith("hardest."), bad.ref
    [typical] = _asked_in_turn(persona, "what does a typical day look like on a bad week")
    assert typical.ref.startswith("typical_day."), typical.ref


@pytest.mark.parametrize("persona", ["helen", "anh"])
def test_how_political_it_is_and_its_impact_are_not_the_day_or_a_mistake(persona: str) -> None:
    """Practising with Helen and Anh: "how political is it day to day" got the typical
    day ("day to day"), and "do you ever get to see the impact of your work" a story of
    their worst mistake (no topic rule read it; the learned reader guessed a story). The
    first is the workplace's culture, the second what is rewarding about the work."""
    political, impact = _asked_in_turn(
        persona, "how political is it day to day", "do you ever get to see the impact of your work"
    )
    assert political.ref.startswith("culture."), political.ref
    assert impact.ref.startswith("best."), impact.ref


def test_political_science_is_not_office_politics() -> None:
    assert "culture" not in question_topics(
        "I studied political science, would that help?",
        understand("I studied political science, would that help?"),
    )


@pytest.mark.parametrize("persona", ["greg", "marcus"])
def test_how_much_of_the_job_is_meetings_is_their_day(persona: str) -> None:
    """Practising with Greg and Marcus: "how much of your job is just meetings" matched no
    topic rule and the learned reader guessed the organisation: what the company sells and
    how big it is. How their time is split is their day."""
    [meetings] = _asked_in_turn(persona, "how much of your job is just meetings")
    assert meetings.ref.startswith("typical_day."), meetings.ref


@pytest.mark.parametrize("persona", ["ines", "freja"])
def test_is_it_stressful_gets_one_answer_about_the_stress(persona: str) -> None:
    """Practising with Inês and Freja: "is it stressful?" got two answers, what they like
    and dislike about the job and then the hours (a rule read "is it stressful" as asking
    whether they like it). It is the hours and the pressure, once."""
    session, _ = _REAL.start(persona, now=T0, seed=1, minutes=20)
    _REAL.message(session, "Hi, I'm ready.", T0)
    before = len(session.turns)
    _REAL.message(session, "is it stressful?", T0)
    said = [t for t in session.turns[before:] if t.speaker == "contact"]
    assert [t.ref.partition(".")[0] for t in said] == ["balance"], [t.ref for t in said]


@pytest.mark.parametrize(
    "question",
    [
        "how do you decide what to build next",
        "how do u prioritize features?",
        "What's your process for choosing what goes on the roadmap?",
    ],
)
def test_a_product_manager_says_how_he_decides_what_to_build(question: str) -> None:
    """Practising with Greg: "how do you decide what to build next" got "I don't know
    anything useful about how to decide what to build next", from a group product
    manager. Deciding what to build is his job: he says how he ranks the candidates."""
    [said] = _asked_in_turn("greg", question)
    assert said.ref.startswith("spec.") and "Evidence first" in said.text, said.ref


def test_what_gets_someone_fired_is_the_mistakes_newcomers_make() -> None:
    """ "whats the one thing that gets a PM fired" matched no topic and was deferred."""
    [said] = _asked_in_turn("greg", "whats the one thing that gets a PM fired")
    assert said.ref.startswith("mistakes."), said.ref


def test_a_charity_director_knows_where_her_money_comes_from() -> None:
    """Practising with Bernie: "whats the funding situation like" was deferred ("deserves
    a proper sit-down with a brew"), although her own fallback line invites questions on
    funding. She now says where the money comes from and where it pinches."""
    for question in ("whats the funding situation like", "where does your money come from"):
        [said] = _asked_in_turn("bernie", question)
        assert said.ref.startswith("spec.") and "council contracts" in said.text, said.ref
    [pay] = _asked_in_turn("bernie", "how much money do support workers make?")
    assert pay.ref.startswith("pay."), pay.ref


@pytest.mark.parametrize(
    ("persona", "question", "topic"),
    [
        ("conor", "is cold calling dead", "future"),
        ("anh", "is print journalism dying?", "future"),
        ("bernie", "how do you stop yourself taking it home", "balance"),
        ("priya", "do you take work home with you?", "balance"),
    ],
)
def test_dead_or_dying_is_the_future_and_taking_it_home_is_the_toll(
    persona: str, question: str, topic: str
) -> None:
    """ "is cold calling dead" got Conor's hours ("calling" read as on call); "how do you
    stop yourself taking it home" was deferred; "do you take work home with you?" got
    remote work."""
    [said] = _asked_in_turn(persona, question)
    assert said.ref.startswith(f"{topic}."), said.ref


@pytest.mark.parametrize(
    ("persona", "question", "ref"),
    [
        ("carys", "how do you handle a kid who wont stop talking", "difficult_people.1"),
        ("carys", "how do you deal with angry parents?", "difficult_people.0"),
        ("carys", "is ofsted as scary as it sounds", "term."),
        ("marcus", "whats the worst brief you ever got", "stories."),
        ("marcus", "do you still do the creative stuff yourself", "typical_day."),
    ],
)
def test_practising_with_carys_and_marcus(persona: str, question: str, ref: str) -> None:
    """Carys answered a question about a talkative pupil with angry parents (her only
    answer on difficult people), and Ofsted (England's Estyn, her Welsh inspectorate's
    neighbour) was "well beyond my lab bench"; Marcus defined a creative brief for "the
    worst brief you ever got", and deferred "do you still do the creative stuff yourself"."""
    [said] = _asked_in_turn(persona, question)
    assert said.ref.startswith(ref), said.ref


@pytest.mark.parametrize(
    ("persona", "question", "ref"),
    [
        ("freja", "how do you convince the CFO", "spec."),
        ("freja", "How do you make the business case for sustainability?", "spec."),
        ("naomi", "what's the difference between plaintiff and defense side", "term."),
    ],
)
def test_practising_with_freja_and_naomi(persona: str, question: str, ref: str) -> None:
    """Freja answered "how do you convince the CFO" with "Good. Your question?" (read as
    "tell me more" with nothing said yet, it handed the floor back), though winning the
    finance side over is her job; Naomi, a plaintiff-side lawyer, deferred the difference
    between plaintiff and defense side."""
    [said] = _asked_in_turn(persona, question)
    assert said.ref.startswith(ref), (said.kind, said.ref)


@pytest.mark.parametrize(
    "question",
    [
        "Is it true that councils are cutting policy posts at the moment?",
        "is there a hiring freeze in the sector?",
    ],
)
def test_cuts_to_posts_are_the_job_market(question: str) -> None:
    """Practising as a paralegal, "Is it true that councils are cutting policy posts at the
    moment?" got Helen's answer on what outsiders get wrong about council culture."""
    [reply] = _asked_in_turn("helen", question)
    assert reply.ref.startswith("demand."), (reply.ref, reply.text)
