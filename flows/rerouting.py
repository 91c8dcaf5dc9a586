"""Questions the topic reading would answer with a near miss, sent to the answer that fits:
a concept of the contact's field asked by name, a detail of their own work, their own road
in.

``asked_items`` (``flows/answers.py``) reads what a message asks by topic and classic
question. A topic is broad: "how many cold calls do you make a day?" reads as the typical day,
"what are the five Cs?" as the hardest part or nothing at all. The checks here run after it,
on what the contact knows (``field_terms``, ``specifics``, ``own_path``), and replace the
reading where a person in that chair would answer something narrower.

Computation only: the reading and the persona in, the items to answer out.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Final

from flows import acts as A
from flows.answers import TERM, Answerer, named_terms
from flows.asked import plain_words
from flows.asked_items import Item, about_the_user, asked_items
from flows.persona import Persona
from flows.specifics import SPEC, named_specifics
from flows.understanding import (
    asks_own_circumstances,
    asks_something,
    ruled_acts,
    topics_ruled,
    understand,
)

_TO_THEM: Final = re.compile(r" (?:you|your|u|ur|yours) |^ (?:what|how) (?:was|were) ")
"""Said to the contact, or asking what something was like ("what was it like moving from
procurement?": past, so theirs). Broader than ``_WHAT_WAS``, so it applies only where the
reading found nothing or missed (``_NEAR_MISS_PATH``)."""
_WHAT_WAS: Final = (
    r"^ (?:what|how) (?:was|were) (?:(?:it|life) )?(?:like )?"
    r"(?:(?:being|doing|working|in|at|on|as|the|a|an|your) )*"
)
"""Asking what a part of the contact's past was like, named right there: their story,
whatever topic its words suggest ("What was working in support like?" is not the culture
question; "what was the pay like when you started in retail?" is still the pay)."""


def what_their_past_was_like(path: list[str], text: str) -> bool:
    past = _past_like(tuple(path))
    return past is not None and past.search(plain_words(text)) is not None


@cache
def _past_like(path: tuple[str, ...]) -> re.Pattern[str] | None:
    """``_WHAT_WAS`` before any of a contact's own-path words, compiled once per contact."""
    words = [re.escape(plain_words(w).strip()) for w in path]
    return re.compile(_WHAT_WAS + "(?:" + "|".join(words) + ") ") if words else None


_NEAR_MISS_PATH: Final = (
    [Item("unknown", "")],
    [Item("topic", "leaving")],
    [Item("topic", "hardest")],
)
"""Readings of a question to the contact about their earlier work that miss it."""


def about_their_own_path(path: list[str], text: str) -> bool:
    """A question to the contact ("you", "your") naming their own earlier work."""
    plain = plain_words(text)
    return bool(_TO_THEM.search(plain)) and any(plain_words(w) in plain for w in path)


def rerouted(
    persona: Persona,
    text: str,
    items: list[Item],
    answerer: Answerer,
    *,
    going_back: bool = False,
    asks_why: bool = False,
    handled: bool = False,
    asks_names: bool = False,
) -> list[Item]:
    """``items`` as read, or the narrower answer a person would give. ``going_back``: the
    message stops on the contact's last answer ("wait, how long did that take?"), which a
    detail never overrides; a question that merely says "that" or "there" ("is there a
    union?") gets the detail it names. ``asks_why``: a why-question about the contact's last
    answer, which goes on with it rather than defining a term it names. ``handled``: the
    message asks for something the meeting does apart from questions (names, feedback, a
    check-back), so with no question read it is not the contact's own road: "would you know
    anyone who went from support to product?" wants names, not how they went from support
    to product. ``asks_names``: the message asks for names, which a detail of the
    contact's work never answers instead ("anyone in-house, on the client side?" is not
    who sits on a client team). A question carried over from the last answer ("and for
    RPNs?" right after the pay answer is RPN pay, not what an RPN is) is not rerouted: the
    caller keeps it."""
    p = persona
    asking = asks_something(text)
    only = items[0] if len(items) == 1 else None
    term = Item(TERM, only.key if only is not None and only.kind == "topic" else "")
    if (not items or (only is not None and only.kind in ("topic", "unknown"))) and (
        (asking or items) and named_terms(p, text, defining=True)
    ):
        # "what are the five Cs?", "RPN vs RN?": a concept of the contact's own field,
        # explained, not deferred or answered with the nearest topic
        return [term]
    named = [] if going_back or (asks_names and not items) else named_specifics(p, text)
    if named:
        # "how many cold calls do you make a day?": the contact's number, not their day
        # ("anyone who works in-house at a brand, on the client side?" wants names, not who
        # is on a client team)
        detailed = _with_detail(p, text, items, answerer, named, asking)
        if detailed is not None:
            return detailed
    if only == Item("unknown", "") and named_terms(p, text) and not asks_why:
        return [term]  # "is LTV checked on every loan?": what the contact knows of it
    if (
        only is not None
        and only.kind == "topic"
        and not asks_why
        and named_terms(p, text)
        and only.key not in topics_ruled(text)
    ):
        # "whats the deal with grant rejections, how often does that happen": no topic rule
        # read it and the learned reader guessed the hours; the R01 it names is what the
        # contact knows of it
        return [Item(TERM, "")]
    if not (handled and not items) and (
        (
            ((not items and asking) or items in _NEAR_MISS_PATH)
            and about_their_own_path(p.own_path, text)
        )
        or what_their_past_was_like(p.own_path, text)
    ):
        # "You came from procurement. Was that an advantage?": the contact's own road
        # in (its continuation once told), not "beyond my competence"
        return [Item("classic", A.ASK_START)]
    return items


def _with_detail(
    persona: Persona,
    text: str,
    items: list[Item],
    answerer: Answerer,
    named: list[int],
    asking: bool,
) -> list[Item] | None:
    """``items`` with the question that names a detail answered by it; None when no
    question does. A message of several questions is read one question at a time, as a
    whole message is (rules and learned reader), so "How did you start? And how many calls
    a day?" keeps its first answer."""
    tellable = [i for i in named if answerer.can_tell(SPEC, i)]
    if not tellable:
        if (
            (items or asking)
            and all(i.kind == "unknown" for i in items)
            and len(questions_in(text)) < 2
        ):
            # asked again about a detail told in full ("how do you get to work?" after the
            # commute and its sequel): that was all of it, not "I couldn't say"
            return [Item(SPEC, str(named[0]))]
        return None
    parts = questions_in(text)
    if len(parts) < 2:
        detail = Item(SPEC, str(tellable[0]))
        if len(items) > 1 and all(i.kind != "unknown" and _broader(i, text) for i in items):
            # one question, read as two things ("When you post a position, how many
            # applications come in?": hiring and demand; "what did you get wrong in your
            # first year?": surprises and how they started): the detail it names is narrower
            return [detail]
        at = _detail_at(items, asking, text)
        return None if at is None else [*items[:at], detail, *items[at + 1 :]]
    read: list[Item] = []
    placed = False
    for part in parts:
        part_asks = asks_something(part)
        part_items = asked_items(part, set(understand(part)), is_question=part_asks)
        here = [i for i in named_specifics(persona, part) if i in tellable]
        at = _detail_at(part_items, part_asks, part) if here and not placed else None
        if at is not None:
            part_items = [*part_items[:at], Item(SPEC, str(here[0])), *part_items[at + 1 :]]
            placed = True
        read.extend(item for item in part_items if item not in read)
    return read if placed else None


_SPLIT: Final = re.compile(
    r"(?<=[?!;])\s*|(?<=\.)\s+|\n+|,?\s+(?:and|also|plus)\s+(?=(?:what|how|who|when|where|why|which|do|does|did"
    r"|is|are|was|were|can|could|would|will|have|has)\b)",
    re.I,
)


def questions_in(text: str) -> list[str]:
    """The sentences and joined questions of ``text`` ("How did you start, and what do you
    like least?" is two)."""
    return [part for part in (p.strip() for p in _SPLIT.split(text)) if len(part.split()) > 1]


def _detail_at(items: list[Item], asking: bool, text: str) -> int | None:
    """Which item a named detail answers instead: the one item read, or in two questions
    the one no topic covers ("how did you start, and how many calls a day?"); None when
    the reading stands."""
    if not items:
        return 0 if asking else None
    if len(items) > 1:
        unknown = [i for i, item in enumerate(items) if item.kind == "unknown"]
        return unknown[0] if len(unknown) == 1 else None
    # "how many calls did you make when you started?" wants the number; "would my retail
    # years count?" stays the user's own question
    return 0 if _broader(items[0], text) else None


_WHAT_WAS_THE: Final = re.compile(r"\b(?:what|how) (?:was|were) the (?:\w+ ){0,2}like\b", re.I)
_CONCRETE: Final = frozenset(
    {"pay", "balance", "typical_day", "culture", "hiring", "location", "remote", "tools"}
)
"""A question about one thing at a point of the contact's past ("what was the pay like
when you started?")."""


def _broader(item: Item, text: str) -> bool:
    """Whether a detail of the contact's own work the question names answers it better
    than ``item``: yes for anything about the contact's work or none; for the
    user's own question (fit, résumé, what it takes, their circumstances) only when the
    learned reader alone read it so. The rules' wording is the evidence that a question is
    the user's own: "could I start part-time?" is; "have you ever been sued?" (read as a
    record) and "do new nurses get a preceptor when they start?" (read as what it takes)
    are about the contact's work."""
    if (
        item.kind == "topic"
        and item.key in _CONCRETE
        and item.key in topics_ruled(text)
        and _WHAT_WAS_THE.search(text)
    ):
        # "What was the pay like when you started in retail?": the pay then, not how the
        # step into the work was for them (a detail of their road that names retail)
        return False
    if not about_the_user(item):
        return True
    if item.kind == "topic":
        return not asks_own_circumstances(text)
    return item.key not in ruled_acts(text)
