"""The rules' prefilter: literal strings that any match of a regex must contain.

A rule alternative is searched in a message only when one of its strings' rarest trigram
occurs in it (``matching.run``). The strings come from Python's own parse of the regex (the
most selective set of alternatives that some part of every match must be one of), and
the trigrams from a frequency list of English (common trigrams make poor filters).
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import Any, Final

GRAM: Final = 3


def needed_grams(needs: frozenset[str] | None) -> frozenset[str] | None:
    """One trigram of each ``needs`` string (None: no prefilter by trigrams)."""
    if needs is None or min(len(lit) for lit in needs) < GRAM:
        return None
    return frozenset(_pick_gram(lit) for lit in needs)


def trigrams(text: str) -> frozenset[str]:
    """Every 3-character substring of ``text``."""
    return frozenset(text[i : i + GRAM] for i in range(len(text) - GRAM + 1))


_COMMON_GRAMS_TEXT: Final = (
    " th|the|he | an|nd | to|ing|ng |and|to | in|ed | of|er |of |on | a |in |is |re |at |es |"
    " co|or | be|as |ion| yo| fo|you|for| re|hat| ha|st | wh|an |ent| on|tha| wi| it| is| wa|"
    "ll |her| i | he|ve |ly |en |tio|thi|it |me | ma| no|nt |al |th |ut | ca| st|his|all|ter|"
    "le | we| so|ou |ere|se |ver| pr|ts | se|ce | ar|are|ati|ith| al|ate|wit| do|ne | li| mo|"
    "our| as| me|rea|rs | de|eve|ld | wo| sh|ot |was| hi|ay |ch |ers|out| fr|ry |one| bu|ave|"
    "be |ow | ho| go| lo|ome|not|res|te | ne|ill|con| at|com|hin| di|ted|ns |sta| pa|ear| fi|"
    "hav|ive|est|nce|ur |pro| ch|men|ke |et | su| sa|om |ons|tin|ty | pe|can|igh|ove|ess|ght|"
    "by | po|so | tr| le| ba|ad |int|rom| or|ust|ey |but|ore| by|ect|art|fro|oul|per|oun| fa|"
    " la|uld|ide|ain| ou|ar |ant|ss | mi| si|han|use|my |ist|ck |ine|ge |oth|der| my|man|ple|"
    "hou|ame|whe|und|ht | ge| pl|ste|hen| ex|tra| te|wor|ort|kin| ju| bo|nte|cou| ev|hey|ds |"
    "rt | un|pla|ica|cti| ab|de |lly|sti|iti|eat|eas| da|ake|act|str| gr"
)
COMMON_GRAMS: Final[tuple[str, ...]] = tuple(_COMMON_GRAMS_TEXT.split("|"))
"""The most frequent trigrams of English text (words padded with spaces), most frequent
first; estimated from word frequencies.  The prefilter avoids them: they are in most texts."""

_GRAM_RANK: Final = {g: i for i, g in enumerate(COMMON_GRAMS)}


def gram_weight(gram: str) -> float:
    """Rough share of texts that contain ``gram`` (Zipf-like by rank; rare grams are cheap)."""
    rank = _GRAM_RANK.get(gram)
    return 1.0 / (len(COMMON_GRAMS) + 60) if rank is None else 1.0 / (rank + 4)


@cache
def _pick_gram(literal: str) -> str:
    """The trigram of ``literal`` least likely to occur in a text (prefers no spaces)."""
    grams = [literal[i : i + GRAM] for i in range(len(literal) - GRAM + 1)]
    solid = [g for g in grams if " " not in g] or grams
    return min(solid, key=lambda g: (gram_weight(g), solid.index(g)))


@cache
def _weight(literal: str) -> float:
    return gram_weight(_pick_gram(literal))


try:
    _PARSER: Any = importlib.import_module("re._parser")
    _C: Any = importlib.import_module("re._constants")
except ImportError:  # pragma: no cover - other Python versions: no prefilter
    _PARSER = None
    _C = None


class _Clause:
    """Strings of which at least one occurs in every match, and how selective that is."""

    __slots__ = ("cost", "shortest", "strings")

    def __init__(self, strings: set[str]) -> None:
        self.strings = strings
        self.shortest = min(map(len, strings))
        self.cost = float(len(strings)) if self.shortest < GRAM else sum(map(_weight, strings))
        """How often a prefilter on these strings lets a text through (lower is better)."""


def best_clause(items: Any) -> _Clause | None:
    """The most selective clause of the parsed sequence: strings of which at least one
    must occur in any match of it."""
    clauses: list[_Clause] = []
    run: list[str] = []

    def flush() -> None:
        if len(run) >= 2:
            clauses.append(_Clause({"".join(run)}))
        run.clear()

    for op, av in items:
        if op is _C.LITERAL:
            run.append(chr(av))
            continue
        flush()
        sub: _Clause | None = None
        if op is _C.SUBPATTERN:
            sub = best_clause(av[-1])
        elif op is _C.BRANCH:
            parts = [best_clause(b) for b in av[1]]
            if parts and all(p is not None for p in parts):
                strings: set[str] = set().union(*(p.strings for p in parts if p is not None))
                sub = _Clause(strings) if strings else None
        elif op in (_C.MAX_REPEAT, _C.MIN_REPEAT) and av[0] >= 1:
            sub = best_clause(av[2])
        if sub:
            clauses.append(sub)
    flush()
    usable = [c for c in clauses if c.shortest >= 3] or clauses
    if not usable:
        return None
    # The most selective clause: the least likely trigrams, then fewest alternatives.
    return min(usable, key=lambda c: (c.cost, len(c.strings), -c.shortest))


def parse(source: str) -> Any:
    """``source`` parsed by Python's regex parser (None on versions without it); raises
    ``re.error`` for a bad regex."""
    return None if _PARSER is None else _PARSER.parse(source)


def literals(parsed: Any) -> frozenset[str] | None:
    """The prefilter of a parsed regex: None when no useful one could be computed."""
    try:
        clause = best_clause(parsed)
    except Exception:  # pragma: no cover - defensive: the prefilter is only an optimisation
        return None
    if not clause or clause.shortest < 2:
        return None
    return frozenset(clause.strings)
