"""The contact answers what was asked: the asked topic, the asked part, follow-ups that
continue the last answer, honesty about what no topic covers, and no repeats (driven
through the engine as a user would, with a contact whose answers are marked)."""

from __future__ import annotations

import re

import pytest

from flows.asked import gist
from flows.asking import question_topics
from flows.engine import Engine
from flows.facts import facts_of
from flows.feedback import Observations, observe
from flows.session import Turn
from flows.understanding import understand
from flows.userfacts import user_facts
from tests.conftest import T0
from tests.marked_persona import ask, marked_persona, meet


@pytest.fixture(scope="module")
def marked() -> Engine:
    return Engine({"marked": marked_persona()})


@pytest.mark.parametrize(
    ("question", "marker"),
    [
        ("What's a typical shift like?", "[typical_day."),
        ("What's the pay like for new grads?", "[pay."),
        ("Do I need a master's degree?", "[credentials."),
        ("What's the office culture like?", "[culture."),
        ("how do people get promoted?", "[progression."),
        ("What do you like least about it?", "[least."),
        ("what's the best part of the job?", "[best."),
        ("How did you get started?", "[ask_start."),
        ("Is AI going to replace this job?", "[ai."),
        ("What would you do differently if you started today?", "[differently."),
        ("Have you ever been hurt on the job?", "[stories."),
        ("what's the funniest thing that's happened at work?", "[stories."),
        ("Any tips for my interview?", "[hiring."),
        ("What about APM programs?", "[entry."),
        ("Is a rotational program worth applying to?", "[entry."),
        ("are associate PM programs worth it?", "[entry."),  # (firm: not the PMP)
        ("r APM programmes worth doing", "[entry."),
        ("is a PMP worth it?", "[credentials."),
        ("how did you get into the APM program?", "[ask_start."),  # their own road in
        ("do nurses get to specialise later on or are you stuck on one ward?", "[progression."),
        ("can you specialize later?", "[progression."),
        ("is it easy to switch between departments?", "[progression."),
        ("honestly how do you deal with patients dying", "[hardest."),  # (firm)
        ("how do you cope when a patient dies?", "[hardest."),
        ("how do you deal with difficult patients?", "[difficult_people."),
        ("any programs for veterans?", "[entry."),  # (firm: not software programs)
        ("I was in the army for 4 years, any programs for veterans?", "[entry."),
        ("could someone like me with kitchen experience do ok", "[ask_fit."),
        ("think i could hack it?", "[ask_fit."),
        ("What would you look for if you were hiring someone like me?", "[hiring."),
        ("Do you ever feel like your work doesn't change anything?", "[least."),
        ("do you ever feel your reports don't get read?", "[least."),
        ("night shifts how bad", "[balance."),  # (texted: no question mark, "how" last)
        ("the pay how much lol", "[pay."),
        ("is it worth it tho", "[ask_likes."),  # the job just talked about, not a degree
        ("is a masters worth it?", "[credentials."),
        ("How did you make the switch?", "[ask_start."),
        ("how did u make the move", "[ask_start."),
        ("What I should put on my CV instead of publications?", "[ask_resume."),
    ],
)
def test_each_question_gets_its_own_answer(marked: Engine, question: str, marker: str) -> None:
    replies = ask(marked, meet(marked), question)
    assert len(replies) == 1 and replies[0].startswith(marker), replies


@pytest.mark.parametrize(
    ("question", "marker"),
    [
        (
            "My sister volunteers at the hospice on weekends, which is how I heard about "
            "this work. What do you find hardest about it?",
            "[hardest.",
        ),
        (
            "I used to work night shifts at a warehouse, so long hours don't scare me. "
            "What software do you use most?",
            "[tools.",
        ),
        (  # the act head also reads ask_qualifications here, with no wording to point at
            "Everyone on my course says you need a master's, which I can't afford right "
            "now. What does a typical week involve for you?",
            "[typical_day.",
        ),
    ],
)
def test_the_story_before_a_question_is_not_asked_about(
    marked: Engine, question: str, marker: str
) -> None:
    """Context mentions things (volunteering, long hours, a master's); only the question
    is answered, not a second answer about what was merely mentioned."""
    replies = ask(marked, meet(marked), question)
    assert len(replies) == 1 and replies[0].startswith(marker), replies


@pytest.mark.parametrize(
    ("question", "marker"),
    [
        (
            "Looking back, what would you have done differently at the very start of your career?",
            "[differently.",
        ),
        ("whats the usual first job in data?", "[entry."),
        ("first job in this field?", "[entry."),
        (
            "Would volunteering at a charity shop count as experience for retail management?",
            "[side_projects.",
        ),
    ],
)
def test_a_classic_question_read_only_by_the_model_does_not_hide_the_topic(
    marked: Engine, question: str, marker: str
) -> None:
    """The act head reads ask_start or ask_fit in these, with no rule wording to point at;
    the topic found in the question is answered, not an "I can't speak to that"."""
    replies = ask(marked, meet(marked), question)
    assert len(replies) == 1 and replies[0].startswith(marker), replies


def test_a_question_no_topic_covers_is_named_not_answered_with_something_else(
    marked: Engine,
) -> None:
    session = meet(marked)
    [reply] = ask(marked, session, "What is a good star sign for nurses?")
    assert reply.startswith("[unknown]") and "a good star sign for nurses" in reply
    assert session.state == "converse"


def test_saying_yes_to_the_offer_gets_that_topic(marked: Engine) -> None:
    session = meet(marked)
    ask(marked, session, "What is a good star sign for nurses?")
    offered = session.turns[-1].ref.removeprefix("offer>")
    [reply] = ask(marked, session, "sure, go on")
    assert reply.startswith(f"[{offered}.")


def test_compound_questions_are_answered_in_order_and_the_rest_deferred(marked: Engine) -> None:
    session = meet(marked)
    replies = ask(marked, session, "How did you start, and what do you like least?")
    assert [r.split(".")[0] for r in replies] == ["[ask_start", "[least"]
    replies = ask(marked, session, "what's the pay like, do you work weekends, and is AI a threat?")
    assert [r.split(".")[0] for r in replies[:2]] == ["[pay", "[balance"]
    assert replies[2].startswith("[rest]")


