"""Text normalisation: turn a raw chat message into canonical, rule-friendly text.

The result is lower-case ASCII words, numbers and the punctuation ``? ! . , :`` separated by
single spaces, e.g. ``"Hi Dana! 👋 How'd u get into nursing??"`` becomes
``"hi dana ! wave how did you get into nursing ? ?"``.  Rules in ``patterns.yaml`` are written
against this form.  The data used here (emoji, slang, chat shorthand such as ``w/``, ``b4``,
``thx 4 ur time``, spelling) lives in ``lexicon.yaml``; ``english_words.txt`` lists frequent
English words that typo correction leaves alone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Final

from flows import yamltext
from flows.understanding.dictation import dictated_breaks

MAX_CHARS: Final = 2000
"""Only the first MAX_CHARS characters of a message are analysed."""

LEXICON_PATH: Final = Path(__file__).with_name("lexicon.yaml")
ENGLISH_WORDS_PATH: Final = Path(__file__).with_name("english_words.txt")

_CONTRACTIONS: Final[tuple[tuple[re.Pattern[str], str], ...]] = (
    (re.compile(r"\bwon'?t\b"), "will not"),
    (re.compile(r"\bcan'?t\b"), "can not"),
    (re.compile(r"\bshan'?t\b"), "shall not"),
    (re.compile(r"\bain'?t\b"), "is not"),
    (re.compile(r"n't\b"), " not"),
    (re.compile(r"\b(how|what|why|where|who|when)'d (?=(?:be|have|like|love|want|rather|prefer"
                r"|need|say|think|know|expect|make|take|recommend|suggest)\b)"),
     r"\1 would "),
    (re.compile(r"\b(how|what|why|where|who|when)'d\b"), r"\1 did"),
    (re.compile(r"\blet's\b"), "let us"),
    (re.compile(r"\b(it|that|what|how|where|who|why|when|there|here|he|she|this|everything)'s\b"),
     r"\1 is"),
    (re.compile(r"'m\b"), " am"),
    (re.compile(r"'re\b"), " are"),
    (re.compile(r"'ve\b"), " have"),
    (re.compile(r"'ll\b"), " will"),
    (re.compile(r"'d (?=(?:known|been|done|had|seen|gone|told|thought|heard|made|taken|got|gotten"
                r"|become|started|worked|tried|realized|realised|learned|learnt|asked|met|wanted"
                r"|expected|spoken|talked|chosen|studied)\b)"), " had "),
    (re.compile(r"'d\b"), " would"),
    (re.compile(r"'s\b"), ""),
)  # fmt: skip

_DOT_TIME_RE: Final = re.compile(r"(?<![\d$\u00a3\u20ac.,])(\d{1,2})\.([0-5]\d)(?![\d%]|\.\d)")
"""A clock time written with a dot (``9.40``), read as ``9:40``."""
_APOSTROPHES: Final = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'"})
_TOKEN_RE: Final = re.compile(r"[a-z]+|\d+(?::\d+)?|[?!.,;:]")
_IGNORED_CODEPOINTS: Final = re.compile("[\ufe0f\ufe0e\u200d\U0001f3fb-\U0001f3ff]")


@dataclass(frozen=True)
class Lexicon:
    """Normalisation data loaded from ``lexicon.yaml``."""

    emoji: dict[str, str]
    tokens: dict[str, str]
    common_words: frozenset[str]
    phrases: dict[str, str] = field(default_factory=dict)
    """Raw strings with digits or symbols (``w/``, ``b4``, ``+``), replaced before tokenising."""
    context: dict[str, frozenset[str]] = field(default_factory=dict)
    """Word lists for the context-dependent tokens (see ``contextual``)."""
    after_number: dict[str, str] = field(default_factory=dict)
    """Unit abbreviations expanded only after a number (``3 yr`` -> ``3 years``)."""
    english_words: frozenset[str] = frozenset()
    """Frequent English words (``english_words.txt``): never typo-corrected."""


@cache
def lexicon() -> Lexicon:
    """Load (once) the normalisation data."""
    raw = yamltext.load(LEXICON_PATH.read_text(encoding="utf-8"))
    emoji = {str(k): str(v) for k, v in (raw.get("emoji") or {}).items()}
    tokens = {str(k): str(v) for k, v in (raw.get("tokens") or {}).items()}
    common = frozenset(str(raw.get("common_words") or "").split())
    phrases = {str(k): str(v) for k, v in (raw.get("phrases") or {}).items()}
    context = {str(k): frozenset(str(v).split()) for k, v in (raw.get("context") or {}).items()}
    after_number = {str(k): str(v) for k, v in (raw.get("after_number") or {}).items()}
    english = frozenset(
        word
        for line in ENGLISH_WORDS_PATH.read_text(encoding="utf-8").splitlines()
        if not line.startswith("#")
        for word in line.split()
    )
    return Lexicon(
        emoji=emoji,
        tokens=tokens,
        common_words=common,
        phrases=phrases,
        context=context,
        after_number=after_number,
        english_words=english,
    )


@cache
def _phrase_re() -> tuple[re.Pattern[str], re.Pattern[str]] | None:
    """The phrase pattern, and a cheap gate that any text with a phrase matches."""
    parts: list[str] = []
    symbols: set[str] = set()
    words: list[str] = []
    for key in sorted(lexicon().phrases, key=len, reverse=True):
        head = r"(?<![a-z0-9])" if key[0].isalnum() else ""
        tail = r"(?![a-z0-9])" if key[-1].isalnum() else ""
        parts.append(head + re.escape(key) + tail)
        odd = {"0-9" if ch.isdigit() else re.escape(ch) for ch in key if not ch.isalpha()}
        odd.discard(re.escape(" "))
        if odd:
            symbols |= odd
        else:
            words.append(parts[-1])
    if not parts:
        return None
    gate = [f"[{''.join(sorted(symbols))}]"] if symbols else []
    return re.compile("|".join(parts)), re.compile("|".join(gate + words))


def expand_phrases(text: str) -> str:
    """Replace the lexicon's ``phrases`` (chat shorthand with digits or symbols)."""
    compiled = _phrase_re()
    if compiled is None or compiled[1].search(text) is None:
        return text
    phrases = lexicon().phrases
    return compiled[0].sub(lambda m: f" {phrases[m.group(0)]} ", text)


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
    if "." in text:
        text = _DOT_TIME_RE.sub(r"\1:\2", text)
    if "'" in text:
        for pattern, replacement in _CONTRACTIONS:
            text = pattern.sub(replacement, text)
    return text


