"""Checks a model's wording of a contact line must pass before it is shown.

Pure functions over text; the patterns are data (``content/guards.yaml``). :func:`verdict`
returns why a reply may not be shown (``None``: it may), so the adapter can count the
reasons; :func:`tidy` first removes the harmless wrapping models add (quotation marks, a
"Dana:" label, surrounding blank space).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Final

import yaml

from flows.persona import Persona
from flows.phrasing import PhrasingRequest, contact_material, line_material, material
from flows.prompts import rules_text

GUARDS = Path(__file__).parent / "content" / "guards.yaml"

REASONS: Final[tuple[str, ...]] = (
    "empty",
    "too_long",
    "markup",
    "out_of_character",
    "prompt_echo",
    "job_offer",
    "persona_name",
    "names",
    "withheld_names",
    "missing_names",
    "numbers",
)
"""Why a reply can be rejected (each a label of the rejection metric)."""
_SENTENCE_START = re.compile(r"(?:^|[.!?:;…]\s+|[\n\"“(]\s*|[-–—]\s+)$")
_WORDS = re.compile(r"[a-z0-9']+")
_APOSTROPHES = ("\u2019", "\u2018", "\u02bc")


FOLDS_TO_ASCII: Final[str] = "\u0130\u0131\u017f\u212a"
"""The only non-ASCII characters that a case-insensitive match pairs with an ASCII letter
("\u017f" matches "s") or that lower to more than a letter of their own ("\u0130" to "i"
and a dot): lowering a text that has one may change what matches. The others lower to a
single character of the same kind (letter, digit, space), no ASCII letter among them.
Checked over all of Unicode by a test."""
_FOLDS_TO_ASCII = re.compile(f"[{FOLDS_TO_ASCII}]")


class Patterns:
    """A list of case-insensitive patterns, searched as one: whether any matches a text.

    Compiled once, for a cheap scan of every reply (on real replies, a third of the time
    of one plain alternation): the word boundary most patterns begin with is tested once
    per position instead of once per pattern, and a reply is lowered and searched
    case-sensitively, which Python's regex engine does much faster. That gives the same
    answer as the case-insensitive search when the patterns have no capital letter (so no
    escape like ``\\S`` either) and the text none of :data:`FOLDS_TO_ASCII`, and the
    patterns are ASCII or the text is (a non-ASCII letter in a pattern may fold in other
    ways); any other text gets the case-insensitive search."""

    def __init__(self, patterns: list[str]) -> None:
        bounded = [p.removeprefix(r"\b") for p in patterns if p.startswith(r"\b")]
        branches = [f"(?:{p})" for p in patterns if not p.startswith(r"\b")]
        if bounded:
            branches.insert(0, r"\b(?:" + "|".join(f"(?:{p})" for p in bounded) + ")")
        joined = "|".join(branches)
        self._folding = re.compile(joined, re.IGNORECASE | re.MULTILINE)
        lowercase = not any(c.isupper() for c in joined)
        self._lowered = re.compile(joined, re.MULTILINE) if lowercase else None
        self._ascii = joined.isascii()

    def search(self, text: str) -> bool:
        if self._lowered is not None and (
            text.isascii() or (self._ascii and not _FOLDS_TO_ASCII.search(text))
        ):
            return self._lowered.search(text.lower()) is not None
        return self._folding.search(text) is not None


@dataclass(frozen=True)
class Guards:
    max_chars: int
    max_words: int
    grow: float
    floor_chars: int
    floor_words: int
    stretch: float
    job_offer: Patterns
    out_of_character: Patterns
    markup: Patterns
    name_claim: re.Pattern[str]
    proper_name: re.Pattern[str]
    number: re.Pattern[str]
    echo_words: int


@cache
def guards(path: Path = GUARDS) -> Guards:
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))

    limits = raw["limits"]
    return Guards(
        max_chars=int(limits["max_chars"]),
        max_words=int(limits["max_words"]),
        grow=float(limits["grow"]),
        floor_chars=int(limits["floor_chars"]),
        floor_words=int(limits["floor_words"]),
        stretch=float(limits["stretch"]),
        job_offer=Patterns(raw["job_offer"]),
        out_of_character=Patterns(raw["out_of_character"]),
        markup=Patterns(raw["markup"]),
        name_claim=re.compile(raw["name_claim"]),
        proper_name=re.compile(raw["proper_name"]),
        number=re.compile(raw["number"]),
        echo_words=int(raw["echo_words"]),
    )


def tidy(reply: str, persona: Persona) -> str:
    """``reply`` without the wrapping a model may add: blank space, quotation marks around
    the whole, a leading "Dana:" or "Dana Reyes:" label."""
    text = _unquoted(reply.strip())
    for label in (persona.name, persona.first_name):
        for sep in (":", " -", " —"):
            if text.startswith(label + sep):
                text = text[len(label) + len(sep) :].strip()
    return _unquoted(text)


def _unquoted(text: str) -> str:
    for left, right in (('"', '"'), ("“", "”"), ("'", "'")):
        if len(text) > 1 and text.startswith(left) and text.endswith(right):
            inner = text[1:-1]
            if left not in inner and right not in inner:
                return inner.strip()
    return text


def _limit(scripted: int, most: int, floor: int, g: Guards) -> float:
    """How long a reply may be: a few times the scripted line (at least ``floor``, at most
    ``most``), or a little more than a long scripted line."""
    return max(floor, min(most, scripted * g.grow), scripted * g.stretch)


def _names(text: str, g: Guards) -> list[str]:
    """Runs of capitalised words in ``text`` that could name a person or a place (the first
    word of a sentence is left out, being capitalised anyway)."""
    found = []
    for m in g.proper_name.finditer(text):
        words = m.group(0).split()
        before = text[: m.start()]
        # (a sentence start ends ``before``: only its blank tail and the character ahead
        # of it need reading, not all of the text up to here)
        if _SENTENCE_START.search(before, max(len(before.rstrip()) - 1, 0)):
            words = words[1:]
        if len(words) >= 2:
            found.append(" ".join(words))
    return found


_ECHOES: dict[tuple[str, str, int], frozenset[tuple[str, ...]]] = {}
"""Each contact's prompt shingles (see :func:`_echo_shingles`)."""


