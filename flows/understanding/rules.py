"""Loading, compiling and running the rules in ``patterns.yaml``.

Schema (see the header of ``patterns.yaml`` for a full description)::

    define:            # macros: {NAME} in any regex is replaced by the value
      YOU: '(?:you|your)'
    vocabulary: [...]  # extra words for typo correction (words in regexes are added anyway)
    acts:              # also `signals:` with the same shape
      greet:
        unless: [regex, ...]          # optional: vetoes the whole act
        suppressed_by: [act, ...]     # optional: added to every rule of the act
        question: true                # optional: default `question` for its rules
        negatable: true               # optional: default `negatable` for its rules
        rules:
          - name: hello               # unique within the act
            match: regex | [regex, ...]
            unless: regex | [regex]   # optional: rule does not fire if any matches the message
            negatable: true           # optional: not fired if "not/never/no/..." comes just before
            question: true            # optional: only fires if the message asks something
            suppressed_by: [act, ...] # optional: dropped when one of these acts is also found

Regexes are searched in the normalised text (see ``normalise.py``).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Final

import yaml

PATTERNS_PATH: Final = Path(__file__).with_name("patterns.yaml")

NEGATIONS: Final = frozenset(
    {"not", "never", "no", "without", "nor", "neither", "hardly", "forgot", "forget", "forgotten"}
)
NEGATION_WINDOW: Final = 4
_CLAUSE_BREAKS: Final = frozenset({",", ".", "!", "?", "but", "though", "although"})
_MACRO_RE: Final = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")


class RulesError(ValueError):
    """The patterns file is malformed (names the act and rule)."""


@dataclass(frozen=True)
class Rule:  # not slotted: the prefilter regex is cached on the instance
    """One compiled rule."""

    label: str
    name: str
    pattern: re.Pattern[str]
    unless: tuple[re.Pattern[str], ...] = ()
    negatable: bool = False
    question: bool = False
    """Only fires when the message asks something (the patterns file's `question` regex)."""
    suppressed_by: frozenset[str] = frozenset()
    needs: frozenset[str] | None = None
    """Prefilter: at least one of these strings occurs in any text the pattern matches."""

    @cached_property
    def grams(self) -> frozenset[str] | None:
        """One trigram of each ``needs`` string: a match implies one of them is in the text."""
        if self.needs is None or min(len(lit) for lit in self.needs) < GRAM:
            return None
        return frozenset(_pick_gram(lit) for lit in self.needs)

    def find(self, text: str, grams: frozenset[str] | None = None) -> re.Match[str] | None:
        """The first match of this rule in ``text`` that is not vetoed, if any.

        ``grams`` (the text's trigrams, see ``trigrams``) enables the fast prefilter.
        """
        mine = self.grams
        if mine is not None:
            if grams is None:
                grams = trigrams(text)
            if mine.isdisjoint(grams):
                return None
        for match in self.pattern.finditer(text):
            if self.negatable and _negated(text, match.start(), match.group(0)):
                continue
            if any(u.search(text) for u in self.unless):
                return None
            return match
        return None


@dataclass(frozen=True)
class RuleSet:
    """All compiled rules of the patterns file."""

    acts: tuple[Rule, ...]
    signals: tuple[Rule, ...]
    act_unless: Mapping[str, tuple[re.Pattern[str], ...]]
    vocabulary: frozenset[str]
    question: re.Pattern[str] | None = None
    labels: frozenset[str] = field(default_factory=frozenset)


GRAM: Final = 3


def trigrams(text: str) -> frozenset[str]:
    """Every 3-character substring of ``text``."""
    return frozenset(text[i : i + GRAM] for i in range(len(text) - GRAM + 1))


def _pick_gram(literal: str) -> str:
    """A trigram of ``literal``, preferring one without spaces (more selective)."""
    grams = [literal[i : i + GRAM] for i in range(len(literal) - GRAM + 1)]
    solid = [g for g in grams if " " not in g]
    return (solid or grams)[len(solid or grams) // 2]


def _negated(text: str, start: int, matched: str) -> bool:
    """True if a negation word is in the match or in the few words before it (same clause)."""
    if any(word in NEGATIONS for word in matched.split()):
        return True
    words = text[:start].split()
    for word in reversed(words[-NEGATION_WINDOW:]):
        if word in _CLAUSE_BREAKS:
            return False
        if word in NEGATIONS:
            return True
    return False


def _as_list(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value]
    raise RulesError(f"expected a regex or a list of regexes, got {value!r}")


def expand(source: str, macros: Mapping[str, str]) -> str:
    """Replace ``{NAME}`` macros (recursively) in a regex source."""
    for _ in range(10):
        new = _MACRO_RE.sub(lambda m: macros.get(m.group(1), m.group(0)), source)
        if new == source:
            break
        source = new
    missing = _MACRO_RE.findall(source)
    if missing:
        raise RulesError(f"undefined macro(s) {missing} in {source!r}")
    return source


def _compile(sources: Sequence[str], where: str) -> re.Pattern[str]:
    joined = "|".join(f"(?:{s})" for s in sources)
    try:
        return re.compile(joined)
    except re.error as exc:
        raise RulesError(f"{where}: bad regex: {exc}") from exc


_WORD_RE: Final = re.compile(r"[a-z]+")
_ESCAPES_RE: Final = re.compile(r"\\[A-Za-z]|\(\?P<\w+>|\(\?[:=!]|\(\?<[=!]|\[\^?[a-z]-[a-z]\]")


def words_in(source: str) -> set[str]:
    """Whole literal words in a regex source (for the typo-correction vocabulary)."""
    src = _ESCAPES_RE.sub(" ", source)
    found: set[str] = set()
    for m in _WORD_RE.finditer(src):
        word = m.group(0)
        prev = src[m.start() - 1] if m.start() else " "
        nxt = src[m.end()] if m.end() < len(src) else " "
        if nxt in "([{" or prev in ")]":
            continue
        found.add(word)
        if nxt in "?*" and len(word) > 1:
            found.add(word[:-1])
    return found


# --- prefilter: literal strings a match must contain -------------------------------------

try:
    _PARSER: Any = importlib.import_module("re._parser")
    _C: Any = importlib.import_module("re._constants")
except ImportError:  # pragma: no cover - other Python versions: no prefilter
    _PARSER = None
    _C = None


def _clause(items: Any) -> set[str] | None:
    """Strings of which at least one must occur in any match of the parsed sequence."""
    clauses: list[set[str]] = []
    run: list[str] = []

    def flush() -> None:
        if len(run) >= 2:
            clauses.append({"".join(run)})
        run.clear()

    for op, av in items:
        if op is _C.LITERAL:
            run.append(chr(av))
            continue
        flush()
        sub: set[str] | None = None
        if op is _C.SUBPATTERN:
            sub = _clause(av[-1])
        elif op is _C.BRANCH:
            parts = [_clause(b) for b in av[1]]
            if parts and all(p is not None for p in parts):
                sub = set().union(*(p for p in parts if p is not None))
        elif op in (_C.MAX_REPEAT, _C.MIN_REPEAT) and av[0] >= 1:
            sub = _clause(av[2])
        if sub:
            clauses.append(sub)
    flush()
    usable = [c for c in clauses if min(len(s) for s in c) >= 3] or clauses
    if not usable:
        return None
    # The cheapest, most selective clause: fewest alternatives, then longest shortest string.
    return min(usable, key=lambda c: (len(c), -min(len(s) for s in c)))


def required_literals(source: str) -> frozenset[str] | None:
    """A prefilter for ``source``: None when no useful one could be computed."""
    if _PARSER is None:
        return None
    try:
        clause = _clause(_PARSER.parse(source))
    except Exception:  # pragma: no cover - defensive: the prefilter is only an optimisation
        return None
    if not clause or min(len(s) for s in clause) < 2:
        return None
    return frozenset(clause)


# --- loading ------------------------------------------------------------------------------


def _build_rules(
    section: Mapping[str, Any], macros: Mapping[str, str], vocabulary: set[str]
) -> tuple[list[Rule], dict[str, tuple[re.Pattern[str], ...]]]:
    rules: list[Rule] = []
    act_unless: dict[str, tuple[re.Pattern[str], ...]] = {}
    for key, spec in section.items():
        label = str(key)
        if not isinstance(spec, dict) or not isinstance(spec.get("rules"), list):
            raise RulesError(f"{label}: expected a mapping with a `rules` list")
        vetoes = [expand(s, macros) for s in _as_list(spec.get("unless"))]
        act_suppressors = frozenset(_as_list(spec.get("suppressed_by")))
        act_question = bool(spec.get("question", False))
        act_negatable = bool(spec.get("negatable", False))
        if vetoes:
            act_unless[label] = tuple(_compile([v], f"{label}.unless") for v in vetoes)
        names: set[str] = set()
        for i, raw in enumerate(spec["rules"]):
            if not isinstance(raw, dict):
                raise RulesError(f"{label} rule #{i + 1}: expected a mapping")
            name = str(raw.get("name") or f"rule{i + 1}")
            where = f"{label}.{name}"
            if name in names:
                raise RulesError(f"{where}: duplicate rule name")
            names.add(name)
            sources = [expand(s, macros) for s in _as_list(raw.get("match"))]
            if not sources:
                raise RulesError(f"{where}: no `match`")
            for s in sources:
                vocabulary |= words_in(s)
            pattern = _compile(sources, where)
            unless = tuple(
                _compile([expand(u, macros)], f"{where}.unless")
                for u in _as_list(raw.get("unless"))
            )
            joined = "|".join(f"(?:{s})" for s in sources)
            rules.append(
                Rule(
                    label=label,
                    name=name,
                    pattern=pattern,
                    unless=unless,
                    negatable=bool(raw.get("negatable", act_negatable)),
                    question=bool(raw.get("question", act_question)),
                    suppressed_by=frozenset(_as_list(raw.get("suppressed_by"))) | act_suppressors,
                    needs=required_literals(joined),
                )
            )
    return rules, act_unless


def load_rules(path: Path = PATTERNS_PATH) -> RuleSet:
    """Read and compile a patterns file."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    macros = {str(k): str(v) for k, v in (raw.get("define") or {}).items()}
    for key in list(macros):
        macros[key] = expand(macros[key], macros)
    vocabulary: set[str] = {str(w) for w in raw.get("vocabulary") or []}
    act_rules, act_unless = _build_rules(raw.get("acts") or {}, macros, vocabulary)
    signal_rules, signal_unless = _build_rules(raw.get("signals") or {}, macros, vocabulary)
    act_unless.update(signal_unless)
    labels = frozenset(r.label for r in act_rules) | frozenset(r.label for r in signal_rules)
    question_src = [expand(q, macros) for q in _as_list(raw.get("question"))]
    question = _compile(question_src, "question") if question_src else None
    return RuleSet(
        acts=tuple(act_rules),
        signals=tuple(signal_rules),
        act_unless=act_unless,
        vocabulary=frozenset(vocabulary),
        question=question,
        labels=labels,
    )


CLAUSE_BREAK_RE: Final = re.compile(
    r"[?!.;:] |\b(?:and|also|plus|but|or) (?:also )?(?=(?:what|how|where|which|who|why|when|is|are"
    r"|do|does|did|can|could|would|will|should|any)\b)|\balso ,? "
)
"""Where a message splits into clauses: suppression (``suppressed_by``) works per clause."""


def _clause_of(breaks: list[int], position: int) -> int:
    return sum(1 for b in breaks if b <= position)


def run(
    rules: Iterable[Rule],
    text: str,
    act_unless: Mapping[str, tuple[re.Pattern[str], ...]],
    question: re.Pattern[str] | None = None,
) -> list[tuple[Rule, str]]:
    """Every rule that fires on normalised ``text``, after vetoes and suppression.

    A rule with ``suppressed_by`` is dropped when one of those acts fired in the same clause.
    """
    fired: list[tuple[Rule, str]] = []
    spans: list[int] = []
    grams = trigrams(text)
    asking: bool | None = None
    for rule in rules:
        if rule.question:
            if asking is None:
                asking = question is None or question.search(text) is not None
            if not asking:
                continue
        match = rule.find(text, grams)
        if match is not None:
            fired.append((rule, match.group(0)))
            spans.append(match.start())
    if not fired:
        return fired
    vetoed = {
        label
        for label in {r.label for r, _ in fired}
        if any(p.search(text) for p in act_unless.get(label, ()))
    }
    breaks = [m.end() for m in CLAUSE_BREAK_RE.finditer(text)]
    clauses = [_clause_of(breaks, start) for start in spans]
    found: dict[int, set[str]] = {}
    for (rule, _), clause in zip(fired, clauses, strict=True):
        if rule.label not in vetoed:
            found.setdefault(clause, set()).add(rule.label)
    return [
        (r, m)
        for (r, m), clause in zip(fired, clauses, strict=True)
        if r.label not in vetoed and not (r.suppressed_by & (found[clause] - {r.label}))
    ]