@pytest.mark.parametrize(
    "question",
    ["What do you like most and least about being a partner?", "best and worst parts?"],
)
def test_the_best_and_the_least_asked_together_are_both_answered(
    marked: Engine, question: str
) -> None:
    """'What do you like most and least about being a partner?' got only the least part."""
    replies = ask(marked, meet(marked), question)
    assert [r.split(".")[0] for r in replies] == ["[best", "[least"]


@pytest.mark.parametrize(
    "question",
    [
        "Could you look at my résumé sometime? What's weakest on it?",
        "would you mind looking at my CV? what would you change about it?",
    ],
)
def test_a_question_about_the_resume_just_asked_about_is_the_resume_answer(
    marked: Engine, question: str
) -> None:
    """ "What's weakest on it?" after a résumé request was answered as the hardest part of
    the job, a second answer nobody asked for."""
    replies = ask(marked, meet(marked), question)
    assert [r.split(".")[0] for r in replies] == ["[ask_resume"], replies


def test_a_second_question_of_its_own_after_the_resume_is_still_answered(marked: Engine) -> None:
    replies = ask(marked, meet(marked), "Could you look at my CV? And what's the pay like?")
    assert [r.split(".")[0] for r in replies] == ["[ask_resume", "[pay"], replies


def test_tell_me_more_continues_the_last_answer_then_admits_that_is_all(marked: Engine) -> None:
    session = meet(marked)
    [answer] = ask(marked, session, "What's the pay like?")
    ref = answer[1 : answer.index("]")]
    [more] = ask(marked, session, "tell me more")
    assert more.startswith(f"[{ref}+]")
    [again] = ask(marked, session, "how so?")
    assert again.startswith("[nothing more]")


def test_tell_me_more_before_anything_was_told_hands_the_floor_back(marked: Engine) -> None:
    """ "Tell me more!" right after the greeting got "that story ends there": there was no
    story yet. The contact asks what the user would like to know."""
    [reply] = ask(marked, meet(marked), "Tell me more!")
    assert reply.startswith("[go ahead]"), reply


def test_no_answer_is_repeated_and_a_used_up_topic_says_so(marked: Engine) -> None:
    session = meet(marked)
    first = ask(marked, session, "What's the pay like?")
    second = ask(marked, session, "and how does pay grow over time?")
    assert first != second and first[0].startswith("[pay.") and second[0].startswith("[pay.")
    # asked again: each answer goes on (its continuation) before the topic is used up
    for again in ("sorry, one more on salary: is it decent?", "and the pay later on?"):
        more = ask(marked, session, again)
        assert more[0].startswith("[pay.") and "+]" in more[0]
    third = ask(marked, session, "what about bonuses on top of pay?")
    assert third[0].startswith("[used up]")
    for again in ("pay, once more?", "what about pay then?", "and pay?"):
        ask(marked, session, again)  # every "that's all on pay" said: "that's the whole story"
    # Still pay (a blind author's meeting asked one topic five times): the floor goes back
    # to the user rather than a line said already.
    for again in ("pay?? lol", "ok but really, the pay?"):
        assert ask(marked, session, again)[0].startswith("[go ahead]")
    said = [t.text for t in session.turns if t.speaker == "contact"]
    assert len(said) == len(set(said)), said


def test_the_next_practice_prefers_answers_not_heard_before(marked: Engine) -> None:
    for seed in range(6):
        session = meet(marked, seed=seed, heard=frozenset({"pay.0"}))
        [reply] = ask(marked, session, "What's the pay like?")
        assert reply.startswith("[pay.1]")


def test_the_contact_remembers_the_user(marked: Engine) -> None:
    session, _ = marked.start(
        "marked",
        now=T0,
        seed=5,
        minutes=6,
        scenario={"tangent": "no", "stay": "no", "referrals": "names"},
    )
    marked.message(session, "Hi! I'm Sam. I'm ready to go in.", T0)
    greeting = next(t.text for t in session.turns if t.kind == "greeting")
    assert "Sam" in greeting and greeting.startswith("[hello]")
    [ack] = ask(marked, session, "i'm a retail supervisor rn")
    assert ack.startswith("[ack]") and "a retail supervisor" in ack
    [fit] = ask(marked, session, "How would my background fit in your field?")
    assert fit.startswith("[fit for]") and "a retail supervisor" in fit
    intro, *listed, pointer = ask(marked, session, "Is there anyone else you'd suggest I talk to?")
    retail = marked_persona().referrals[1].name
    assert intro in marked_persona().referral_intro
    assert len(listed) == len(marked_persona().referrals)  # one message per person
    assert listed[0].startswith(retail)
    assert pointer in (f"[for you] Call {retail} first.", f"[for you] Start with {retail}.")


def test_the_names_come_one_message_each_and_short_enough_for_a_phone(marked: Engine) -> None:
    session = meet(marked, name="Sam")
    replies = ask(marked, session, "Could you suggest two or three people I should talk to?")
    people = marked_persona().referrals
    assert [r.name for r in people] == [
        next(r.name for r in people if line.startswith(r.name)) for line in replies[1:]
    ]
    assert all(len(line.split()) < 80 for line in replies)


def test_no_claim_of_a_similar_road_for_a_background_no_one_speaks_to(marked: Engine) -> None:
    """A referral who changed careers from elsewhere is suggested first, but the contact does
    not claim their road was like the user's."""
    session = meet(marked)
    ask(marked, session, "I was in the army for ten years.")
    replies = ask(marked, session, "Could you suggest two or three people I should talk to?")
    assert not any(line.startswith("[for you]") for line in replies)


def test_the_meeting_length_is_the_real_one(marked: Engine) -> None:
    session = meet(marked)
    greeting = next(t.text for t in session.turns if t.kind == "greeting")
    assert "6 minutes" in greeting


