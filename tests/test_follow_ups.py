"""Follow-ups to the last answer: "tell me more", "wait, ...?", "and what about ...?", a
comment or a plea to say it more simply go on with it (or admit that is all); a question of
its own, or a pronoun for what the message itself named, does not go back."""

from __future__ import annotations

import pytest

from flows.engine import Engine
from tests.marked_persona import ask, marked_persona, meet
from tests.real_contacts import _asked_in_turn


@pytest.fixture(scope="module")
def marked() -> Engine:
    return Engine({"marked": marked_persona()})


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


def test_a_pronoun_for_what_the_message_itself_named_does_not_go_back() -> None:
    """ "whats ur take on agency nurses, r they a problem" right after Priya's typical day
    got the rest of her typical day: "they" was read as pointing back at it."""
    _, opinion = _asked_in_turn(
        "priya",
        "What's a typical day like for you?",
        "whats ur take on agency nurses, r they a problem",
    )
    assert not opinion.ref.startswith("typical_day.")


def test_and_the_worst_bit_lol_asks_for_the_worst_bit() -> None:
    """ "n the worst bit lol" right after the best part got "Right, class is in session. Ask
    away.": a trailing "lol" hid the question."""
    _, worst = _asked_in_turn("carys", "what's the best part of teaching?", "n the worst bit lol")
    assert worst.ref.startswith("least."), worst.text


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
