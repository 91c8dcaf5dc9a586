"""Subjects: questions about the contact's own working life that every contact answers from
a detail of their own, however they are worded ("what's on your plate at the moment?",
"do u coach any juniors", "how long is your commute?").

A detail's ``keys`` name the words of one contact; a subject's rules (``subjects.yaml``) are
written once and reach the detail that names it (``subject:`` in a persona's
``specifics``) in every contact's file. Computation only: the rules file in, the subjects a
question names out.
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path
from typing import Final

from flows.understanding.matching import run
from flows.understanding.rules import RuleSet, load_rules

SUBJECTS_PATH: Final = Path(__file__).with_name("subjects.yaml")
SECTION: Final = "subjects"


@cache
def _rules() -> RuleSet:
    return load_rules(SUBJECTS_PATH, SECTION)


def known() -> frozenset[str]:
    """Every subject id of ``subjects.yaml``."""
    return _rules().labels


@lru_cache(maxsize=256)
def named(text: str) -> frozenset[str]:
    """The subjects a question names: the text asks something, a rule of the subject fires
    on it (normalised) and none of its near misses (the subject's ``unless``) does, as the
    act rules are run (``matching.run``: the prefilter's index, then the vetoes). A
    statement names none: "I printed your brochure on the way in" tells, it doesn't ask."""
    from flows.understanding import asks_something, normalised  # (the rules load on first use)

    if not asks_something(text):
        return frozenset()
    rules = _rules()
    return frozenset(rule.label for rule, _ in run(rules.acts, normalised(text), rules.act_unless))