def test_asking_for_names_twice_does_not_repeat_the_whole_reply(marked: Engine) -> None:
    session = meet(marked)
    first = ask(marked, session, "Could you suggest two or three people I should talk to?")
    second = ask(marked, session, "Sorry, who were the people you'd suggest again?")
    people = [r.name for r in marked_persona().referrals]
    assert len(first) == 1 + len(people)  # the intro, then one message per person
    [recap] = second  # a short recap of the same names, not the whole story twice
    assert all(name in recap for name in people) and recap not in first
    assert len(recap.split()) < len(" ".join(first).split()) / 2


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("What's your favourite band?", "my favourite band"),
        # (the thing, not the tail that asks about it: "Bring ammonia as fuel, is it
        # realistic to our next conversation")
        ("What do you think about ammonia as fuel, is it realistic?", "ammonia as fuel"),
        ("whats ur star sign", "my star sign"),
        ("What about the parking?", "the parking"),
        ("are there many unions in your field?", "unions in my field"),
        ("how big is your garden?", "my garden"),
        ("how does the Ontario Labour Relations Act work?", "the Ontario Labour Relations Act"),
        ("Have you read Dune?", "Dune"),
        ("How does a heat pump actually work?", "a heat pump"),
        ("how are you?", "that one"),
        ("is there anything else?", "that one"),
        # "You've found the empty shelf: the best lesson u ever taught" (texting echoed back)
        ("whats the best lesson u ever taught", "the best lesson I ever taught"),
        ("wats ur take on phones in classrooms", "my take on phones in classrooms"),
        # a how-to question was "that one" ("Can we park that one in the backlog?")
        ("how do i fix a merge conflict in git", "how to fix a merge conflict in git"),
        ("How do you price a loan for a small bakery?", "how to price a loan for a small bakery"),
        ("how can I learn SQL fast", "how to learn SQL fast"),
        ("how do you deal with stress", "that one"),  # (about the contact: a topic's)
    ],
)
def test_a_question_no_topic_covers_is_named_in_the_askers_words(question: str, named: str) -> None:
    assert gist(question) == named


_IGNORANT = ("guess", "don't know", "outside my", "no idea", "stumped", "wrong person", "not sure")


@pytest.mark.parametrize(
    ("persona", "question", "named", "in_field"),
    [
        ("marcus", "can you explain what is brand strategy?", "brand strategy", True),
        ("marcus", "whats ur star sign", "my star sign", False),
        ("naomi", "What's your favourite novel?", "my favourite novel", False),
        # "nurses" is in many contacts' answers, and it is the nurse manager's own field
        ("priya", "whats ur take on agency nurses, r they a problem", "agency nurses", True),
    ],
)
def test_a_question_in_the_contacts_own_field_is_deferred_not_professed_ignorance(
    persona: str, question: str, named: str, in_field: bool
) -> None:
    """Reviewers asked a brand director what brand strategy is, and heard "I don't know
    enough about that one". A question of the contact's own field that no topic covers is
    named and honestly deferred (where to get a proper answer, and what they can go into
    now); one outside it (a star sign) is still declined."""
    engine = Engine()
    session, _ = engine.start(persona, now=T0, seed=2, minutes=20)
    engine.message(session, "Hi, I'm ready to go in.", T0)
    [reply] = ask(engine, session, question)
    p = engine.personas[persona]
    turn = [t for t in session.turns if t.speaker == "contact"][-1]
    assert turn.kind == "unknown_topic"
    assert named.lower() in reply.lower()
    lines = p.unknown_in_field if in_field else p.unknown_topic
    shapes = [
        re.compile(re.escape(line).replace(r"\{asked\}", ".+").replace(r"\{offer\}", ".+"), re.I)
        for line in lines
    ]
    assert any(shape.fullmatch(reply) for shape in shapes), reply
    if in_field:
        assert not any(word in reply.lower() for word in _IGNORANT), reply


def test_news_about_the_user_is_acknowledged_not_answered_as_a_question(marked: Engine) -> None:
    """A reviewer answered the contact's opening question with "I'm Nina, I've been an
    accounts payable specialist for 9 years... and I'd love to move into product management"
    and heard "That one? No data on that, so no opinion"."""
    session = meet(marked)
    [reply] = ask(
        marked,
        session,
        "I'm Nina, I've been an accounts payable specialist for 9 years, and I'd love to "
        "move into product management.",
    )
    assert reply.startswith("[ack]") and "nine years as an accounts payable specialist" in reply
    [reply] = ask(marked, session, "I'd love to hear how you got started.")
    assert "[ask_start." in reply


@pytest.mark.parametrize(
    "question",
    [
        "What's the hardest part for someone coming from retail?",
        "what's the hardest part for someone like me?",
        "What mistakes do people make coming from a background like mine?",
        "what's the hardest part for a pharmacy tech moving into this?",
    ],
)
def test_a_question_about_the_askers_own_case_gets_how_their_background_fits(
    marked: Engine, question: str
) -> None:
    """ "The hardest part for someone coming from pharmacy/retail/the forces?" always got the
    hardest part of the contact's own job, in two reviewers' practices. (Advice for someone
    like me stays advice: TOPICS.md.)"""
    session = meet(marked)
    [reply] = ask(marked, session, question)
    assert "[ask_fit." in reply, reply
    [reply] = ask(marked, session, "What's the hardest part of your job?")
    assert "[hardest." in reply, reply


@pytest.mark.parametrize(
    "request_",
    [
        "Sorry, can you explain more simple?",
        "I don't understand, what do you mean?",
        "sorry my english is not good, can you speak slower",
    ],
)
def test_asked_to_say_it_more_simply_the_contact_gives_the_gist(
    marked: Engine, request_: str
) -> None:
    """A second-language reviewer asked "Sorry, can you explain more simple?" and heard
    "That's the full story": now the contact apologises and gives the short version (the
    first sentence of what they just said)."""
    session = meet(marked)
    [answer] = ask(marked, session, "What's a typical shift like?")
    [simpler] = ask(marked, session, request_)
    first = answer.split(". ")[0]
    assert simpler.startswith("[simply]") and first in simpler, simpler
    [reply] = ask(marked, session, "what do you mean by that?")
    assert not reply.startswith("[simply]")


