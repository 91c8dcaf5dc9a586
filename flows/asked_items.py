"""What a message asks, in the order asked: the topics, the classic questions, and the parts
of a classic question that are topics of their own ("what's the hardest part, and what do
you like least?"); something no topic covers when it asks but names none. The contact's
choice of line for each is ``answers.py``."""

from __future__ import annotations

import re
from collections.abc import Sequence, Set
from dataclasses import dataclass
from typing import Final

from flows import acts as A
from flows.topics import BEST, CREDENTIALS, LEAST, QUALIFIERS
from flows.understanding import (
    asks_something,
    explain,
    likes_parts,
    normalised,
    topic_positions,
)

_COVERS = {
    A.ASK_LIKES: (BEST, LEAST, "hardest", "culture"),
    A.ASK_QUALIFICATIONS: (CREDENTIALS, "hiring", "thrives", *sorted(QUALIFIERS)),
    A.ASK_FIT: tuple(sorted(QUALIFIERS)),
}
"""Classic questions whose asked part is a topic: that part is answered instead ("what's the
toughest thing about your role?" is about the hardest part, not a best-and-least answer)."""
_PARTS = frozenset({BEST, LEAST, "hardest"})
"""The parts of the job a likes question asks about, which a remark names too ("that sounds
hard", "the best part is the people")."""
_CLASSIC_WINS = {
    A.ASK_START: frozenset({"entry", "progression", "differently"}),
    A.ASK_RESUME: frozenset({"hiring"}),
    A.ASK_FIT: frozenset({"entry", "thrives", "side_projects"}),
}
"""Topics a classic question also touches, where the classic answer is the one asked for:
"how did you get into it?" is the contact's own path; "what do you look for in a résumé?"
is the résumé answer, not how hiring works in general."""
_ASKING = frozenset(A.QUESTIONS)


@dataclass(frozen=True)
class Item:
    """One thing a message asks: a topic, a classic question, or something no topic covers."""

    kind: str  # "topic", "classic", "unknown"
    key: str  # the topic or the act ("" for unknown)


_USER_CLASSICS: Final = frozenset({A.ASK_FIT, A.ASK_RESUME, A.ASK_QUALIFICATIONS})


def about_the_user(item: Item) -> bool:
    """``item`` asks about the user's own case: how they would fit, their résumé, what it
    takes for them, or a qualifier topic (starting later, part-time, a record, coming from
    abroad). Nothing of the contact's own (a detail of their work, their last answer going
    on) answers it instead; "how did you start?" and "what do you like?" are about the
    contact, and a named detail is narrower than them."""
    if item.kind == "classic":
        return item.key in _USER_CLASSICS
    return item.kind == "topic" and item.key in QUALIFIERS


