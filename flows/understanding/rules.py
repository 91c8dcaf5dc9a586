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
        asked_in_clause: true         # optional: a match counts only in a clause that asks
        negatable: true               # optional: default `negatable` for its rules
        rules:
          - name: hello               # unique within the act
            match: regex | [regex, ...]
            unless: regex | [regex]   # optional: rule does not fire if any matches the message
            negatable: true           # optional: not fired if "not/never/no/..." comes just before
            question: true            # optional: only fires if the message asks something
            suppressed_by: [act, ...] # optional: dropped when one of these acts is also found
            firm: true                # optional: names its act or topic so plainly that
                                      # the learned reader never overrules it
            foreign: true             # optional: words of another language ("obrigada"),
                                      # kept out of the typo-correction vocabulary and
                                      # the check for messages wholly in another language
            corrects_to: false        # optional: no typo is corrected into its words (a
                                      # rare word like "autonomy" pulled "agronomy" in)

Regexes are searched in the normalised text (see ``normalise.py``). Each is compiled on
first use (:class:`Regex`): the prefilter lets only a few of the ~1,000 be searched in a
message, and compiling them all took a third of the time to load the rules. Loading parses
every ``match`` (for the prefilter), so a syntax error still names its rule at once;
``RuleSet.compile_all`` compiles the rest (the tests do).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Final

from flows import yamltext
from flows.understanding import prefilter, prefilter_cache

PATTERNS_PATH: Final = Path(__file__).with_name("patterns.yaml")

NEGATIONS: Final = frozenset(
    {"not", "never", "no", "without", "nor", "neither", "hardly", "forgot", "forget", "forgotten"}
)
NEGATION_WINDOW: Final = 4
_CLAUSE_BREAKS: Final = frozenset({",", ".", "!", "?", "but", "though", "although"})
_MACRO_RE: Final = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")


class RulesError(ValueError):
    """The patterns file is malformed (names the act and rule)."""


class Regex:
    """A regex of the rules, compiled the first time it is searched."""

    __slots__ = ("_compiled", "sources", "where")

    def __init__(self, sources: Sequence[str], where: str) -> None:
        self.sources = tuple(sources)
        """Alternatives (one, for most)."""
        self.where = where
        """The act and rule, for the error message."""
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        compiled = self._compiled
        if compiled is None:  # (two threads may both compile it: the same result)
            compiled = self._compiled = _compile(self.sources, self.where)
        return compiled

    def search(self, text: str, pos: int = 0) -> re.Match[str] | None:
        return self.compiled.search(text, pos)

    def finditer(self, text: str, pos: int = 0) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(text, pos)