@pytest.mark.parametrize(
    ("question", "marker"),
    [
        ("whats ur proudest moment as a nurse", "[proudest."),
        ("what should i be focusing on right now if i want to become an electrician", "[advice."),
        (
            "Your company, what it does exactly? I read website but I not understand.",
            "[organisation.",
        ),
    ],
)
def test_a_topic_question_is_answered_whatever_else_it_says(
    marked: Engine, question: str, marker: str
) -> None:
    """Neither the acknowledgement of news about the user nor the plain rephrasing may take
    a question that asks a topic (a first version of each did, on training authors)."""
    session = meet(marked)
    ask(marked, session, "What's a typical shift like?")
    [reply] = ask(marked, session, question)
    assert marker in reply, reply


def test_a_short_question_about_what_was_just_said_continues_it(marked: Engine) -> None:
    """'wait, how long did that take you?' after an answer no topic covers goes on with that
    answer (a rehearsing user got 'I've got nothing useful on that one' about the contact's
    own story); once it has gone on, or with nothing pointed back at, it is still unknown."""
    session = meet(marked)
    ask(marked, session, "How did you get started?")
    [more] = ask(marked, session, "wait, how long did that take you?")
    assert more.startswith("[ask_start.") and "+]" in more
    [again] = ask(marked, session, "and how did that feel?")
    assert again.startswith(("[unknown]", "[nothing more]"))
    ask(marked, session, "What's the pay like?")
    [star] = ask(marked, session, "what's your star sign?")
    assert star.startswith("[unknown]")


def test_the_feedback_speaks_of_the_users_background_and_says_nothing_untrue(
    marked: Engine,
) -> None:
    """The feedback used to quote the user's greeting back ('You told me about your
    background ("Hi Ines, thanks for meeting me! I'm Rui...")'), and told a user whose work
    the reader had not placed 'I never learned what you do now'."""
    session = meet(marked)
    ask(marked, session, "I've been a hairdresser for twelve years.")
    ask(marked, session, "How would someone like me fit in?")
    [feedback] = ask(marked, session, "How did I come across?")
    assert "twelve years as a hairdresser" in feedback and '("' not in feedback
    assert len(feedback.split()) < 80
    session = meet(marked)
    ask(marked, session, "I slept rough for two years, and now I work with a hostel team.")
    ask(marked, session, "What's the pay like?")
    ask(marked, session, "And the hours?")
    assert user_facts(session).background is None  # (the reader could not place it)
    weaknesses = observe(session, facts_of(session)).weaknesses
    assert weaknesses and not any("never learned what you do" in w for w in weaknesses)


@pytest.mark.parametrize(
    ("question", "marker"),
    [
        ("Honestly, is 44 too old to start in this field?", "[later_start."),
        ("do analysts ever work part time? like 25 hours a week?", "[part_time."),
        ("would a conviction from when I was 19 stop me?", "[record."),
        ("My engineering degree is from Lagos, will employers take it seriously?", "[from_abroad."),
        ("do law firms hire people who are on a graduate visa?", "[from_abroad."),
        ("Would I need a DBS check?", "[record."),
    ],
)
def test_a_question_about_the_users_own_circumstances_gets_that_answer(
    marked: Engine, question: str, marker: str
) -> None:
    """Rehearsing users' age, hours, record or visa were dropped: 'is 44 too old to get a
    first dev job?' got the degrees answer, 'do analysts work part time?' the hours."""
    session = meet(marked)
    replies = ask(marked, session, question)
    assert replies[0].startswith(marker), replies


def test_asking_about_part_time_work_is_not_asking_for_a_job(marked: Engine) -> None:
    session = meet(marked)
    [reply] = ask(marked, session, "do you have part-time roles? I have two kids")
    assert reply.startswith("[part_time.")
    assert "ask_job" not in session.turns[-2].acts


def test_a_story_goes_on_only_straight_after_it(marked: Engine) -> None:
    """A story's continuation picks it up mid-telling: "tell me more" right after it gets
    it, but "any other stories?" later, once the stories are told, gets the contact's
    "that's all", not the middle of a story told a while ago (another topic goes on)."""
    session = meet(marked)
    [first] = ask(marked, session, "Have you ever had a close call at work?")
    [more] = ask(marked, session, "tell me more")
    assert first.startswith("[stories.0]") and more.startswith("[stories.0+]")
    session = meet(marked)
    ask(marked, session, "Have you ever had a close call at work?")
    ask(marked, session, "What's the pay like?")
    [again] = ask(marked, session, "any other crazy stories from the job?")
    assert again.startswith("[used up]"), again


@pytest.mark.parametrize(
    "reaction", ["oh wow, were you ok?", "did you get in trouble?", "was everyone alright?"]
)
def test_a_reaction_to_a_story_hears_the_rest_of_it(marked: Engine, reaction: str) -> None:
    """ "Oh wow, were you ok?" after a close call got "that's not something I can help you
    with", offering another topic, and the next "what happened next?" took that offer."""
    session = meet(marked)
    ask(marked, session, "What's the scariest thing that's happened to you at work?")
    [rest] = ask(marked, session, reaction)
    assert rest.startswith("[stories.0+]"), rest


@pytest.mark.parametrize(
    "reaction",
    [
        "oh no, were you ok?",
        "and did you get in trouble?",
        "how did your boss take it?",
        "omg was everyone alright??",
    ],
)
def test_a_reaction_to_a_whole_story_hears_how_it_ended(marked: Engine, reaction: str) -> None:
    """Once a story was told to its end, "were you ok?" got "I'd only be guessing", "and
    did you get in trouble?" the contact's road into the job (read as how they got in),
    and "how did your boss react?" a detail on whom they report to. A person knows how
    their own story ended: the contact says so, once, and then that it was all."""
    session = meet(marked)
    ask(marked, session, "Have you ever had a close call at work?")
    [rest] = ask(marked, session, "what happened then?")
    [ending] = ask(marked, session, reaction)
    [again] = ask(marked, session, "were you scared?")
    assert rest.startswith("[stories.0+]"), rest
    assert ending.startswith("[stories.0++]"), ending
    assert again.startswith("[nothing more]"), again
    [said] = [t for t in session.turns if t.speaker == "user" and t.text == reaction]
    assert "ask_start" not in said.acts


