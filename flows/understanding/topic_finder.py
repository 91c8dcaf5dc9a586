"""Which topics a normalised question asks about, in order (rules in ``topics.yaml``).

A message can ask two things ("what's a normal day like, and do you work weekends?"). It is
cut into questions at question marks and at "and"/"also" before a new question; in each,
the topic whose rule matched the longest stretch of words wins (a specific phrase such as
"best advice" beats a bare keyword that happens to be nearby), except that a qualifier
(``flows.topics.QUALIFIERS``: age, part-time, a record, coming from abroad) beats any other
("do law firms hire people on a graduate visa?" asks about the visa, not hiring).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Final

from flows.topics import QUALIFIERS
from flows.understanding.matching import run
from flows.understanding.rules import RuleSet

Decide = Callable[[str, "str | None"], "str | None"]
"""Given one question and the topic the rules found in it (or None), the topic it asks
about (the learned reader, ``learned.py``)."""
Second = Callable[[str, str, "tuple[str, ...]"], "str | None"]
"""Given one question, the topic chosen for it and the other topics the rules found in it,
a second topic that the same question also asks about, or None ("what are the pay and the
hours like?")."""

TOPICS_PATH: Final = Path(__file__).with_name("topics.yaml")
NO_TOPIC_SECTION: Final = "no_topic"
"""The section of topics.yaml with the questions that look like a topic and ask about none."""
_BOTH_ENDS: Final = frozenset({"best", "least"})
_BOTH_ASKED: Final = re.compile(
    r"\b(?:best|most)\b(?: \w+){0,3} (?:and|or|&|n|vs) (?:the )?(?:\w+ )?(?:least|worst)\b"
    r"|\b(?:least|worst)\b(?: \w+){0,3} (?:and|or|&|n|vs) (?:the )?(?:\w+ )?(?:best|most)\b"
)
"""Both ends asked of in one breath ("what do you like most and least?", "the best and
worst parts?"): both are answered, best first (TOPICS.md)."""

_QUESTION_BREAK: Final = re.compile(
    r"\? |(?:,|;|\.) (?=(?:and |also |plus |oh and |but )?(?:what|how|do|does|did|is|are|would|"
    r"could|can|where|when|which|who|why|any|have|should|will)\b)|\b(?:and|also|plus|as well as)"
    r" (?=(?:also )?(?:what|how|do|does|did|is|are|would|could|can|where|when|which|who|why|"
    r"have|should|will)\b)"
)


def segments(text: str) -> list[tuple[int, int]]:
    bounds: list[tuple[int, int]] = []
    start = 0
    for cut in _QUESTION_BREAK.finditer(text):
        bounds.append((start, cut.start()))
        start = cut.end()
    bounds.append((start, len(text)))
    return [(a, b) for a, b in bounds if b > a]


def _first(located: list[tuple[int, int, str]], topic: str, default: int) -> int:
    """Where the rules first found ``topic`` among ``located`` hits, else ``default``."""
    return min((hit[0] for hit in located if hit[2] == topic), default=default)


def _also_asked(
    question: str, topic: str, others: tuple[str, ...], second: Second | None
) -> str | None:
    """Of the other topics the rules found in one question, the one it asks about as well
    as ``topic``, if any (at most one more):
    - two circumstances of the user's ("a 58-year-old part-timer?"): both;
    - the best and the least in one breath ("what do you like most and least?"): both,
      best first (TOPICS.md);
    - otherwise what ``second`` (the learned reader, conjunct by conjunct) is sure of."""
    if not others:
        return None
    if topic in QUALIFIERS and (qualifiers := [t for t in others if t in QUALIFIERS]):
        return qualifiers[0]
    if topic in _BOTH_ENDS:
        pair = next(iter(_BOTH_ENDS - {topic}))
        if pair in others and _BOTH_ASKED.search(question):
            return pair
    return second(question, topic, others) if second is not None else None


def find_topics(
    rules: RuleSet,
    text: str,
    decide: Decide | None = None,
    asks: Callable[[str], bool] | None = None,
    second: Second | None = None,
) -> tuple[tuple[str, int], ...]:
    """``(topic, where it is asked in text)``, in the order asked. With ``decide`` (the
    learned reader), each question's topic is settled by it, given what the rules found.
    With ``asks`` (whether a stretch of text is put as a question): in a message that asks
    somewhere, the parts that ask nothing are read only if the asking parts have no topic.
    The context before a question mentions things ("everyone tells me about the long
    training, but what's good about it?"); the question is what the contact should answer,
    unless it only points back ("I'm curious about the pay. How does it compare?"). With
    ``second``, one question may name two topics in one breath, when the rules found both."""
    fired = run(rules.acts, text, rules.act_unless)
    if not fired and decide is None:
        return ()
    located: list[tuple[int, int, str]] = []  # (start, length, topic)
    firm: set[str] = set()  # topics a firm rule named
    for rule, matched in fired:
        at = text.find(matched)
        located.append((max(at, 0), len(matched.split()), rule.label))
        if rule.firm:
            firm.add(rule.label)

    def read(parts: list[tuple[int, int]]) -> tuple[tuple[str, int], ...]:
        chosen: dict[str, int] = {}
        for begin, end in parts:
            inside = [hit for hit in located if begin <= hit[0] < end]
            ruled = (
                # a firm rule's topic first: "do you think an APM program is worth it?"
                # is the way in it names, not the advice its opening words look like
                max(
                    inside,
                    key=lambda hit: (hit[2] in QUALIFIERS, hit[2] in firm, hit[1], -hit[0]),
                )
                if inside
                else None
            )
            topic = ruled[2] if ruled else None
            if decide is not None:
                topic = decide(text[begin:end], topic)
            if topic is None:
                continue
            found = [(_first(inside, topic, begin), topic)]
            others = tuple(dict.fromkeys(hit[2] for hit in sorted(inside) if hit[2] != topic))
            also = _also_asked(text[begin:end], topic, others, second)
            if also is not None:
                found.append((_first(inside, also, begin), also))
            for offset, name in sorted(found):
                chosen.setdefault(name, offset)
        return tuple(chosen.items())

    parts = segments(text)
    if asks is not None and len(parts) > 1:
        asking = [(begin, end) for begin, end in parts if asks(text[begin:end])]
        if asking and len(asking) < len(parts):
            found = read(asking)
            if found:
                return found
    found = read(parts)
    if asks is None or not found or "?" in text:
        return found
    return _only_where_asked(text, found, asks)


def _only_where_asked(
    text: str, found: tuple[tuple[str, int], ...], asks: Callable[[str], bool]
) -> tuple[tuple[str, int], ...]:
    """Of the topics found in a message with no question mark, those named in a sentence
    that asks, when the asking sentences point nowhere back: "I've been doing a lot of Excel
    for our exam tracking. I'm curious about data analytics." asks nothing of the tools or
    of exams. (A question put with its mark may ask about the story before it without
    pointing back, and held-out set U4 lost a question when this applied to those too.)"""
    sentences = _sentences(text)
    asking = [(begin, end) for begin, end in sentences if asks(text[begin:end])]
    if not asking or len(asking) == len(sentences):
        return found
    if any(POINTS_BACK.search(text[begin:end]) for begin, end in asking):
        return found
    return tuple((t, at) for t, at in found if any(b <= at < e for b, e in asking))


_SENTENCE_END: Final = re.compile(r"[.!] ")
"""A sentence end in a message with no question mark (the only kind cut here)."""
POINTS_BACK: Final = re.compile(
    r"\b(?:it|that|this|those|these|them|they|there|so|true|the case|right|normal|typical"
    r"|your (?:take|view|experience|thoughts|opinion|sense|advice))\b"
)
"""An asking sentence that may be about a topic the sentences before it named ("the pay
worries me. how does it compare?"); one that points nowhere asks about what it says, and a
topic word in a statement before it is the user's own story ("... doing a lot of Excel for
our exam tracking. I'm curious about data analytics." asks nothing of the tools)."""


def _sentences(text: str) -> list[tuple[int, int]]:
    """``text`` cut at its sentence ends."""
    begin = 0
    bounds: list[tuple[int, int]] = []
    for cut in _SENTENCE_END.finditer(text):
        bounds.append((begin, cut.end()))
        begin = cut.end()
    bounds.append((begin, len(text)))
    return [(a, b) for a, b in bounds if text[a:b].strip(" .!?")]
