"""Typo tolerance: correct an unknown word to the closest word of the rules' vocabulary.

A word of at least 4 letters may be corrected at (Damerau) edit distance 1, a word of at least
8 letters at distance 2.  Words that are already in the vocabulary, or that are common English
words (``common_words`` in ``lexicon.yaml``), are never changed.  Candidates are found with a
symmetric-delete index (as in SymSpell), so a lookup costs a few dictionary probes.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property, lru_cache
from typing import Final

MIN_LEN: Final = 4
"""Words shorter than this are never corrected."""
LONG_LEN: Final = 8
"""Words at least this long may be corrected at distance 2."""


def max_distance(length: int) -> int:
    """How many edits a word of this length may be away from its correction."""
    if length >= LONG_LEN:
        return 2
    if length >= MIN_LEN:
        return 1
    return 0


def _deletes(word: str, depth: int) -> set[str]:
    """``word`` and every string obtained from it by deleting up to ``depth`` characters."""
    result = {word}
    frontier = {word}
    for _ in range(depth):
        nxt: set[str] = set()
        for w in frontier:
            for i in range(len(w)):
                nxt.add(w[:i] + w[i + 1 :])
        result |= nxt
        frontier = nxt
    return result


def osa_distance(a: str, b: str) -> int:
    """Optimal string alignment distance (Levenshtein plus adjacent transpositions)."""
    if a == b:
        return 0
    la, lb = len(a), len(b)
    prev2: list[int] = []
    prev = list(range(lb + 1))
    for i in range(1, la + 1):
        cur = [i] + [0] * lb
        ai = a[i - 1]
        for j in range(1, lb + 1):
            cost = 0 if ai == b[j - 1] else 1
            best = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ai == b[j - 2] and a[i - 2] == b[j - 1]:
                best = min(best, prev2[j - 2] + 1)
            cur[j] = best
        prev2, prev = prev, cur
    return prev[lb]


class Corrector:
    """Corrects words to a fixed vocabulary; build once, call many times."""

    def __init__(self, vocabulary: Iterable[str], protected: Iterable[str] = ()) -> None:
        self.vocabulary: frozenset[str] = frozenset(w for w in vocabulary if w.isalpha())
        self.protected: frozenset[str] = frozenset(protected) | self.vocabulary
        self.correct = lru_cache(maxsize=8192)(self._correct)

    @cached_property
    def _index(self) -> dict[str, set[str]]:
        """Every deletion variant of the vocabulary -> its words. Built for the first word
        that needs correcting (a tenth of a second): most messages have none."""
        index: dict[str, set[str]] = {}
        for word in self.vocabulary:
            depth = max_distance(len(word))
            if depth == 0:
                continue
            for variant in _deletes(word, depth):
                index.setdefault(variant, set()).add(word)
        return index

    @cached_property
    def _longest(self) -> int:
        return max((len(w) for w in self.vocabulary), default=0)

    def prepare(self) -> None:
        """Build the index now rather than for the first word to correct."""
        _ = self._index

    def _correct(self, token: str) -> str:
        if token in self.protected:
            return token
        limit = max_distance(len(token))
        if limit == 0 or len(token) > self._longest + limit:
            # (nothing in the vocabulary is within reach: a pasted link or a key mashed
            # for a line took half a minute to spell out all its deletions)
            return token
        candidates: set[str] = set()
        index = self._index
        for variant in _deletes(token, limit):
            found = index.get(variant)
            if found:
                candidates |= found
        best: tuple[int, int, int, str] | None = None
        for cand in candidates:
            allowed = min(limit, max_distance(len(cand)))
            dist = osa_distance(token, cand)
            if dist > allowed:
                continue
            key = (dist, cand[0] != token[0], abs(len(cand) - len(token)), cand)
            if best is None or key < best:
                best = key
        return token if best is None else best[3]