def test_a_reaction_away_from_a_story_is_not_its_ending(marked: Engine) -> None:
    """ "How did your boss take it?" after the pay answer is no reaction to a story."""
    session = meet(marked)
    ask(marked, session, "Have you ever had a close call at work?")
    ask(marked, session, "What's the pay like?")
    replies = ask(marked, session, "were you ok?")
    assert not any(r.startswith("[stories.") for r in replies), replies


def test_a_topic_asked_again_goes_on_before_it_is_used_up(marked: Engine) -> None:
    session = meet(marked)
    [first] = ask(marked, session, "Would a criminal record rule me out?")
    [again] = ask(marked, session, "And would it show up on a background check?")
    assert first.startswith("[record.0]") and again.startswith("[record.0+]")
    [third] = ask(marked, session, "Do you run police checks on everyone?")
    assert third.startswith("[used up]")


def test_a_question_about_ones_own_case_counts_as_asking_how_one_fits(marked: Engine) -> None:
    """The feedback told users who asked 'is 41 too late?' or 'can I do it part-time?' that
    they never asked how their own experience would fit."""
    said = observed(
        marked,
        "I've been a teacher for fifteen years.",
        "Is 41 too late to start in this field?",
        "Could I do it part-time?",
    )
    assert not any("never asked how" in point for point in said.weaknesses)
    assert any("fifteen years as a teacher" in point for point in said.strengths)


def observed(engine: Engine, *messages: str) -> Observations:
    """What the contact noticed, for the feedback, after a meeting of ``messages``."""
    session = meet(engine)
    for text in messages:
        ask(engine, session, text)
    return observe(session, facts_of(session))


def test_an_introduction_the_reader_cannot_place_is_acknowledged(marked: Engine) -> None:
    """'Hi, thanks for making time! I'm Marco, I've driven city buses for 11 years...' got a
    line about a coffee the user never mentioned; the contact now thanks them for the
    introduction (before the first question only: the lines ask for it)."""
    session = meet(marked)
    text = "Thanks for making time! I've driven city buses for 11 years, learning Python now."
    [reply] = ask(marked, session, text)
    assert reply.startswith("[intro ack]")
    ask(marked, session, "What's the pay like?")
    [later] = ask(marked, session, "Thanks! I've driven city buses for years, you know.")
    assert not later.startswith("[intro ack]")


def test_a_concept_of_the_contacts_own_field_is_explained(marked: Engine) -> None:
    """Rehearsing users asked a credit risk manager about the five Cs and a nurse manager
    about RPN versus RN and were told 'I'd only be guessing'. A term of the contact's field
    (persona field_terms) is explained, goes on when asked, and beats the nearest topic when
    the question asks what it is; a topic question that only mentions it stays the topic."""
    terms = marked_persona().field_terms
    debt = next(t for t in terms if "technical debt" in t.terms)
    session = meet(marked)
    assert ask(marked, session, "wait, what exactly is technical debt?") == [debt.say]
    assert ask(marked, session, "tell me more") == [debt.more]
    on_call = next(t for t in terms if "on call" in t.terms)
    assert ask(marked, session, "what does on-call mean in practice?") == [on_call.say]
    [hours] = ask(marked, session, "how many hours do you work, with the on-call?")
    assert hours.startswith("[balance.")


@pytest.mark.parametrize(
    ("persona", "question", "term"),
    [
        ("tomas", "what is a debt service coverage ratio?", "dscr"),
        ("tomas", "what are the five Cs?", "five cs"),
        ("priya", "whats the difference between an RPN and an RN?", "rpn"),
        ("femi", "what's the difference between UX and UI?", "ux vs ui"),
        ("freja", "are diesel forklifts scope 1?", "scope 1"),
    ],
)
def test_every_contact_explains_the_core_concepts_of_their_field(
    persona: str, question: str, term: str
) -> None:
    engine = Engine()
    session, _ = engine.start(persona, now=T0, seed=2, minutes=20)
    engine.message(session, "Hi, I'm ready to go in.", T0)
    [reply] = ask(engine, session, question)
    explained = next(t for t in engine.personas[persona].field_terms if term in t.terms)
    assert reply == explained.say


def test_a_question_naming_the_users_own_work_counts_as_asking_how_it_fits(
    marked: Engine,
) -> None:
    """A paramedic asked 'Can paramedics bridge into nursing here?' and the feedback said
    they never asked how their experience carries over."""
    paramedic = "I was a paramedic for nine years."
    asked = observed(marked, paramedic, "Can paramedics move into this field easily?", "Pay?")
    assert not any("never asked how" in point for point in asked.weaknesses)
    never = observed(marked, paramedic, "What's the pay like?")
    assert any("never asked how" in point for point in never.weaknesses)


def test_a_question_about_english_as_a_second_language_is_about_coming_from_abroad(
    marked: Engine,
) -> None:
    session = meet(marked)
    replies = ask(
        marked, session, "Is it hard to work here when English isn't your first language?"
    )
    assert replies[0].startswith("[from_abroad.")


@pytest.mark.parametrize(
    "question",
    [
        "How do you handle behaviour with a year 9 class that just won't settle?",
        "How do you handle a client who hates the work?",
    ],
)
def test_how_do_you_handle_something_is_not_the_hours_answer(marked: Engine, question: str) -> None:
    """'How do you handle X?' was the hours-and-stress question whatever X was: a rehearsing
    user asking about a Year 9 class got 'The first year is the heaviest...'."""
    session = meet(marked)
    [reply] = ask(marked, session, question)
    assert not reply.startswith("[balance.")
    [stress] = ask(marked, session, "how do you handle the stress?")
    assert stress.startswith("[balance.")


