"""Checks a model's wording of a contact line must pass before it is shown.

Pure functions over text; the patterns are data (``content/guards.yaml``). :func:`verdict`
returns why a reply may not be shown (``None``: it may), so the adapter can count the
reasons; :func:`tidy` first removes the harmless wrapping models add (quotation marks, a
"Dana:" label, surrounding blank space).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Final

import yaml

from flows.persona import Persona
from flows.phrasing import PhrasingRequest, material
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


@dataclass(frozen=True)
class Guards:
    max_chars: int
    max_words: int
    grow: float
    floor_chars: int
    floor_words: int
    stretch: float
    job_offer: tuple[re.Pattern[str], ...]
    out_of_character: tuple[re.Pattern[str], ...]
    markup: tuple[re.Pattern[str], ...]
    name_claim: re.Pattern[str]
    proper_name: re.Pattern[str]
    number: re.Pattern[str]
    echo_words: int


@cache
def guards(path: Path = GUARDS) -> Guards:
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))

    def compiled(key: str) -> tuple[re.Pattern[str], ...]:
        # One alternation per list: a single scan of the reply instead of one per pattern.
        joined = "|".join(f"(?:{p})" for p in raw[key])
        return (re.compile(joined, re.IGNORECASE | re.MULTILINE),)

    limits = raw["limits"]
    return Guards(
        max_chars=int(limits["max_chars"]),
        max_words=int(limits["max_words"]),
        grow=float(limits["grow"]),
        floor_chars=int(limits["floor_chars"]),
        floor_words=int(limits["floor_words"]),
        stretch=float(limits["stretch"]),
        job_offer=compiled("job_offer"),
        out_of_character=compiled("out_of_character"),
        markup=compiled("markup"),
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


def _any(patterns: tuple[re.Pattern[str], ...], text: str) -> bool:
    return any(p.search(text) for p in patterns)


def _names(text: str, g: Guards) -> list[str]:
    """Runs of capitalised words in ``text`` that could name a person or a place (the first
    word of a sentence is left out, being capitalised anyway)."""
    found = []
    for m in g.proper_name.finditer(text):
        words = m.group(0).split()
        if _SENTENCE_START.search(text[: m.start()]):
            words = words[1:]
        if len(words) >= 2:
            found.append(" ".join(words))
    return found


@lru_cache(maxsize=64)
def _prompt_shingles(text: str, n: int) -> frozenset[tuple[str, ...]]:
    """The prompt's own runs of words (each contact's, computed once)."""
    return frozenset(_shingles(text, n))


def _shingles(text: str, n: int) -> set[tuple[str, ...]]:
    words = _WORDS.findall(text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


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
    if _any(g.markup, text):
        return "markup"
    if _any(g.out_of_character, text) and not _any(g.out_of_character, request.scripted):
        return "out_of_character"
    if _shingles(text, g.echo_words) & _prompt_shingles(rules_text(persona), g.echo_words):
        return "prompt_echo"
    if _any(g.job_offer, text) and not _any(g.job_offer, request.scripted):
        return "job_offer"
    own = {*persona.name.split(), request.user_name, *g.name_claim.findall(request.scripted)}
    if any(claimed not in own for claimed in g.name_claim.findall(text)):
        return "persona_name"
    said = text.lower()
    if any(name.lower() in said for name in request.withheld):
        return "withheld_names"
    if any(name.lower() not in said for name in request.names):
        return "missing_names"
    source = material(persona, request)
    if any(name not in source for name in _names(text, g)):
        return "names"
    known = set(g.number.findall(source))
    if any(number not in known for number in g.number.findall(text)):
        return "numbers"
    return None
