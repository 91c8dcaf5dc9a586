"""The contact's voice: picks a persona's lines with the session's seed.

Choices depend only on the seed, what is being said and how far the transcript has got,
so replaying the same practice gives the same lines, in any process.
"""

from __future__ import annotations

import random
import re
import string
import unicodedata
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from flows.persona import Persona, Referral
from flows.session import Session


class Voice:
    def __init__(self, persona: Persona, session: Session) -> None:
        self.persona = persona
        self._session = session

    def _rng(self, purpose: str) -> random.Random:
        return random.Random(f"{self._session.seed}:{len(self._session.turns)}:{purpose}")

    def pick(self, purpose: str, lines: Sequence[str], **fields: object) -> str:
        """One of ``lines``; avoids repeating a line the contact already said if it can."""
        line = self._rng(purpose).choice(self.fresh(lines, **fields) or list(lines))
        return filled(line, self._fields(fields))

    def fresh(self, lines: Sequence[str], **fields: object) -> list[str]:
        """The ``lines`` the contact has not said yet in this meeting, alone or as the opening
        of a longer reply (an intro before the referral list or the feedback)."""
        said = [t.text for t in self._session.turns if t.speaker == "contact"]
        return [line for line in lines if not any(_said_as(line).match(text) for text in said)]

    def _fields(self, fields: dict[str, object]) -> _Fields:
        return _Fields({"minutes": f"{self._session.meeting_minutes:g}", **fields})

    def choose_index(self, purpose: str, count: int) -> int:
        return self._rng(purpose).randrange(count)


class _Fields(dict[str, object]):
    """Leaves unknown ``{placeholders}`` as they are instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


_OPENS_SENTENCE = re.compile(r"(^|[.!?]\s+)\{(\w+)\}")
_FIELD = re.compile(r"\{[^{}]*\}")


@lru_cache(maxsize=4096)
def _said_as(line: str) -> re.Pattern[str]:
    """What ``line`` reads as once said, whatever filled its fields: "Oh, {asked} deserves
    the full pitch" was said twice in one meeting, about a building and about purpose-driven
    brands, because each filling looked like a new line."""
    parts = _FIELD.split(line)
    return re.compile(".+?".join(re.escape(part) for part in parts), re.IGNORECASE | re.DOTALL)


class _Filler(string.Formatter):
    """``{field!C}``: the value with its first letter capitalised."""

    def get_value(self, key: int | str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
        return kwargs[key] if isinstance(key, str) else args[key]

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        if conversion == "C":
            text = str(value)
            return text[:1].upper() + text[1:]
        return super().convert_field(value, conversion)


_FILLER = _Filler()


def filled(line: str, fields: Mapping[str, object]) -> str:
    """``line`` with its fields filled in; a field that opens a sentence is capitalised
    ("{a_role}, huh?" -> "Ten years as an electrician, huh?")."""
    return _FILLER.vformat(_OPENS_SENTENCE.sub(r"\1{\2!C}", line), (), fields)


_HELLO = (
    r"(?:(?:hello|hi|hiya|hey|howya|welcome|good (?:morning|afternoon))(?: there)?"
    r"|(?:it's )?(?:really )?(?:nice|good|lovely|great|a pleasure) to (?:finally )?meet you"
    r"(?: in person)?)"
)
_SALUTATION = re.compile(rf"^(?:{_HELLO}(?:[,.!;]+\s*|\s+(?=and\b))(?:and\s+)?)+", re.I)
SALUTATION_ANYWHERE = re.compile(rf"\b{_HELLO}\b(?! to\b)", re.I)
"""A hello anywhere in a line ("welcome to the warehouse" is about the place, not one)."""


_TO_SOMEONE_MET = re.compile(
    r"\b(?:nice|good|great|lovely|a pleasure|pleased|glad) to (?:finally )?meet you\b", re.I
)
_USER_HELLO = r"(?:hello|hi|hiya|hey|heya|dear|good (?:morning|afternoon|evening))"


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def greets_by_name(text: str, first_name: str) -> bool:
    """The user speaks to the contact in person: a hello followed by the contact's name
    ("Hi Tomas, thanks for making time", accents optional) or "nice to meet you". "Hi, I'm
    here to see Tomas" is said to whoever is at the desk."""
    folded = _folded(text)
    name = re.escape(_folded(first_name))
    if re.search(rf"\b{_USER_HELLO}[\s,!.]+(?:there[\s,]+)?{name}\b", folded):
        return True
    return bool(_TO_SOMEONE_MET.search(folded))


def with_hello(hello: str, greeting: str) -> str:
    """``greeting`` after a ``hello`` by name ("Hello, Tobias. Nice to finally meet you."),
    without the greeting's own opening hello, so the contact greets once: "Hello, I'm
    Freja." becomes "I'm Freja."; "Good to meet you. Come, ..." becomes "Come, ...". No
    name given (``hello`` empty): the greeting as written."""
    if not hello:
        return greeting
    rest = _SALUTATION.sub("", greeting, count=1)
    return f"{hello} {rest[:1].upper() + rest[1:] if rest else greeting}"


def format_referral(referral: Referral) -> str:
    return f"{referral.name}, {referral.role}: {referral.why}"


def referral_for(referrals: Sequence[Referral], sector: str) -> Referral | None:
    """The person to call first for a user from ``sector``: one whose story speaks to that
    sector, else one who changed careers themselves (None if nobody fits)."""
    for referral in referrals:
        if sector and sector in referral.sectors:
            return referral
    return next((r for r in referrals if r.came_from), None)


def ordered_referrals(referrals: Sequence[Referral], first: Referral | None) -> list[Referral]:
    return [first, *(r for r in referrals if r is not first)] if first else list(referrals)