@pytest.mark.parametrize(
    ("question", "marker"),
    [
        ("Is the licensing exam hard for someone from the Philippines?", "[from_abroad."),
        ("Do I need Danish to work here?", "[from_abroad."),
        ("how many hours til I can get my journeyman license?", "[credentials."),
    ],
)
def test_the_qualifier_a_question_turns_on_is_answered(
    marked: Engine, question: str, marker: str
) -> None:
    """From a fresh rehearsal: 'Is the NCLEX hard for someone from the Philippines?' got the
    degrees answer, 'Do I need Danish?' where the field is heading, and the hours towards a
    licence the hours worked."""
    session = meet(marked)
    assert ask(marked, session, question)[0].startswith(marker)


@pytest.mark.parametrize(
    "question",
    [
        "You were a physics teacher, did that help you at all?",
        "Was the physics teacher to tech thing hard for you?",
        "What was teaching like?",  # past, so theirs ('what was the army like?' was deferred)
    ],
)
def test_a_question_about_the_contacts_own_road_in_gets_their_story(
    marked: Engine, question: str
) -> None:
    """'You came from procurement. Was that an advantage?' got 'beyond my competence' from
    a contact whose own story starts in procurement (persona own_path)."""
    session = meet(marked)
    [reply] = ask(marked, session, question)
    assert reply.startswith("[ask_start.")


def test_two_circumstances_in_one_question_are_both_answered(marked: Engine) -> None:
    """'Is there any place in an ad agency for a 58-year-old part-timer?' got the age answer
    only."""
    session = meet(marked)
    replies = ask(marked, session, "Is there any place in an agency for a 58-year-old part-timer?")
    assert [r.split(".")[0] for r in replies[:2]] == ["[later_start", "[part_time"]


def test_wait_and_a_short_question_stays_on_what_was_just_said(marked: Engine) -> None:
    """'wait, is that calls or dials?', 'wait, how accurate is that really?' got another
    topic's stock answer in a fresh rehearsal: a short question that stops on the last
    answer goes on with it; one that asks about the user's own circumstances does not."""
    session = meet(marked)
    ask(marked, session, "What's the pay like?")
    [more] = ask(marked, session, "wait, is that before tax or after, and with the bonus?")
    assert more.startswith("[pay.") and "+]" in more
    ask(marked, session, "How did you get started?")
    [age] = ask(marked, session, "wait, is 50 too old to start?")
    assert age.startswith("[later_start.")


@pytest.mark.parametrize("seed", range(6))
def test_the_answer_that_speaks_to_the_askers_words_is_chosen(seed: int) -> None:
    """'What does a credit analyst earn starting out?' got the credit manager's answer about
    senior pay: 'starting' and 'starts' did not meet, so two pay answers tied on 'credit
    analyst' and one was drawn at random."""
    engine = Engine()
    session, _ = engine.start("tomas", now=T0, seed=seed, minutes=20)
    engine.message(session, "Hi Tomás, I'm ready.", T0)
    engine.message(session, "What does a credit analyst earn starting out?", T0)
    assert session.turns[-1].ref == "pay.0"


_THEIR_PAST = {
    "anh": "What was the regional paper like?",
    "bernie": "What was retail like?",
    "carys": "What was being a lab technician like?",
    "conor": "What was bar work like?",
    "dana": "What was teaching like?",
    "femi": "What was the bootcamp like?",
    "freja": "What was procurement like?",
    "greg": "What was working in support like?",
    "helen": "What was being a paralegal like?",
    "ines": "What was the bootcamp like?",
    "marcus": "What was managing a store like?",
    "meiling": "What was hotel work like?",
    "naomi": "What was law school like?",
    "priya": "What was nursing school like?",
    "ray": "How was the army?",
    "samuel": "What was doing a PhD like?",
    "tomas": "What was being a teller like?",
}


_REAL = Engine()
"""The packaged contacts, as a user meets them."""


def _asked_in_turn(persona: str, *questions: str, seed: int = 1) -> list[Turn]:
    """The contact's last line after each question, asked in turn in one meeting."""
    session, _ = _REAL.start(persona, now=T0, seed=seed, minutes=20)
    _REAL.message(session, "Hi, I'm ready.", T0)
    last = []
    for question in questions:
        _REAL.message(session, question, T0)
        last.append(session.turns[-1])
    return last


@pytest.mark.parametrize(("persona", "question"), sorted(_THEIR_PAST.items()))
def test_the_contacts_own_past_asked_about_gets_their_story(persona: str, question: str) -> None:
    """'What was the army like?' (to the ex-Army electrician), 'What was law school like?'
    (to the lawyer who started at 31) and 'What was working in support like?' (to the
    ex-support PM) got deferrals or another topic's answer (location, culture, credentials)
    from every contact whose road in it was, but for nine."""
    [reply] = _asked_in_turn(persona, question)
    assert reply.ref.startswith("ask_start.")


@pytest.mark.parametrize("persona", sorted(Engine().personas))
def test_every_contact_tells_stories_of_their_own(persona: str) -> None:
    """Asked whether they were ever hurt, and for the funniest thing that happened at work,
    every contact tells a story of their own (a close call or a detail of theirs for the
    first, the funny one for the second) instead of "that's beyond my lab bench"."""
    hurt, funny = (
        t.ref
        for t in _asked_in_turn(
            persona,
            "Have you ever been hurt on the job?",
            "What's the funniest thing that's happened at work?",
        )
    )
    assert hurt == "stories.0" or hurt.startswith("spec."), hurt
    assert funny == "stories.1", funny


@pytest.mark.parametrize("persona", sorted(Engine().personas))
def test_every_contact_says_how_their_story_ended(persona: str) -> None:
    """Told to its end, a story met "oh no, were you ok?" with "I'd only be guessing" from
    every contact. Each now says how it ended for them, once, in their own words."""
    story, rest, ending, again = _asked_in_turn(
        persona,
        "What's the funniest thing that's happened at work?",
        "what happened then?",
        "oh no, were you ok?",
        "and did you get in trouble?",
    )
    assert [story.ref, rest.ref] == ["stories.1", "stories.1+"]
    assert ending.ref == "stories.1++", (ending.kind, ending.text)
    assert ending.text == _REAL.personas[persona].topics["stories"][1].after
    assert again.kind == "nothing_more", again.text


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


