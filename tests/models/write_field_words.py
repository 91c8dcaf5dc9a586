"""Rewrite ``flows/understanding/field_words.txt`` from the personas' lines: the words of
the contacts' fields the typo step would otherwise turn into other words
(``flows/understanding/field_words.py``; ``tests/test_field_words.py`` fails until it is
current).

    python3 tests/models/write_field_words.py
"""

from __future__ import annotations

from flows.persona import load_personas
from flows.persona_check import spoken_lines
from flows.understanding import _engine
from flows.understanding.field_words import FIELD_WORDS_PATH, needed
from flows.understanding.normalise import lexicon
from flows.understanding.typos import Corrector

HEADER = """\
# Words of the contacts' fields never typo-corrected (flows/understanding/field_words.py).
# Written by tests/models/write_field_words.py from the personas' lines; 10 words a line.
"""


def without_list() -> Corrector:
    """The typo step as it would be without this list."""
    engine = _engine()
    lex = lexicon()
    protected = lex.common_words | set(lex.tokens) | lex.english_words
    return Corrector(engine.corrector.vocabulary, protected)


def words_needed() -> list[str]:
    lines = [line for p in load_personas().values() for _, line in spoken_lines(p)]
    return sorted(needed(lines, without_list().correct))


if __name__ == "__main__":
    words = words_needed()
    rows = [" ".join(words[i : i + 10]) for i in range(0, len(words), 10)]
    FIELD_WORDS_PATH.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    print(f"{len(words)} words written to {FIELD_WORDS_PATH}")
