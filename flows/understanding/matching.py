"""Running the rules of ``patterns.yaml`` (loaded by ``rules.py``) on a normalised message.

The prefilter index lets only the rules whose required trigrams occur in the text be
searched; then whole-act vetoes (``unless``), questions asked per clause
(``asked_in_clause``) and suppression per clause (``suppressed_by``) settle what fired.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from flows.understanding import prefilter
from flows.understanding.rules import Regex, Rule


@dataclass(frozen=True)
class _Index:
    """Which rule alternatives (rule number, part number) each trigram may let through."""

    always: dict[int, tuple[int, ...]]
    """Alternatives without a prefilter: searched in every text."""
    by_gram: dict[str, tuple[tuple[int, int], ...]]


_INDEXES: dict[int, tuple[tuple[Rule, ...], _Index]] = {}


def _index(rules: tuple[Rule, ...]) -> _Index:
    """The prefilter index of a rule list (built once per list)."""
    cached = _INDEXES.get(id(rules))
    if cached is not None and cached[0] is rules:
        return cached[1]
    always: dict[int, list[int]] = {}
    by_gram: dict[str, list[tuple[int, int]]] = {}
    for i, rule in enumerate(rules):
        for j, (_, needs) in enumerate(rule._parts):
            if needs is None:
                always.setdefault(i, []).append(j)
            else:
                for gram in needs:
                    by_gram.setdefault(gram, []).append((i, j))
    index = _Index(
        always={i: tuple(js) for i, js in always.items()},
        by_gram={g: tuple(hits) for g, hits in by_gram.items()},
    )
    _INDEXES[id(rules)] = (rules, index)
    return index


CLAUSE_BREAK_RE: Final = re.compile(
    r"[?!.;:] |\b(?:and|also|plus|but|or) (?:also )?(?=(?:what|how|where|which|who|why|when|is|are"
    r"|do|does|did|can|could|would|will|should|any)\b)|\balso ,? "
)
"""Where a message splits into clauses: suppression (``suppressed_by``) works per clause."""


def _clause_of(breaks: list[int], position: int) -> int:
    return sum(1 for b in breaks if b <= position)


def _asks(question: re.Pattern[str], text: str, breaks: list[int], clause: int) -> bool:
    """Whether clause number ``clause`` of ``text`` asks something."""
    start = breaks[clause - 1] if clause > 0 else 0
    end = breaks[clause] if clause < len(breaks) else len(text)
    return question.search(text[start:end]) is not None


def run(
    rules: Iterable[Rule],
    text: str,
    act_unless: Mapping[str, tuple[Regex, ...]],
    question: re.Pattern[str] | None = None,
    context: frozenset[str] = frozenset(),
) -> list[tuple[Rule, str]]:
    """Every rule that fires on normalised ``text`` in ``context`` (the stage and
    ``after:<kind>``; rules with ``when`` fire only there), after vetoes and suppression.

    A rule with ``suppressed_by`` is dropped when one of those acts fired in the same clause
    (a match that runs over several clauses counts in each); it may still fire on a later
    clause of the message.
    """
    fired: list[tuple[Rule, str]] = []
    spans: list[tuple[int, int]] = []
    searched: list[list[int]] = []
    ordered = rules if isinstance(rules, tuple) else tuple(rules)
    index = _index(ordered)
    todo: dict[int, set[int]] = {i: set(parts) for i, parts in index.always.items()}
    by_gram = index.by_gram
    for gram in prefilter.trigrams(text):
        hits = by_gram.get(gram)
        if hits is not None:
            for i, j in hits:
                found_parts = todo.get(i)
                if found_parts is None:
                    todo[i] = {j}
                else:
                    found_parts.add(j)
    asking: bool | None = None
    for i in sorted(todo):
        rule = ordered[i]
        if rule.when is not None and rule.when.isdisjoint(context):
            continue
        if rule.question:
            if asking is None:
                asking = question is None or question.search(text) is not None
            if not asking:
                continue
        parts = sorted(todo[i])
        match = rule.find_in(text, parts)
        if match is not None:
            fired.append((rule, match.group(0)))
            spans.append((match.start(), match.end()))
            searched.append(parts)
    if not fired:
        return fired
    vetoed = {
        label
        for label in {r.label for r, _ in fired}
        if any(p.search(text) for p in act_unless.get(label, ()))
    }
    breaks = [m.end() for m in CLAUSE_BREAK_RE.finditer(text)]
    found: dict[int, set[str]] = {}
    for (rule, _), (start, end) in zip(fired, spans, strict=True):
        if rule.label not in vetoed:
            for clause in range(
                _clause_of(breaks, start), _clause_of(breaks, max(start, end - 1)) + 1
            ):
                found.setdefault(clause, set()).add(rule.label)
    result: list[tuple[Rule, str]] = []
    for (rule, matched), (start, _), parts in zip(fired, spans, searched, strict=True):
        if rule.label in vetoed:
            continue
        clause = _clause_of(breaks, start)
        if rule.asked_in_clause and question is not None and breaks:
            while not _asks(question, text, breaks, clause):
                later = rule.find_in(text, parts, breaks[clause]) if clause < len(breaks) else None
                if later is None:
                    break
                matched = later.group(0)
                clause = _clause_of(breaks, later.start())
            if not _asks(question, text, breaks, clause):
                continue
        while rule.suppressed_by & (found.get(clause, set()) - {rule.label}):
            if clause >= len(breaks):
                break
            later = rule.find_in(text, parts, breaks[clause])
            if later is None:
                break
            matched = later.group(0)
            clause = _clause_of(breaks, later.start())
        else:
            result.append((rule, matched))
    return result