def tokenise(text: str) -> list[str]:
    """Split prepared text into words, numbers (``9:45``) and ``? ! . , ; :``."""
    return _TOKEN_RE.findall(text)


_CONTEXTUAL: Final = frozenset({"2", "4", "ur", "ill", "its", "hr", "yr", "yrs", "mo", "mos"})


def _word(token: str) -> bool:
    return token.isalpha()


def contextual(token: str, prev: str, nxt: str, lex: Lexicon) -> str | None:
    """The expansion of an ambiguous chat token given its neighbours (None: no special case).

    ``2``/``4`` between words are "to"/"for" unless they look like counts ("2 kids", "or 2");
    ``ur`` is "you are" before e.g. "welcome"/"free" (else "your"); ``ill`` is "i will"
    unless it means sick; ``its`` is "it is" before e.g. "been"/"ok"; ``hr``/``yr``/``mo``
    are units after a number or a count word ("an hr early"), but not after "a"/"an" before a
    word that makes them the field ("an hr manager").
    """
    ctx = lex.context
    if token in ("yr", "yrs") and prev in ctx.get("year_before", ()):
        return "year" if token == "yr" else "years"
    if token in ("2", "4"):
        if (
            _word(prev)
            and _word(nxt)
            and prev not in ctx.get("number_before", ())
            and nxt not in ctx.get("number_after", ())
            and not (nxt.endswith("s") and nxt not in ctx.get("not_plural", ()))
        ):
            return "to" if token == "2" else "for"
        return None
    if prev.isdigit() or (
        prev in ctx.get("count_words", ())
        and not (prev in ("a", "an") and nxt in ctx.get("field_after_article", ()))
    ):
        unit = lex.after_number.get(token)
        if unit is not None:
            return unit[:-1] if prev in ("a", "an", "1", "one") else unit
    if token == "ur":
        if nxt in ctx.get("ur_you_are_next", ()) or (
            prev in ctx.get("ur_you_are_prev", ()) and nxt.endswith("ing")
        ):
            return "you are"
        return None
    if token == "ill":
        if prev in ctx.get("ill_sick_prev", ()) or nxt in ctx.get("ill_sick_next", ()):
            return None
        return "i will"
    if token == "its":
        if nxt == "been":
            return "it has"
        if nxt.isdigit() or nxt in ctx.get("its_it_is_next", ()):
            return "it is"
    return None


