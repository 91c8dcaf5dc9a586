"""What a question is about: the topics of a message, read question by question by the
topic rules (``topics.yaml``) and settled by the learned topic reader, with the questions that
look like a topic and ask about none (``no_topic:``).

The package's own reading of the message (its acts, signals and normalised text) is used
through the package module, which imports this one.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from flows import acts as A
from flows import understanding as _u
from flows.acts import CLASSIC_QUESTIONS
from flows.topics import QUALIFIERS
from flows.understanding import learned
from flows.understanding.topic_finder import POINTS_BACK, Decide, Second, find_topics, segments

_NO_GUESS: Final = frozenset({"points_back", "how_are_you", "recall", "personal"})
"""Signals of a message about what was just said, the contact's day or life, or the user: the
learned reader names no topic for it that the rules did not find, unless it is sure."""
_SMALL_TALK: Final = frozenset({"how_are_you", "personal"})
"""Signals of small talk: said to the person, naming no topic it has the words of."""


@lru_cache(maxsize=256)
def topic_positions(text: str) -> tuple[tuple[str, int], ...]:
    """``(topic, offset in the normalised text)`` for each topic ``text`` asks about."""
    classic = bool(_u.understand(text) & set(CLASSIC_QUESTIONS))
    # A short question about what the contact just said ("was everyone alright?") is
    # about that: the reader names no topic the rules did not find unless it is sure.
    said = _u.signals(text)
    guess = not classic and not said & _NO_GUESS
    # Small talk about the day ("busy on the ward today?") has the words of a topic (the
    # hours) and none of its question: only the rules' wording names a topic beside it.
    # No topic is read inside any small talk ("do you have pets?" beside a word on the
    # user's own volunteering).
    small_talk = bool(said & _SMALL_TALK)
    day = "how_are_you" in said
    question = _u._engine().rules.question
    found = find_topics(
        _u._engine().topics,
        _u.normalised(text),
        None if day else _learned_decision(guess=guess),
        None if question is None else (lambda part: question.search(part) is not None),
        None if day else _learned_second(),
    )
    if question is not None and _u.understand(text) & _ABOUT_THEM:
        found = _asked_beside_classic(_u.normalised(text), found, question)
    if small_talk:
        return _beside_small_talk(text, found)
    return _whole_message(text, found, classic=classic)


_ABOUT_THEM: Final = frozenset({A.ASK_START, A.ASK_LIKES})
"""Classic questions about the contact, beside which the user's own story names nothing
asked."""


def _asked_beside_classic(
    norm: str, found: tuple[tuple[str, int], ...], question: re.Pattern[str]
) -> tuple[tuple[str, int], ...]:
    """Beside a classic question, only the topics named where the message asks: the story
    before it is the asker's own ("...a warehouse supervisor at a regional distribution
    centre... How did you get started in sustainability yourself?" asks nothing of where
    the jobs are)."""
    asking = [(b, e) for b, e in segments(norm) if question.search(norm[b:e])]
    if not asking or any(POINTS_BACK.search(norm[b:e]) for b, e in asking):
        return found  # ("I trained in Kerala, would that count here?" asks about it)
    return tuple((t, at) for t, at in found if any(b <= at < e for b, e in asking))


def _beside_small_talk(
    text: str, found: tuple[tuple[str, int], ...]
) -> tuple[tuple[str, int], ...]:
    """The topics asked outside the small talk: "good weekend?" and "busy at the office
    today?" name the hours and the office without asking about either."""
    norm = _u.normalised(text)
    spans = [
        (at, at + len(m.matched))
        for m in _u._signals(text)
        if m.act in _SMALL_TALK and (at := norm.find(m.matched)) >= 0
    ]
    return tuple((t, at) for t, at in found if not any(a <= at < b for a, b in spans))


WHOLE_MESSAGE: Final = 0.6
"""How sure the learned reader must be of the *whole* message's topic to overrule the
question-by-question reading when that found one topic or none. Cutting a message into
questions helps for two topics, but a story before a one-topic question can pull a part the
wrong way ("I've never set foot in a law firm. What fills your hours on an average day?"
read as hours, i.e. balance). Chosen on training authors left out of the encoder and heads
(E and G): exact topic list +0.006 on both, no act-set message given a topic."""
WHOLE_MESSAGE_BESIDE_CLASSIC: Final = 0.9
"""The same beside a classic question, which has no topic of its own."""