@dataclass(frozen=True)
class Rule:  # not slotted: the prefilter regex is cached on the instance
    """One compiled rule."""

    label: str
    name: str
    pattern: Regex
    unless: tuple[Regex, ...] = ()
    negatable: bool = False
    question: bool = False
    """Only fires when the message asks something (the patterns file's `question` regex)."""
    asked_in_clause: bool = False
    """Only a match in a clause that itself asks counts ("I worked in hotels for ten years.
    Would that help?" asks nothing about hotels)."""
    suppressed_by: frozenset[str] = frozenset()
    needs: frozenset[str] | None = None
    """Prefilter: at least one of these strings occurs in any text the pattern matches."""
    parts: tuple[tuple[Regex, frozenset[str] | None], ...] = ()
    """The pattern's top-level alternatives, each with its own prefilter (``needs``)."""
    firm: bool = False
    """A topic rule whose match the learned reader never overrules ("associate PM programs"
    are a way in, however much "PM program" looks like a certification to it)."""
    when: frozenset[str] | None = None
    """Only fires in one of these contexts (a stage, or ``after:<what the contact just
    did>``): "sure!" accepts an invitation to stay only right after one."""

    @cached_property
    def grams(self) -> frozenset[str] | None:
        """One trigram of each ``needs`` string: a match implies one of them is in the text."""
        return prefilter.needed_grams(self.needs)

    @cached_property
    def _parts(self) -> tuple[tuple[Regex, frozenset[str] | None], ...]:
        if not self.parts:
            return ((self.pattern, self.grams),)
        return tuple((pattern, prefilter.needed_grams(needs)) for pattern, needs in self.parts)

    def find(self, text: str, grams: frozenset[str] | None = None) -> re.Match[str] | None:
        """The leftmost match of this rule in ``text`` that is not vetoed, if any.

        ``grams`` (the text's trigrams, see ``trigrams``) enables the fast prefilter: only
        the alternatives whose literal strings can occur in ``text`` are searched.
        """
        if grams is None:
            grams = prefilter.trigrams(text)
        todo = [
            i
            for i, (_, needs) in enumerate(self._parts)
            if needs is None or not needs.isdisjoint(grams)
        ]
        return self.find_in(text, todo)

    def find_in(self, text: str, parts: Iterable[int], pos: int = 0) -> re.Match[str] | None:
        """Like ``find``, searching only the alternatives numbered ``parts`` (ascending).

        ``pos``: only matches that start at or after this offset count.
        """
        best: re.Match[str] | None = None
        for i in parts:
            pattern = self._parts[i][0]
            for match in pattern.finditer(text, pos):
                if self.negatable and _negated(text, match.start(), match.group(0)):
                    continue
                if best is None or match.start() < best.start():
                    best = match
                break
        if best is None or any(u.search(text) for u in self.unless):
            return None
        return best


@dataclass(frozen=True)
class RuleSet:
    """All compiled rules of the patterns file."""

    acts: tuple[Rule, ...]
    signals: tuple[Rule, ...]
    act_unless: Mapping[str, tuple[Regex, ...]]
    vocabulary: frozenset[str]
    question: re.Pattern[str] | None = None
    labels: frozenset[str] = field(default_factory=frozenset)

    def fires(self, label: str, text: str) -> bool:
        """Whether a rule of ``label`` fires on the normalised ``text``."""
        return any(rule.find(text) is not None for rule in self._by_label.get(label, ()))

    @cached_property
    def _by_label(self) -> dict[str, tuple[Rule, ...]]:
        return _by_label(self.acts)

    def firmly(self, label: str, text: str) -> bool:
        """Whether a ``firm`` rule of ``label`` fires on the normalised ``text``."""
        return any(rule.find(text) is not None for rule in self._firm.get(label, ()))

    @cached_property
    def _firm(self) -> dict[str, tuple[Rule, ...]]:
        return _by_label(rule for rule in self.acts if rule.firm)

    def compile_all(self) -> None:
        """Compile every regex now (a bad one raises :class:`RulesError`)."""
        for rule in (*self.acts, *self.signals):
            for regex in (rule.pattern, *rule.unless, *(part for part, _ in rule.parts)):
                _ = regex.compiled
        for vetoes in self.act_unless.values():
            for regex in vetoes:
                _ = regex.compiled


def _by_label(rules: Iterable[Rule]) -> dict[str, tuple[Rule, ...]]:
    """``rules`` grouped by their label, in file order."""
    grouped: dict[str, tuple[Rule, ...]] = {}
    for rule in rules:
        grouped[rule.label] = (*grouped.get(rule.label, ()), rule)
    return grouped


def split_alternatives(source: str) -> list[str]:
    """``source`` split at its top-level ``|`` (outside groups and character classes)."""
    parts: list[str] = []
    depth = 0
    in_class = False
    start = 0
    i = 0
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if source[i + 1 : i + 2] == "]":
                i += 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(source[start:i])
            start = i + 1
        i += 1
    parts.append(source[start:])
    return parts


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


