"""The words of the contacts' fields that the typo step must leave alone (``field_words.txt``).

The typo step corrects an unknown word to the nearest word the rules know. A word the
contacts themselves use, but that is rare in general English, was sometimes "corrected"
into another word the rules know: "allocations" into "locations" (and a housing question
got the answer on where the jobs are), "PGCE" into "pace", "mentored" into "mentioned",
"docket" into "pocket". Such words are listed in ``field_words.txt`` and never corrected.

A correction that keeps the word (a plural to its singular, British to American spelling,
an abbreviation to its word) is left to happen: the rules are written for those forms.
The list is written by ``tests/models/write_field_words.py`` from the personas' lines, and
``tests/test_field_words.py`` fails when a contact's new line needs it rewritten.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Final

from flows.understanding.normalise import strip_accents

FIELD_WORDS_PATH: Final = Path(__file__).with_name("field_words.txt")

_BRITISH: Final = (
    ("isation", "ization"),
    ("ising", "izing"),
    ("ised", "ized"),
    ("ise", "ize"),
    ("yse", "yze"),
    ("our", "or"),
    ("tre", "ter"),
    ("lled", "led"),
    ("lling", "ling"),
    ("ence", "ense"),
    ("ogue", "og"),
    ("mme", "m"),
)
_SAME_WORD: Final = frozenset({("learnt", "learned"), ("cheque", "check"), ("dreamt", "dreamed")})
"""Irregular forms the rules know by their other spelling."""


def load() -> frozenset[str]:
    """The shipped list (empty if the file is missing)."""
    try:
        text = FIELD_WORDS_PATH.read_text(encoding="utf-8")
    except OSError:
        return frozenset()
    return frozenset(
        w for line in text.splitlines() if not line.startswith("#") for w in line.split()
    )


def keeps_the_word(word: str, corrected: str) -> bool:
    """Whether correcting ``word`` to ``corrected`` keeps its meaning: an inflection, the
    American spelling, the word an abbreviation stands for."""
    if (word, corrected) in _SAME_WORD:
        return True
    for a, b in ((word, corrected), (_american(word), corrected)):
        if b.startswith(a) or (a.startswith(b) and len(a) - len(b) <= 3):
            return True
    return False


def _american(word: str) -> str:
    for british, american in _BRITISH:
        word = re.sub(british, american, word)
    return word


def needed(lines: Iterable[str], correct: Callable[[str], str]) -> frozenset[str]:
    """The words of ``lines`` that ``correct`` (the typo step without this list) would turn
    into another word."""
    words = {w for line in lines for w in re.findall(r"[a-z]+", strip_accents(line.lower()))}
    return frozenset(w for w in words if (c := correct(w)) != w and not keeps_the_word(w, c))