def asked_items(
    text: str, acts: Set[str], *, is_question: bool, hinted: Sequence[str] = ()
) -> list[Item]:
    """What ``text`` asks, in the order asked (classic questions and topics). ``hinted``:
    topics a model read in it, asked about only when the rules find no topic and no classic
    question."""
    asking = is_question or bool(acts & _ASKING)
    found = topic_positions(text) if asking else ()
    if not found and hinted and asking and not acts & set(A.CLASSIC_QUESTIONS):
        found = tuple((topic, i) for i, topic in enumerate(hinted))
    found_topics = {topic for topic, _ in found}
    placed: list[tuple[int, Item]] = [(at, Item("topic", topic)) for topic, at in found]
    norm = normalised(text)
    positions: dict[str, int] = {}
    for m in explain(text):  # where each act is first asked
        at = norm.find(m.matched)
        if at >= 0 and (m.act not in positions or at < positions[m.act]):
            positions[m.act] = at
        positions.setdefault(m.act, at)
    # A classic question the learned reader alone read, with no wording of its own to point
    # at, beside a topic found in the message: the topic is what was asked ("is the
    # work-life balance okay in agencies?" is not also "how would I fit in?"; "looking back,
    # what would you have done differently?" is not "how did you get started?").
    classic = [a for a in A.CLASSIC_QUESTIONS if a in acts and (a in positions or not found_topics)]
    for act in classic:
        placed = [(at, it) for at, it in placed if it.key not in _CLASSIC_WINS.get(act, ())]
    if A.ASK_RESUME in classic and A.ASK_RESUME in positions:
        # "Could you look at my résumé? What's weakest on it?": the later question is about
        # the résumé, not the hardest part of the job.
        after = positions[A.ASK_RESUME]
        placed = [(at, it) for at, it in placed if at <= after or not _BACK.search(_part(norm, at))]
    if "?" in norm:
        # "The hardest part for me would be the early starts. Do you get any say in your
        # hours?", "Sounds like the best part is the people! How big is the team?": a
        # remark on a part of the job beside a question, not a question about it
        placed = [(at, it) for at, it in placed if it.key not in _PARTS or _asks(norm, at)]
        found_topics = {it.key for _, it in placed}
        likes = [norm.find(m.matched) for m in explain(text) if m.act == A.ASK_LIKES]
        asked = [at for at in likes if at >= 0 and _asks(norm, at)]
        if A.ASK_LIKES in classic and not asked:
            classic.remove(A.ASK_LIKES)
        elif asked:
            positions[A.ASK_LIKES] = min(asked)  # where it is asked, not remarked on
    likes_at = positions.get(A.ASK_LIKES, -1)
    if (
        A.ASK_LIKES in classic
        and found_topics <= {BEST, LEAST, "hardest"}
        and (parts := _likes_parts(norm, likes_at))
    ):
        # "what part do you enjoy the most, and which one do you not like?" got the least
        # part only; "That sounds hard. And the part you like most?" got the hardest: the
        # parts the likes question names, in its own words, are what it asks
        placed = [
            (at, it)
            for at, it in placed
            if it.key not in _COVERS[A.ASK_LIKES] or (it.key == "hardest" and _asks(norm, at))
        ]
        # (a hardest part asked in a question of its own is asked beside them: "what's the
        # toughest bit, and what do you enjoy?"; "That sounds hard." is not a question)
        placed += [(at, Item("topic", part)) for at, part in parts]
        found_topics |= {part for _, part in parts}
    for act in classic:
        if any(t in found_topics for t in _COVERS.get(act, ())):
            continue
        placed.append((max(positions.get(act, 0), 0), Item("classic", act)))
    placed.sort(key=lambda pair: pair[0])
    items = [item for _, item in placed]
    if not items and (A.ASK_OTHER in acts or is_question) and A.FOLLOW_UP not in acts:
        items.append(Item("unknown", ""))
    return items


def _likes_parts(norm: str, at: int) -> list[tuple[int, str]]:
    """The parts a "what do you like" question asks from where it starts (best, least or
    both), each where it is named in ``norm``; empty when its words name neither
    (topics.yaml, ``likes_parts``)."""
    start = max(norm.rfind(mark, 0, at) for mark in "?.!") + 1 if at >= 0 else 0
    return [
        (start + offset, part) for offset, part in likes_parts(_part(norm, at) if at >= 0 else norm)
    ]


_BACK = re.compile(r"\b(?:it|that|this|them|those|its)\b")
"""A question that points back at what was just asked about."""


def _asks(norm: str, at: int) -> bool:
    """The sentence of ``norm`` at ``at`` is a question: it ends with a question mark, or is
    put as one ("I'd be interested to know what you find most rewarding."), or the message
    has no marks to end it."""
    ends = [i for i in (norm.find(mark, at) for mark in "?.!") if i >= 0]
    if not ends or norm[min(ends)] == "?":
        return True
    return asks_something(_part(norm, at))


def _part(norm: str, at: int) -> str:
    """The question of ``norm`` (normalised, so punctuation stands apart) around ``at``."""
    start = max(norm.rfind(mark, 0, at) for mark in "?.!") + 1
    ends = [i for i in (norm.find(mark, at) for mark in "?.!") if i >= 0]
    return norm[start : min(ends) if ends else len(norm)]


def gap_story(text: str) -> list[str]:
    """The sentences that tell of a gap in the user's work history: their words ("cv gap 2
    yrs travelling") name travel, not a question about it."""
    norm = normalised(text)
    return [
        _part(norm, at)
        for m in explain(text)
        if m.act == "cv_gap" and (at := norm.find(m.matched)) >= 0
    ]
