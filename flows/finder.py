"""Finding a contact by what the user calls their field: "data", "nurse", "ux design".

A query matches a contact's id, name, field, role, industry and synonyms (persona data).
Words are compared loosely (case, accents, plurals, hyphens); an exact id or a whole field or
synonym beats a single shared word. Pure computation.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from flows.persona import Persona

_WORD = re.compile(r"[a-z0-9]+")
_IGNORED = frozenset(
    [
        "a",
        "an",
        "and",
        "the",
        "of",
        "in",
        "for",
        "to",
        "with",
        "at",
        "someone",
        "somebody",
        "who",
        "does",
        "do",
        "working",
        "works",
        "work",
        "job",
        "jobs",
        "field",
        "career",
        "careers",
        "person",
        "people",
        "like",
        "into",
    ]
)


def _words(text: str) -> tuple[str, ...]:
    plain = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return tuple(_stem(w) for w in _WORD.findall(plain) if w not in _IGNORED)


def _stem(word: str) -> str:
    for suffix in ("ies", "es", "s"):
        if len(word) > 4 and word.endswith(suffix) and not word.endswith("ss"):
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def _alike(a: str, b: str) -> bool:
    """The same word, or one the start of the other ("health" and "healthcare")."""
    return a == b or (min(len(a), len(b)) >= 4 and (a.startswith(b) or b.startswith(a)))


@dataclass(frozen=True)
class Match:
    persona: Persona
    score: int


def _phrases(persona: Persona) -> tuple[tuple[tuple[str, ...], int], ...]:
    """Each way to name this contact, with how strongly a whole match counts."""
    names = (persona.id, persona.name, persona.field, persona.industry, persona.role)
    return _phrases_of(names, tuple(persona.synonyms))


WEIGHTS = (100, 90, 80, 70, 60)
"""What a whole match on the id, name, field, industry and role counts (a synonym: 75)."""


@lru_cache(maxsize=1024)
def _phrases_of(
    names: tuple[str, str, str, str, str], synonyms: tuple[str, ...]
) -> tuple[tuple[tuple[str, ...], int], ...]:
    """(Worked out once per contact: every ``/practice NAME`` scores every contact.)"""
    out = [(_words(name), weight) for name, weight in zip(names, WEIGHTS, strict=True)]
    out += [(_words(s), 75) for s in synonyms]
    return tuple((words, weight) for words, weight in out if words)


def _score(query: tuple[str, ...], persona: Persona) -> int:
    best = 0
    asked = set(query)
    for words, weight in _phrases(persona):
        if words == query:
            best = max(best, weight + 20)
        elif set(words) <= asked:
            best = max(best, weight)
        elif asked <= set(words):
            best = max(best, weight - 20)
        elif shared := [w for w in asked if any(_alike(w, theirs) for theirs in words)]:
            best = max(best, 10 * len(shared))
    return best


def find_contacts(personas: Iterable[Persona], query: str) -> list[Persona]:
    """The contacts ``query`` names, best first; several when it is ambiguous, none when
    nothing matches. An exact id or name returns that contact alone."""
    everyone = list(personas)
    wanted = query.strip().lower()
    if same_id := [p for p in everyone if p.id == wanted]:
        return same_id  # (what the scores would say, without scoring every contact)
    asked = _words(query)
    if not asked:
        return []
    scored = [Match(p, _score(asked, p)) for p in everyone]
    scored = [m for m in scored if m.score > 0]
    if not scored:
        return []
    top = max(m.score for m in scored)
    if top >= 110:  # the id or the full name
        return [m.persona for m in scored if m.score == top]
    cut = top - 15 if top >= 50 else top
    ranked = sorted(scored, key=lambda m: -m.score)
    return [m.persona for m in ranked if m.score >= cut]


def fields(personas: Iterable[Persona]) -> list[str]:
    """Every field with a contact, in the order the contacts come."""
    seen: dict[str, None] = {}
    for persona in personas:
        seen.setdefault(persona.field or persona.industry, None)
    return list(seen)
