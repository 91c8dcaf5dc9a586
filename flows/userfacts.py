"""What the user has told the contact about themselves: name, work, how long, and aim.

Read off the user's messages (patterns are data in ``content/userfacts.yaml``; sectors in
``content/backgrounds.yaml``), so the contact can greet them by name, speak to their
background in the fit and résumé answers and the feedback, and suggest people who made the
same move. Nothing is stored beyond the transcript: the facts are derived from it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from flows import yamltext
from flows.session import Session, Turn

_CONTENT = Path(__file__).parent / "content"
_NUMBERS = {
    "a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30,
}  # fmt: skip
_WORDS = {v: k for k, v in _NUMBERS.items() if k != "a"}
_VAGUE = {"a couple of": "a couple of", "a few": "a few", "several": "several"}


@dataclass(frozen=True)
class Background:
    role: str
    """A job title ("pharmacy tech") or, when ``is_field``, a field ("retail")."""
    is_field: bool
    years: str
    """How long, as said in words ("eight", "a few"), or ""."""
    sector: str
    """The ``backgrounds.yaml`` sector it belongs to, or ""."""

    @property
    def a_role(self) -> str:
        """As the contact would say it: "eight years as a pharmacy tech", "a retail
        supervisor", "a background in retail"."""
        span = f"{self.years} year{'' if self.years == 'one' else 's'}" if self.years else ""
        if self.is_field:
            return f"{span} in {self.role}" if span else f"a background in {self.role}"
        article = "an" if self.role[0] in "aeiou" else "a"
        return f"{span} as {article} {self.role}" if span else f"{article} {self.role}"


@dataclass(frozen=True)
class UserFacts:
    name: str = ""
    background: Background | None = None
    background_turn: Turn | None = None
    """The user's message that said it (quoted in the feedback)."""
    target: str = ""


@dataclass(frozen=True)
class _Patterns:
    names: tuple[re.Pattern[str], ...]
    roles: tuple[re.Pattern[str], ...]
    targets: tuple[re.Pattern[str], ...]
    verbs: dict[str, str]
    role_words: frozenset[str]
    sectors: dict[str, tuple[str, ...]]
    not_names: frozenset[str]


def _expand(regex: str, define: dict[str, str]) -> str:
    return re.sub(r"\{([A-Z]+)\}", lambda m: define[m.group(1)], regex)


@cache
def _patterns() -> _Patterns:
    raw: dict[str, Any] = yamltext.load((_CONTENT / "userfacts.yaml").read_text("utf-8"))
    sectors: dict[str, list[str]] = yamltext.load(
        (_CONTENT / "backgrounds.yaml").read_text("utf-8")
    )["sectors"]
    define = {str(k): str(v) for k, v in raw["define"].items()}

    def compiled(key: str) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(_expand(r, define)) for r in raw[key])

    return _Patterns(
        names=compiled("names"),
        roles=compiled("roles"),
        targets=compiled("targets"),
        verbs={str(k): str(v) for k, v in raw["verbs"].items()},
        role_words=frozenset(raw["role_words"]),
        sectors={s: tuple(str(w) for w in words) for s, words in sectors.items()},
        not_names=frozenset(raw["not_names"]),
    )


def sector_of(text: str) -> str:
    """The sector whose words occur in ``text`` ("" if none)."""
    padded = f" {text.lower()} "
    for sector, words in _patterns().sectors.items():
        if any(f" {w} " in padded or f" {w}s " in padded for w in words):
            return sector
    return ""


def _years(said: str | None) -> str:
    if not said:
        return ""
    said = said.strip()
    if said in _VAGUE:
        return _VAGUE[said]
    if said.isdigit():
        return _WORDS.get(int(said), said)
    return said.replace("-", " ")


def _clean_role(role: str) -> str:
    words = role.split()
    while words and words[0] in {"my", "a", "an", "very", "really"}:
        words.pop(0)
    return " ".join(words)


@lru_cache(maxsize=1024)
def _read(text: str, original: str) -> tuple[str, Background | None, str]:
    p = _patterns()
    name = ""
    for pattern in p.names:
        if m := pattern.search(text):
            start, end = m.span("name")
            typed = original[start:end]
            lowered = typed.lower()
            explicit = "name" in m.group(0) or "call me" in m.group(0) or "go by" in m.group(0)
            if explicit or (typed[:1].isupper() and lowered not in p.not_names):
                name = typed[:1].upper() + typed[1:]
                break
    background = None
    for pattern in p.roles:
        m = pattern.search(text)
        if not m:
            continue
        groups = m.groupdict()
        role = p.verbs.get(groups.get("verb") or "", "") or _clean_role(groups.get("role") or "")
        if not role:
            continue
        sector = sector_of(role)
        last = role.split()[-1]
        if role.startswith("the ") and last in p.role_words:
            role = role[4:]
        is_title = last in p.role_words or last.rstrip("s") in p.role_words
        if not is_title and not sector:
            continue
        background = Background(
            role=role,
            is_field=not is_title,
            years=_years(groups.get("years")),
            sector=sector,
        )
        break
    target = ""
    for pattern in p.targets:
        if m := pattern.search(text):
            target = m.group("target")
            break
    return name, background, target


def read_message(text: str) -> tuple[str, Background | None, str]:
    """The name, background and aim one message states (empty where it states none)."""
    original = text.replace("\u2019", "'")
    return _read(original.lower(), original)


def user_facts(session: Session) -> UserFacts:
    return facts_from(t for t in session.turns if t.speaker == "user" and not t.kind)


def facts_from(turns: Iterable[Turn]) -> UserFacts:
    name, background, background_turn, target = "", None, None, ""
    for turn in turns:
        n, b, t = read_message(turn.text)
        name = name or n
        target = target or t
        if b is not None and (background is None or (b.years and not background.years)):
            background, background_turn = b, turn
    return UserFacts(name, background, background_turn, target)
