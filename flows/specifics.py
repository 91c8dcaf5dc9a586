"""Finding the detail a question asks about: "how many cold calls do you make a day?" is not
the typical-day answer, it is the contact's number of calls.

Each contact lists ``specifics`` (``flows/persona.py``: ``Specific``): details one level below
a topic, each with the words a question about it names. A key is slots joined by `` + ``,
every slot present somewhere in the message, each slot's spellings split by ``|``:
``"cold call|dial|calls + a day|daily|per day"``. A spelling matches at the start of a word
("call" finds "calls", "calling"); one of three letters or fewer only as a whole word ("ai"
does not find "aim"). Words are matched as typed and as the rules correct them, so "comission"
finds "commission".

Computation only: the persona data in, the specifics it names out.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from flows.asked import plain_words
from flows.persona import Persona, Specific

SPEC: Final = "spec"
"""The ``ref`` key of a specific told (``spec.3``; ``spec.3+`` its continuation)."""
MIN_WORDS: Final = 2
"""Words a key must name at the least: two slots, or a slot of two-word spellings. One word
alone ("calls") is a topic's business, not a detail's."""


SUBJECT_WORDS: Final = MIN_WORDS + 1
"""What a subject's reading counts for against a detail's own keys: more than a key's two
words ("mentor" + "your" in "did you have a mentor?" found "Do you currently mentor any of
the junior engineers on your team?"), less than a key naming three. A subject's rules are
written once with their near misses; a contact's keys are not."""


_WHOLE: Final = frozenset({"than", "then", "more", "less", "over", "under", "between"})
"""Words of comparing, matched whole like short ones: "than" is not "thanks", "more" not
"morning", "less" not "lesson" (a pay comparison answered "Thanks! What's the pay like?")."""


def _whole(spelling: str) -> bool:
    return (len(spelling) <= 3 or spelling in _WHOLE) and " " not in spelling


@lru_cache(maxsize=8192)
def _slot(spellings: str) -> re.Pattern[str]:
    parts = [plain_words(s).strip() for s in spellings.split("|")]
    alternatives = [
        rf" {re.escape(p)} "
        if (len(p) <= 3 or p in _WHOLE) and " " not in p
        else rf" {re.escape(p)}"
        for p in parts
        if p
    ]
    return re.compile("|".join(alternatives) or r"(?!x)x")


def _slots(key: str) -> list[str]:
    return [slot for slot in (s.strip() for s in key.split(" + ")) if slot]


def key_words(key: str) -> int:
    """The fewest words ``key`` can match with: the size of its shortest reading."""
    return sum(
        min(len(plain_words(s).split()) or 0 for s in slot.split("|")) for slot in _slots(key)
    )


def compile_keys(persona: Persona) -> None:
    """Compile the keys of the persona's specifics now (every question is scored against
    all of them: the first one would otherwise pay for it)."""
    for spec in persona.specifics:
        for key in spec.keys:
            _key(key)


@lru_cache(maxsize=8192)
def _key(key: str) -> tuple[re.Pattern[str], ...]:
    """``key``'s slots, compiled (every message is scored against every key)."""
    return tuple(_slot(slot) for slot in _slots(key))


def _score(key: str, forms: tuple[str, ...]) -> int:
    """How many words of a message ``key`` matches (0: it does not)."""
    slots = _key(key)
    best = 0
    for form in forms:
        total = 0
        for slot in slots:
            m = slot.search(form)
            if m is None:
                total = 0
                break
            total += len(m.group().split())
        best = max(best, total)
    return best


@lru_cache(maxsize=256)
def _forms(text: str) -> tuple[str, ...]:
    """``text`` as typed and as the rules correct it (cached: a message and its questions
    are looked at more than once while it is answered)."""
    from flows.understanding import normalised  # the rules load on first use, not with a list

    typed = plain_words(text)
    corrected = plain_words(normalised(text))
    return (typed,) if corrected == typed else (typed, corrected)


def named_specifics(persona: Persona, text: str) -> list[int]:
    """The contact's specifics ``text`` names, best first: most words matched, then the
    order in the file (a contact lists the narrower detail first). A detail that answers a
    subject the question names (``subject:``) counts as a key of ``SUBJECT_WORDS`` words."""
    if not persona.specifics:
        return []
    forms = _forms(text)
    subjects = _subjects(text) if any(s.subject for s in persona.specifics) else frozenset()
    scored = [
        (max(_best(spec, forms), SUBJECT_WORDS if spec.subject in subjects else 0), i)
        for i, spec in enumerate(persona.specifics)
    ]
    return [i for score, i in sorted(scored, key=lambda p: (-p[0], p[1])) if score]


def _subjects(text: str) -> frozenset[str]:
    from flows.understanding import subjects  # (the rules load on first use)

    return subjects.named(text)


def _best(spec: Specific, forms: tuple[str, ...]) -> int:
    return max((_score(key, forms) for key in spec.keys), default=0)