def _echo_shingles(persona: Persona, n: int) -> frozenset[tuple[str, ...]]:
    """The prompt's own runs of words that no reply may repeat (each contact's, computed
    once: Persona objects are not hashable)."""
    key = (persona.id, persona.voice, n)
    if (known := _ECHOES.get(key)) is None:
        known = _ECHOES[key] = frozenset(_shingles(rules_text(persona), n))
    return known


def _shingles(text: str, n: int) -> Iterator[tuple[str, ...]]:
    words = _WORDS.findall(text.lower())
    return (tuple(words[i : i + n]) for i in range(len(words) - n + 1))


@lru_cache(maxsize=64)
def _numbers_in(text: str) -> frozenset[str]:
    """The numbers in a contact's material (each contact's, computed once)."""
    return frozenset(guards().number.findall(text))


def _plain(text: str) -> str:
    """``text`` with typographic apostrophes as plain ones."""
    if text.isascii():
        return text
    for typographic in _APOSTROPHES:
        text = text.replace(typographic, "'")
    return text


def verdict(reply: str, request: PhrasingRequest, persona: Persona) -> str | None:
    """Why ``reply`` (tidied) may not be shown for ``request``: one of :data:`REASONS`;
    None when it passes every check."""
    g = guards()
    text = reply.strip()
    if not text:
        return "empty"
    if len(text) > _limit(len(request.scripted), g.max_chars, g.floor_chars, g):
        return "too_long"
    if len(text.split()) > _limit(len(request.scripted.split()), g.max_words, g.floor_words, g):
        return "too_long"
    # The patterns spell "I'm", "we're": a typographic apostrophe (which models often
    # write) must not slip a reply past them.
    plain, scripted = _plain(text), _plain(request.scripted)
    if g.markup.search(plain):
        return "markup"
    if g.out_of_character.search(plain) and not g.out_of_character.search(scripted):
        return "out_of_character"
    if not _echo_shingles(persona, g.echo_words).isdisjoint(_shingles(plain, g.echo_words)):
        return "prompt_echo"
    if g.job_offer.search(plain) and not g.job_offer.search(scripted):
        return "job_offer"
    claimed = g.name_claim.findall(plain)
    if claimed:
        own = {*persona.name.split(), request.user_name, *g.name_claim.findall(scripted)}
        if any(name not in own for name in claimed):
            return "persona_name"
    said = text.lower()
    if any(name.lower() in said for name in request.withheld):
        return "withheld_names"
    if any(name.lower() not in said for name in request.names):
        return "missing_names"
    names = _names(text, g)
    if names:
        source = material(persona, request)
        if any(name not in source for name in names):
            return "names"
    numbers = g.number.findall(text)
    if numbers:  # (the material's parts hold the same numbers as the whole: one a line)
        known = _numbers_in(contact_material(persona)) | set(
            g.number.findall(line_material(request))
        )
        if any(number not in known for number in numbers):
            return "numbers"
    return None
