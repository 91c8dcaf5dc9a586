"""Questions about the people the contact named: "How do you know Imre?", "Does Saoirse work
with data much?", "What should I ask Casimir about?". The contact answers from what they
know of that person (``Referral.known_from``, ``their_work``, ``ask_them``), not with a
line of their own work or an "I couldn't say"."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Final

from flows.persona import Referral

KNOWN_FROM: Final = "known_from"
THEIR_WORK: Final = "their_work"
ASK_THEM: Final = "ask_them"
FIELDS: Final = (KNOWN_FROM, THEIR_WORK, ASK_THEM)
_BY_SIGNAL: Final = {"how_you_know_them": KNOWN_FROM, "what_to_ask_them": ASK_THEM}
"""The signal a question carries -> what it asks of the person; anything else asked of
them is about their work ("is she in Chicago?", "does he code?")."""


def _folded(text: str) -> str:
    """Lower case without accents: "Inês" and "ines" are one name."""
    plain = unicodedata.normalize("NFKD", text)
    return "".join(c for c in plain if not unicodedata.combining(c)).lower()


def _names(referral: Referral) -> list[str]:
    """What the user may call them: the full name, its first word, its last (a double
    surname whole and in parts: "Pemberton-Sato", "Pemberton")."""
    words = _folded(referral.name).split()
    forms = {" ".join(words), words[0], words[-1], *words[-1].split("-")}
    return sorted((f for f in forms if len(f) >= 3), key=len, reverse=True)


def referral_named(referrals: Sequence[Referral], text: str) -> int | None:
    """The index of the one referral ``text`` names, or None (nobody, or two of them: "do
    Imre and Saoirse know each other?" is not about one person)."""
    said = _folded(text)
    named = [
        i
        for i, referral in enumerate(referrals)
        if any(re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", said) for n in _names(referral))
    ]
    return named[0] if len(named) == 1 else None


def asked_of_them(sig: frozenset[str]) -> str:
    """What a question about a named person asks: how the contact knows them, what to ask
    them, or (anything else) what their work is like."""
    return next((field for signal, field in _BY_SIGNAL.items() if signal in sig), THEIR_WORK)


def lines_about(referral: Referral, first: str) -> list[tuple[str, str]]:
    """(field, line) of what the contact knows of ``referral``, the field asked first."""
    order = [first, *(f for f in FIELDS if f != first)]
    return [(f, line) for f in order if (line := getattr(referral, f))]
