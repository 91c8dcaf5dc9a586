"""Text normalisation: turn a raw chat message into canonical, rule-friendly text.

The result is lower-case ASCII words, numbers and the punctuation ``? ! . , :`` separated by
single spaces, e.g. ``"Hi Dana! 👋 How'd u get into nursing??"`` becomes
``"hi dana ! wave how did you get into nursing ? ?"``.  Rules in ``patterns.yaml`` are written
against this form.  The data used here (emoji, slang, spelling) lives in ``lexicon.yaml``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

import yaml

MAX_CHARS: Final = 2000
"""Only the first MAX_CHARS characters of a message are analysed."""

LEXICON_PATH: Final = Path(__file__).with_name("lexicon.yaml")

_CONTRACTIONS: Final[tuple[tuple[re.Pattern[str], str], ...]] = (
    (re.compile(r"\bwon'?t\b"), "will not"),
    (re.compile(r"\bcan'?t\b"), "can not"),
    (re.compile(r"\bshan'?t\b"), "shall not"),
    (re.compile(r"\bain'?t\b"), "is not"),
    (re.compile(r"n't\b"), " not"),
    (re.compile(r"\b(how|what|why|where|who|when)'d\b"), r"\1 did"),
    (re.compile(r"\blet's\b"), "let us"),
    (re.compile(r"\b(it|that|what|how|where|who|why|when|there|here|he|she|this|everything)'s\b"),
     r"\1 is"),
    (re.compile(r"'m\b"), " am"),
    (re.compile(r"'re\b"), " are"),
    (re.compile(r"'ve\b"), " have"),
    (re.compile(r"'ll\b"), " will"),
    (re.compile(r"'d\b"), " would"),
    (re.compile(r"'s\b"), ""),
)  # fmt: skip

_APOSTROPHES: Final = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'"})
_TOKEN_RE: Final = re.compile(r"[a-z]+|\d+(?::\d+)?|[?!.,;:]")
_IGNORED_CODEPOINTS: Final = re.compile("[\ufe0f\ufe0e\u200d\U0001f3fb-\U0001f3ff]")


@dataclass(frozen=True)
class Lexicon:
    """Normalisation data loaded from ``lexicon.yaml``."""

    emoji: dict[str, str]
    tokens: dict[str, str]
    common_words: frozenset[str]


@cache
def lexicon() -> Lexicon:
    """Load (once) the normalisation data."""
    raw = yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))
    emoji = {str(k): str(v) for k, v in (raw.get("emoji") or {}).items()}
    tokens = {str(k): str(v) for k, v in (raw.get("tokens") or {}).items()}
    common = frozenset(str(raw.get("common_words") or "").split())
    return Lexicon(emoji=emoji, tokens=tokens, common_words=common)


@cache
def _emoji_re() -> re.Pattern[str]:
    keys = sorted(lexicon().emoji, key=len, reverse=True)
    return re.compile("|".join(re.escape(k) for k in keys))


def strip_accents(text: str) -> str:
    """Remove diacritics: ``"résumé"`` -> ``"resume"``."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def prepare(text: str) -> str:
    """Steps 1-2: NFKC, lower-case, emoji to words, accents, contractions (no tokenising)."""
    text = unicodedata.normalize("NFKC", text[:MAX_CHARS]).lower().translate(_APOSTROPHES)
    if not text.isascii():
        text = _IGNORED_CODEPOINTS.sub("", text)
        emoji_map = lexicon().emoji
        text = _emoji_re().sub(lambda m: emoji_map[m.group(0)], text)
        text = strip_accents(text)
    else:
        emoji_map = lexicon().emoji
        if ":" in text or ";" in text or "<" in text:
            text = _emoji_re().sub(lambda m: emoji_map[m.group(0)], text)
    if "'" in text:
        for pattern, replacement in _CONTRACTIONS:
            text = pattern.sub(replacement, text)
    return text


def tokenise(text: str) -> list[str]:
    """Split prepared text into words, numbers (``9:45``) and ``? ! . , ; :``."""
    return _TOKEN_RE.findall(text)


FOREIGN_MIN_WORDS: Final = 3
FOREIGN_MAX_KNOWN: Final = 0.35
FOREIGN_SAMPLE: Final = 30


def looks_foreign(words: list[str], known: Collection[str]) -> bool:
    """True if too few of the (first) words are known English words (another language)."""
    distinct = {w for w in words[:FOREIGN_SAMPLE] if len(w) > 1 and w.isalpha()}
    if len(distinct) < FOREIGN_MIN_WORDS:
        return False
    hits = sum(1 for w in distinct if w in known)
    return hits < FOREIGN_MAX_KNOWN * len(distinct)


def normalise(
    text: str,
    correct: Callable[[str], str] | None = None,
    known: Collection[str] | None = None,
) -> str:
    """Full normalisation; ``correct`` maps an unknown word to its typo correction.

    With ``known`` (a set of English words), a message in another language (see
    ``looks_foreign``) normalises to the empty string.
    """
    tokens = lexicon().tokens
    out: list[str] = []
    raw = tokenise(prepare(text))
    if known is not None and looks_foreign(raw, known):
        return ""
    for token in raw:
        mapped = tokens.get(token)
        if mapped is not None:
            out.append(mapped)
        elif correct is not None and token.isalpha():
            out.append(correct(token))
        else:
            out.append(token)
    return " ".join(out)