def test_a_deferral_is_not_said_twice_with_other_words_in_it(marked: Engine) -> None:
    """ "Oh, {asked} deserves the full pitch..." was said twice in one meeting, once about the
    office building and once about purpose-driven brands: each filling looked new."""
    session = meet(marked)
    [first] = ask(marked, session, "What's your star sign?")
    [second] = ask(marked, session, "Who is your favourite band?")
    assert first.startswith("[unknown]") and second.startswith("[unknown]")
    assert first.split("?")[1:] != second.split("?")[1:] and (
        ("Can't say" in first) != ("Can't say" in second)
    ), (first, second)


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


def test_and_what_about_asks_the_last_question_of_the_case_it_names() -> None:
    """ "and associates?" right after Naomi's paralegal pay got "I'll pass on that one";
    "what about an apprentice?" after Ray's own day got how apprentices get in. An
    elliptical follow-up asks the question just answered, of the case it names."""
    pay, associates = _asked_in_turn(
        "naomi", "What do paralegals earn starting out?", "and associates?"
    )
    assert pay.ref == "pay.1"
    assert associates.ref == "pay.0" and "first-year associates" in associates.text
    _, apprentice = _asked_in_turn(
        "ray", "What's a typical day like for you?", "what about an apprentice?"
    )
    assert apprentice.ref.startswith("typical_day.") and "apprentice" in apprentice.text


def test_and_what_about_a_case_the_contact_has_no_answer_for_is_not_answered_off_topic() -> None:
    """ "and nurses?" after the lawyer's pay answer: none of her pay answers is about nurses,
    so she says so rather than giving another pay figure as if it were theirs; "and you?"
    is a question back, never the last topic again."""
    _, nurses = _asked_in_turn("naomi", "What do paralegals earn starting out?", "and nurses?")
    assert nurses.kind == "unknown_topic"
    _, back = _asked_in_turn("naomi", "What do paralegals earn starting out?", "and you?")
    assert not back.ref.startswith("pay.")


@pytest.mark.parametrize("persona", sorted(Engine().personas))
def test_the_road_in_goes_on_to_the_present_when_asked_what_came_next(persona: str) -> None:
    """ "How did you get started?", "tell me more", then "and then?": every contact said
    "that's the whole story", though their career plainly went on to the job they hold.
    They now tell what came next, up to today; asked again, that is all of it."""
    start, more, then, again = _asked_in_turn(
        persona, "How did you get started?", "Tell me more!", "and then?", "what happened next?"
    )
    index = start.ref.removeprefix("ask_start.")
    assert start.ref.startswith("ask_start.") and more.ref == f"ask_start.{index}+"
    assert then.ref == f"ask_start.{index}++"
    assert then.text == Engine().personas[persona].answers.ask_start[int(index)].after
    assert again.kind == "nothing_more"


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


def test_a_pronoun_for_what_the_message_itself_named_does_not_go_back() -> None:
    """ "whats ur take on agency nurses, r they a problem" right after Priya's typical day
    got the rest of her typical day: "they" was read as pointing back at it."""
    _, opinion = _asked_in_turn(
        "priya",
        "What's a typical day like for you?",
        "whats ur take on agency nurses, r they a problem",
    )
    assert not opinion.ref.startswith("typical_day.")


@pytest.mark.parametrize(
    "courtesy",
    ["Thank you for receive me today, is a pleasure.", "is a pleasure to meet you. Thank you"],
)
def test_a_courtesy_in_second_language_english_is_not_a_question(courtesy: str) -> None:
    """ "is a pleasure to meet you. Thank you for receive me" got "that one needs more care
    than this meeting allows": the clause "is a pleasure" was taken for a question."""
    [reply] = _asked_in_turn("naomi", courtesy)
    assert reply.kind != "unknown_topic", reply.text


@pytest.mark.parametrize("persona", sorted(Engine().personas))
def test_an_answer_on_starting_later_does_not_open_with_a_bare_no(persona: str) -> None:
    """ "Would a shop take on a 41-year-old apprentice?" got Ray's "Nope, not if your body's
    willing": written for "am I too old?", it read as "you're too old" to any other
    wording. An answer on starting later says what it means in its first words."""
    for answer in Engine().personas[persona].topics["later_start"]:
        first = answer.say.split(",")[0].split(".")[0].split(":")[0].strip().lower()
        assert first not in ("no", "nope", "yes", "yep"), answer.say


def test_and_the_worst_bit_lol_asks_for_the_worst_bit() -> None:
    """ "n the worst bit lol" right after the best part got "Right, class is in session. Ask
    away.": a trailing "lol" hid the question."""
    _, worst = _asked_in_turn("carys", "what's the best part of teaching?", "n the worst bit lol")
    assert worst.ref.startswith("least."), worst.text


def test_what_are_you_working_on_is_the_contacts_own_work() -> None:
    """ "What are you working on in the lab at the moment?" got Samuel's "I would like to do
    justice to that one": a question about his own lab, deferred as if outside it."""
    [reply] = _asked_in_turn("samuel", "What are you working on in the lab at the moment?")
    assert reply.ref.startswith("organisation."), reply.text


def test_and_in_a_place_the_contact_has_no_answer_for_is_named_not_made_a_big_question() -> None:
    """ "And in Houston?" right after Mei Ling's Singapore pay bands got "keep it for our next
    meeting and I will prepare as I would for a VIP arrival" (an in-field deferral, for a
    four-word follow-up). She says plainly she can't speak to Houston."""
    p = Engine().personas["meiling"]
    _, houston = _asked_in_turn("meiling", "What's the pay like?", "And in Houston?")
    assert houston.kind == "unknown_topic" and "Houston" in houston.text
    in_field = [
        re.compile(re.escape(line).replace(r"\{asked\}", ".+").replace(r"\{offer\}", ".+"), re.I)
        for line in p.unknown_in_field
    ]
    assert not any(shape.fullmatch(houston.text) for shape in in_field), houston.text