def _whole_message(
    text: str, found: tuple[tuple[str, int], ...], *, classic: bool
) -> tuple[tuple[str, int], ...]:
    head = learned.topic_head()
    if len(found) > 1 or head is None or any(t not in head.classes for t, _ in found):
        return found  # (a topic newer than the head: it has no say on it)
    if not found and _no_topic("worth_it", _u.normalised(text)):
        return found
    if found and _u._engine().topics.firmly(found[0][0], _u.normalised(text)):
        return found
    if classic and _no_topic("a_trait", _u.normalised(text)):
        return ()
    if classic and not found and _no_topic("own_experience", _u.normalised(text)):
        return found
    reading = learned.read_question(_u.normalised(text).strip())
    if reading is None or reading.topic == learned.NONE:
        return found
    needed = WHOLE_MESSAGE_BESIDE_CLASSIC if classic else WHOLE_MESSAGE
    if reading.confidence < needed or (found and found[0][0] == reading.topic):
        return found
    return ((reading.topic, found[0][1] if found else 0),)


NO_TOPIC_KINDS: Final = frozenset({"a_trait", "own_experience", "worth_it"})
"""The kinds of question in topics.yaml's ``no_topic:`` section. Beside a classic question:
``a_trait``, whether it takes being good at something, has no topic (what it takes names
the skills); ``own_experience``, whether the asker's own background counts, gets no topic
the rules did not read (how they fit). ``worth_it``, only whether "it" is worth it: no
topic where the rules found none."""


def _no_topic(kind: str, text: str) -> bool:
    """Whether a ``no_topic`` rule of ``kind`` fires on the normalised ``text``."""
    return _u._engine().no_topic.fires(kind, text)


def _learned_decision(*, guess: bool) -> Decide | None:
    """The learned reader's say on each question; ``guess=False``: it may only overrule
    when sure (beside one of the classic questions: "what does it take to succeed?" has no
    topic of its own)."""
    head = learned.topic_head()
    if head is None:
        return None

    question_re = _u._engine().rules.question
    topic_rules = _u._engine().topics

    def decide(question: str, ruled: str | None) -> str | None:
        if ruled is not None and topic_rules.firmly(ruled, question):
            return ruled
        remark = question_re is not None and not question_re.search(question)
        if ruled is None and remark:
            return None  # a remark beside the question ("be honest, is the money decent?")
        if not guess and _no_topic("a_trait", question):
            return None  # what it takes, named in the classic answer: no topic
        if not guess and ruled is None and _no_topic("own_experience", question):
            return None  # how one's own background fits: the classic answer, no guess
        if ruled is None and _no_topic("worth_it", question):
            return None  # "is it worth it tho": the job just talked about, not a degree
        if ruled in QUALIFIERS and remark:
            # the user's own circumstance, stated before the question it is about ("My
            # degree is from Lagos, will employers take it seriously?"): the rules' words
            return ruled
        reading = learned.read_question(question.strip())
        if reading is None:
            return ruled
        return head.decide(reading, ruled, guess=guess)

    return decide


_CONJUNCT: Final = re.compile(r"\b(?:and|or|plus|as well as)\b|[&/]")
SECOND_TOPIC_SURE: Final = 0.9
"""How sure the reader must be of a conjunct ("the hours like ?") to answer a second topic."""


def _learned_second() -> Second | None:
    """Two topics in one breath ("what are the pay and the hours like?", "degree or
    portfolio?"): the reader gives a question one topic, so when the rules found another
    topic in the same question, its conjuncts (cut at "and", "or", "plus") are read one by
    one, and the other topic is answered too when the reader is sure of it in one of them.
    Decided on training authors left out of the encoder and heads, among cuts with and
    without commas and bars of 0 to 0.9 (E and G; tests/data/README.md): exact topic list E
    0.957 -> 0.969, G 0.939 -> 0.947; a comma cut or a lower bar added a second topic to
    one-topic questions ("collaborative or competitive?" read as demand)."""
    if learned.topic_head() is None:
        return None

    def second(question: str, chosen: str, others: tuple[str, ...]) -> str | None:
        parts = [part.strip() for part in _CONJUNCT.split(question) if part.strip(" ?.!")]
        if len(parts) < 2:
            return None
        for part in parts:
            reading = learned.read_question(part)
            if (
                reading is not None
                and reading.topic in others
                and reading.confidence >= SECOND_TOPIC_SURE
            ):
                return reading.topic
        return None

    return second