FOREIGN_MIN_WORDS: Final = 4
FOREIGN_MAX_KNOWN: Final = 0.35
FOREIGN_SAMPLE: Final = 30


def looks_foreign(
    words: list[str], known: Collection[str], listed: Collection[str] = frozenset()
) -> bool:
    """True if too few of the (first) words are known English words (another language).
    A word only on the frequency list (``listed``: jargon such as "diesel", "scope", but
    also loanwords and names) counts half: "are diesel forklifts scope 1?" is English."""
    distinct = {w for w in words[:FOREIGN_SAMPLE] if len(w) > 1 and w.isalpha()}
    if len(distinct) < FOREIGN_MIN_WORDS:
        return False
    hits = sum(1.0 if w in known else 0.5 if w in listed else 0.0 for w in distinct)
    return hits < FOREIGN_MAX_KNOWN * len(distinct)


_ENDS: Final = frozenset({".", "?", "!", ";", ":"})


def unnumbered(tokens: list[str]) -> list[str]:
    """A numbered list of questions ("1 is commission capped. 2 best crm to learn", "1)
    pay? 2) hours?") without its numbers, each item ended: "2" read as "to" and "1 is"
    hid that the item asks. Only a run 1, 2, ... where each number opens the message or
    follows the end of the item before it (or, unpunctuated, any word), and is followed by
    a word."""
    marks: list[int] = []
    for i, token in enumerate(tokens):
        if token != str(len(marks) + 1):
            continue
        after = i + 1 + (i + 1 < len(tokens) and tokens[i + 1] in {".", ")"})
        if after >= len(tokens) or not tokens[after].isalpha():
            continue
        if (i == 0 or tokens[i - 1] in _ENDS) or (marks and tokens[i - 1].isalpha()):
            marks.append(i)
    if len(marks) < 2 or not all(_an_item(tokens, i, marks) for i in marks):
        return tokens
    out: list[str] = []
    for i, token in enumerate(tokens):
        if i in marks:
            if out and out[-1] not in _ENDS:
                out.append(".")
            continue
        if not (i - 1 in marks and token in {".", ")"}):  # (the number's own "1." or "1)")
            out.append(token)
    return out


def _an_item(tokens: list[str], at: int, marks: list[int]) -> bool:
    """The item numbered at ``at`` is a question's worth: two words or more, or one word
    asked ("pay?"); not "1 thing: 2 people told me"."""
    later = [m for m in marks if m > at]
    item = tokens[at + 1 : later[0] if later else len(tokens)]
    words = [t for t in item if t.isalpha()]
    return len(words) >= 2 or "?" in item


def normalise(
    text: str,
    correct: Callable[[str], str] | None = None,
    known: Collection[str] | None = None,
) -> str:
    """Full normalisation; ``correct`` maps an unknown word to its typo correction.

    With ``known`` (a set of English words), a message in another language (see
    ``looks_foreign``) normalises to the empty string.
    """
    lex = lexicon()
    tokens = lex.tokens
    out: list[str] = []
    raw = tokenise(expand_phrases(prepare(text)))
    if known is not None and looks_foreign(raw, known, lex.english_words):
        return ""
    raw = unnumbered(raw)
    last = len(raw) - 1
    for i, token in enumerate(raw):
        if token in _CONTEXTUAL:
            prev = raw[i - 1] if i else ""
            nxt = raw[i + 1] if i < last else ""
            mapped = contextual(token, prev, nxt, lex)
            if mapped is not None:
                out.append(mapped)
                continue
        mapped = tokens.get(token)
        if mapped is not None:
            out.append(mapped)
        elif correct is not None and token.isalpha():
            out.append(correct(token))
        else:
            out.append(token)
    return dictated_breaks(" ".join(out))
