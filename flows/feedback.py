"""The contact's feedback, built from what really happened in this practice."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flows import acts as A
from flows.asking import question_topics
from flows.facts import Facts
from flows.feedback_lines import feedback_keys
from flows.feedback_lines import line as _line
from flows.persona import Persona
from flows.self_description import about_the_asker, speaks_of_self
from flows.session import Session, Turn
from flows.topics import QUALIFIERS
from flows.userfacts import UserFacts, user_facts

MAX_POINTS = 3
POINT_WORDS = 60
"""Words of observations in one feedback reply, where they fit: with the contact's intro,
under the 80 words a phone reads comfortably."""
READS_ON_A_PHONE = 79
"""The longest reply, in words, that reads comfortably on a phone."""


@dataclass(frozen=True)
class Observations:
    strengths: tuple[str, ...]
    weaknesses: tuple[str, ...]


def observe(session: Session, f: Facts, persona: Persona | None = None) -> Observations:
    """Strengths and weaknesses the contact noticed, most telling first."""
    you = user_facts(session)
    background = you.background
    fit = own_case_question(session, you) is not None
    held = {  # most telling first
        "job_ask": A.ASK_JOB in f.asked,
        **_style(session),  # how they put things: plain to see, and easy to act on
        "background_told": background is not None and fit,
        "background_no_fit": background is not None and not fit,
        "tangent_followed": f.tangent_followed is not None,
        "tangent_ignored": f.tangent_ignored is not None,
        "shared": A.SHARE_INFO in f.asked,
        "asked_fit": fit,
        "few_questions": len(f.distinct_questions) < 3,
        "many_questions": len(f.distinct_questions) >= 3,
        "no_fit": not fit and background is None,
        "no_background": (
            background is None and len(f.questions) >= 2 and not _spoke_of_self(session)
        ),
        "prepared": bool(session.prepared_questions) or A.QUESTIONS_COPY in f.checklist,
        "no_prepared": not session.prepared_questions and A.QUESTIONS_COPY not in f.checklist,
        "time_raised": A.TIME_CHECK in f.asked and f.wrap_up_nudge is None,
        "time_missed": f.wrap_up_nudge is not None and A.TIME_CHECK not in f.asked,
        "no_share": A.SHARE_INFO not in f.asked,
        "early": A.ARRIVE_EARLY in f.checklist,
        "dressed": A.DRESSED in f.checklist,
        "no_job_ask": A.ASK_JOB not in f.asked,
    }
    sides = feedback_keys()
    fields = {"a_role": background.a_role if background else ""}
    said = {k: _line(persona, k).format(**fields) for k, ok in held.items() if ok}
    strengths = [line for k, line in said.items() if sides[k] == "strength"]
    weaknesses = [line for k, line in said.items() if sides[k] == "weakness"]
    return Observations(tuple(strengths), tuple(weaknesses))


BUNDLED_AT = 2
"""Messages that asked more than the contact could take at once (it answered two and asked
for the rest) before the feedback says so."""
LONG_WORDS = 60
TERSE_WORDS = 5
STYLE_MESSAGES = 5
"""A median message over ``LONG_WORDS`` words runs long; one of ``TERSE_WORDS`` words or
fewer is terse; either only over ``STYLE_MESSAGES`` messages of the conversation or more."""
SORRIES = 3
_SORRY = re.compile(r"\b(?:sorry|apologi[sz]e|apologies|my apologies|forgive me)\b", re.IGNORECASE)


def _style(session: Session) -> dict[str, bool]:
    """How the user put things across in their own messages, from the greeting on: several
    questions at once, paragraphs or three-word texts, apologising all through."""
    said = [
        t
        for t in session.turns
        if t.speaker == "user" and t.stage != "arrive" and t.kind != "command"
    ]
    lengths = sorted(len(t.text.split()) for t in said)
    median = lengths[len(lengths) // 2] if lengths else 0
    enough = len(said) >= STYLE_MESSAGES
    rest = sum(t.speaker == "contact" and t.kind == "rest_of_question" for t in session.turns)
    return {
        "bundled": rest >= BUNDLED_AT,
        "long_messages": enough and median > LONG_WORDS,
        "terse": enough and median <= TERSE_WORDS,
        "apologetic": sum(bool(_SORRY.search(t.text)) for t in said) >= SORRIES,
    }


def own_case_question(session: Session, you: UserFacts | None = None) -> Turn | None:
    """The user's first question about how their own circumstances fit the work: the fit
    question itself, or one in other words ("is 41 too late?", "can I do it part-time?",
    "the hardest part for someone coming from finance?", "can paramedics bridge into
    nursing?" from a paramedic). The feedback and the scorecard both go by it, so neither
    says the user never asked while the other praises them for asking."""
    you = you or user_facts(session)
    asked = [t for t in session.turns if t.speaker == "user" and A.ASK_FIT in t.acts]
    plain = [t for t in asked if not QUALIFIERS.intersection(question_topics(t.text, set(t.acts)))]
    if plain:
        # the fit question itself, wherever it came: practising users' cards quoted an
        # earlier question about their age or hours instead of "how would I fit in?"
        return plain[0]
    work = you.background
    own = work.role.lower().split()[-1] if work is not None and not work.is_field else ""
    names_own_work = re.compile(rf"\b{re.escape(own)}s?\b", re.IGNORECASE) if own else None
    for t in session.turns:
        if t.speaker != "user":
            continue
        topics = question_topics(t.text, set(t.acts))
        asks = bool(topics) or bool(set(t.acts) & set(A.QUESTIONS)) or t.kind == "question"
        if about_the_asker(t.text) or QUALIFIERS.intersection(topics):
            return t
        named = names_own_work is not None and names_own_work.search(t.text) is not None
        if asks and named and t is not you.background_turn:
            return t
    return None


def _spoke_of_self(session: Session) -> bool:
    return any(t.speaker == "user" and speaks_of_self(t.text) for t in session.turns)


def feedback_text(obs: Observations, room: int = POINT_WORDS) -> str:
    """How the user came across: a strength and a weakness, in ``room`` words where they
    fit (the contact's intro takes the rest of what a phone reads comfortably): the most
    telling pair of the two most telling of each that fits, else the most telling two; a
    second strength if there is still room."""
    strong, weak = obs.strengths[:2], obs.weaknesses[:2]
    pairs = [(s, w) for s in strong or ("",) for w in weak or ("",)]
    chosen = next((p for p in pairs if _words(*p) <= room), pairs[0])
    points = [p for p in chosen if p]
    spare = [s for s in strong if s not in points]
    if spare and _words(*points, spare[0]) <= room:
        points.insert(1, spare[0])
    return " ".join(points)


def feedback_again(obs: Observations, said: str, persona: Persona | None = None) -> str:
    """How the user came across, asked a second time: the points not yet in ``said`` (what
    the contact told them already), or, when every one was, that the contact stands by it."""
    fresh = [point for point in (*obs.strengths[:2], *obs.weaknesses[:1]) if point not in said]
    return " ".join(fresh[:MAX_POINTS]) if fresh else _line(persona, "again")


def strengths_text(obs: Observations, said: str = "", persona: Persona | None = None) -> str:
    """Strengths and things to work on, two of each at most. Points already in ``said``
    (what the contact told the user earlier, e.g. their feedback a moment ago) are not
    repeated word for word; the contact refers back to them instead."""
    strengths = _side(
        obs.strengths,
        said,
        _line(persona, "strengths_again"),
        _line(persona, "strengths_none"),
    )
    weaknesses = _side(
        obs.weaknesses,
        said,
        _line(persona, "weaknesses_again"),
        _line(persona, "stretch"),
    )
    return f"Strengths: {strengths}\nTo work on: {weaknesses}"


def _side(points: tuple[str, ...], said: str, already_said: str, none: str) -> str:
    """Up to two of ``points`` not in ``said`` (the second only while both stay within
    half of ``POINT_WORDS``); ``already_said`` when every one was said, ``none`` when there
    are none."""
    fresh = [point for point in points if point not in said][:2]
    if len(fresh) == 2 and _words(*fresh) > POINT_WORDS // 2:
        fresh = fresh[:1]
    if fresh:
        return " ".join(fresh)
    return already_said if points else none


def _words(*lines: str) -> int:
    return sum(len(line.split()) for line in lines)