def required_literals(
    source: str, where: str = "regex", *, use_cache: bool = True
) -> frozenset[str] | None:
    """A prefilter for ``source``: None when no useful one could be computed (a syntax
    error names the rule). Shipped regexes are looked up (``prefilter_cache.py``): a source
    found there parsed without error when the file was written."""
    if use_cache:
        cached = prefilter_cache.shipped()
        k = prefilter_cache.key(source)
        if k in cached:
            return cached[k]
    try:
        parsed = prefilter.parse(source)
    except re.error as exc:
        raise RulesError(f"{where}: bad regex: {exc}") from exc
    return None if parsed is None else prefilter.literals(parsed)


def prefilter_sources(path: Path, section: str = "acts") -> dict[str, frozenset[str] | None]:
    """Every rule alternative of a patterns file, with its prefilter computed afresh."""
    raw = yamltext.load(path.read_text(encoding="utf-8")) or {}
    macros = {str(k): str(v) for k, v in (raw.get("define") or {}).items()}
    found: dict[str, frozenset[str] | None] = {}
    for name in (section, "signals"):
        for key, spec in (raw.get(name) or {}).items():
            for rule in spec.get("rules") or []:
                for src in _as_list(rule.get("match")):
                    for piece in split_alternatives(expand(src, macros)):
                        found[piece] = required_literals(piece, str(key), use_cache=False)
    return found


# --- loading ------------------------------------------------------------------------------


def _build_rules(
    section: Mapping[str, Any], macros: Mapping[str, str], vocabulary: set[str]
) -> tuple[list[Rule], dict[str, tuple[Regex, ...]]]:
    rules: list[Rule] = []
    act_unless: dict[str, tuple[Regex, ...]] = {}
    for key, spec in section.items():
        label = str(key)
        if not isinstance(spec, dict) or not isinstance(spec.get("rules"), list):
            raise RulesError(f"{label}: expected a mapping with a `rules` list")
        vetoes = [expand(s, macros) for s in _as_list(spec.get("unless"))]
        act_suppressors = frozenset(_as_list(spec.get("suppressed_by")))
        act_question = bool(spec.get("question", False))
        act_in_clause = bool(spec.get("asked_in_clause", False))
        act_negatable = bool(spec.get("negatable", False))
        if vetoes:
            act_unless[label] = tuple(Regex([v], f"{label}.unless") for v in vetoes)
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
            if not raw.get("foreign") and raw.get("corrects_to", True):
                # (another language's words are no English to learn)
                for s in sources:
                    vocabulary |= words_in(s)
            pieces = [p for src in sources for p in split_alternatives(src)]
            parts = tuple((Regex([p], where), required_literals(p, where)) for p in pieces)
            pattern = parts[0][0] if len(parts) == 1 else Regex(sources, where)
            unless = tuple(
                Regex([expand(u, macros)], f"{where}.unless") for u in _as_list(raw.get("unless"))
            )
            rules.append(
                Rule(
                    label=label,
                    name=name,
                    pattern=pattern,
                    unless=unless,
                    negatable=bool(raw.get("negatable", act_negatable)),
                    question=bool(raw.get("question", act_question)),
                    asked_in_clause=bool(raw.get("asked_in_clause", act_in_clause)),
                    suppressed_by=frozenset(_as_list(raw.get("suppressed_by"))) | act_suppressors,
                    needs=parts[0][1] if len(parts) == 1 else None,
                    parts=parts,
                    when=frozenset(_as_list(raw["when"])) if "when" in raw else None,
                    firm=bool(raw.get("firm", False)),
                )
            )
    return rules, act_unless


def load_rules(path: Path = PATTERNS_PATH, section: str = "acts") -> RuleSet:
    """Read and compile a patterns file (its rules are under ``section``)."""
    raw = yamltext.load(path.read_text(encoding="utf-8")) or {}
    macros = {str(k): str(v) for k, v in (raw.get("define") or {}).items()}
    for key in list(macros):
        macros[key] = expand(macros[key], macros)
    vocabulary: set[str] = {str(w) for w in raw.get("vocabulary") or []}
    act_rules, act_unless = _build_rules(raw.get(section) or {}, macros, vocabulary)
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