def test_ready_please_hands_the_floor_back() -> None:
    """ "Ready, please." right after Mei Ling's greeting got "that one lies outside my
    knowledge": the "please" made it look like a question."""
    [reply] = _asked_in_turn("meiling", "Ready, please.")
    assert reply.kind == "go_ahead", reply.text


def test_why_the_road_went_that_way_goes_on_with_it_not_a_definition() -> None:
    """ "Why QA rather than straight into development?" right after Dana's road in through
    QA got a definition of QA; asked "what is QA exactly?", she still defines it."""
    start, why, what = _asked_in_turn(
        "dana",
        "How did you get started?",
        "Why QA rather than straight into development?",
        "what is QA exactly?",
    )
    assert why.ref == f"{start.ref}+", why.ref
    assert what.ref.startswith("term."), what.ref


def test_how_long_did_that_take_after_the_road_in_goes_on_with_it() -> None:
    """ "How long did that take, getting from the regional daily to a Melbourne newsroom?"
    right after Anh's road in got where the jobs are (the location topic, from "Melbourne");
    it is how long her road took, which the rest of it tells."""
    start, more, how_long = _asked_in_turn(
        "anh",
        "How did you get started?",
        "Tell me more",
        "How long did that take, getting from the regional daily to a Melbourne newsroom?",
    )
    assert more.ref == f"{start.ref}+" and how_long.ref == f"{start.ref}++", how_long.ref


def test_a_pronoun_for_the_thing_just_named_does_not_go_back_to_the_last_answer() -> None:
    """ "The creativity awards, like Cannes Lions, they are overrated?" right after Marcus's
    fit answer got the rest of the fit answer: "they" was read as pointing back at it."""
    _, awards = _asked_in_turn(
        "marcus",
        "How would someone with my background fit in?",
        "The creativity awards, like Cannes Lions, they are overrated?",
    )
    assert not awards.ref.startswith("ask_fit."), awards.ref


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


@pytest.mark.parametrize("persona", ["carys", "conor", "priya"])
def test_how_they_got_through_a_first_bad_day_is_a_new_question(persona: str) -> None:
    """Practising with Carys: "how did you deal with your first really bad class?" right
    after her answer about the hours got more about the hours (read as "tell me more": the
    labelled follow-ups "how did you handle that?" sound alike), and "how did you get
    through your first night shift?" got her road in. Each names what it asks about, so
    each gets a story of the contact's own (or, from Priya, her own first night: a detail
    of her work); "how did you handle that?" still goes on."""
    hours, bad_class, that = _asked_in_turn(
        persona,
        "do you actually get evenings off or is that a myth",
        "how did you deal with your first really bad class?",
        "how did you handle that?",
    )
    assert hours.ref.startswith("balance."), hours.ref
    assert bad_class.ref.startswith("stories."), bad_class.ref
    assert that.ref == f"{bad_class.ref}+", that.ref
    [night] = _asked_in_turn(persona, "how did you get through your first night shift?")
    assert night.ref.startswith(("stories.", "spec.")), night.ref


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


@pytest.mark.parametrize("persona", ["ray", "meiling"])
def test_a_comment_on_the_last_answer_hears_more_of_it(persona: str) -> None:
    """Practising with Ray and Mei Ling: "oh wow that's a big jump" after the road in got
    "Alright. What have you got for me?", and "sounds exhausting tbh" after the typical day
    got "That's outside my panel" (the go-ahead lines were used up, so a deferral). People
    say such things to hear more: the contact goes on with that answer. "haha fair enough"
    and "sounds good" still hand the floor back."""
    start, wow, fair, day, tiring, good = _asked_in_turn(
        persona,
        "How did you get started?",
        "oh wow that's a big jump",
        "haha fair enough",
        "so whats a normal day",
        "sounds exhausting tbh",
        "sounds good",
    )
    assert wow.ref == f"{start.ref}+", wow.ref
    assert fair.kind == "go_ahead", fair.kind
    assert tiring.ref == f"{day.ref}+", tiring.ref
    assert good.kind == "go_ahead" and not good.ref.endswith("+"), (good.kind, good.ref)


def test_plain_acknowledgements_never_get_a_deferral() -> None:
    """Once the go-ahead lines were used up, a plain "cool" or "right" got a fallback such
    as "You lost me there" or "That's outside my panel": the contact hands the floor back
    warmly instead (small talk), while a line is left."""
    said = _asked_in_turn(
        "ray", "How did you get started?", "ok", "haha fair enough", "cool", "right"
    )
    assert [t.kind for t in said[1:]] == ["go_ahead", "go_ahead", "small_talk", "small_talk"], [
        t.kind for t in said
    ]


def test_a_background_stated_with_an_interest_is_acknowledged_not_answered() -> None:
    """Practising with Tomás: "I'm a nurse, 12 years on a cardiac ward, and I'm curious
    about finance." got his pay answer (only the learned reader saw a topic in it, from
    "finance"); and "is it hard to switch in from healthcare?" got more about spreading
    financial statements, then the scorecard said the user never asked how they would fit."""
    news, switch = _asked_in_turn(
        "tomas",
        "I'm a nurse, 12 years on a cardiac ward, and I'm curious about finance.",
        "is it hard to switch in from healthcare?",
    )
    assert news.kind == "background", (news.kind, news.ref)
    assert switch.ref.startswith("ask_fit."), switch.ref


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


def test_a_question_read_as_tell_me_more_with_nothing_to_go_on_is_still_asked() -> None:
    """With nothing said yet to go on with, a question of its own that the reader also
    took for "tell me more" is answered as a question (here, one no topic covers: named,
    not "Good. Your question?"); "tell me more" alone still hands the floor back."""
    [said] = _asked_in_turn("dana", "how do you convince the CFO")
    assert said.kind == "unknown_topic", (said.kind, said.ref)
    [more] = _asked_in_turn("dana", "tell me more")
    assert more.kind != "unknown_topic", (more.kind, more.ref)
