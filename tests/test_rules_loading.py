"""Loading the understanding rules: regexes are compiled on first use, mistakes still found.

Loading parses every ``match`` regex not in the shipped prefilters (``prefilters.json``:
the strings each needs, computed ahead), so a syntax error names its rule when the file is
read; the rest (``unless``, and what only the compiler checks, such as a look-behind of
varying width) is found by ``compile_all``, which the shipped files must pass.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.understanding import prefilter_cache
from flows.understanding.rules import PATTERNS_PATH, RulesError, load_rules, prefilter_sources
from flows.understanding.topic_finder import TOPICS_PATH


@pytest.mark.parametrize(("path", "section"), [(PATTERNS_PATH, "acts"), (TOPICS_PATH, "topics")])
def test_every_shipped_regex_compiles(path: Path, section: str) -> None:
    load_rules(path, section).compile_all()


def rules_file(tmp_path: Path, match: str, unless: str = "nothing") -> Path:
    path = tmp_path / "patterns.yaml"
    path.write_text(
        "acts:\n  greet:\n    rules:\n"
        f"      - name: hello\n        match: '{match}'\n        unless: '{unless}'\n"
    )
    return path


def test_a_syntax_error_names_its_rule_on_loading(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match=r"greet\.hello: bad regex"):
        load_rules(rules_file(tmp_path, r"\bhello (there"))


def test_what_only_the_compiler_checks_is_found_by_compile_all(tmp_path: Path) -> None:
    rules = load_rules(rules_file(tmp_path, r"hello", unless=r"(?<=a+)b"))
    with pytest.raises(RulesError, match=r"greet\.hello\.unless: bad regex"):
        rules.compile_all()


def test_a_rule_is_compiled_when_the_prefilter_first_lets_it_through(tmp_path: Path) -> None:
    rules = load_rules(rules_file(tmp_path, r"\bhello\b|\bgood morning\b"))
    (rule,) = rules.acts
    hello, morning = (part for part, _ in rule.parts)
    assert rule.find("well hello there") is not None
    assert hello._compiled is not None and morning._compiled is None
    assert rule.find("good morning to you") is not None
    assert morning._compiled is not None


@pytest.mark.parametrize(("path", "section"), [(PATTERNS_PATH, "acts"), (TOPICS_PATH, "topics")])
def test_the_shipped_prefilters_are_current_and_right(path: Path, section: str) -> None:
    """Every rule alternative of the shipped files is in prefilters.json, with the strings a
    fresh parse gives. After editing a patterns file: python3 tests/models/write_prefilters.py"""
    shipped = prefilter_cache.shipped()
    assert shipped, "prefilters.json is missing or stale: run tests/models/write_prefilters.py"
    fresh = prefilter_sources(path, section)
    missing = [source for source in fresh if prefilter_cache.key(source) not in shipped]
    assert not missing, "run tests/models/write_prefilters.py"
    assert {s: shipped[prefilter_cache.key(s)] for s in fresh} == fresh


def test_prefilters_made_for_other_code_are_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    prefilter_cache.shipped.cache_clear()
    monkeypatch.setattr(prefilter_cache, "stamp", lambda: "python 2.7, prefilter.py 000000000000")
    try:
        assert prefilter_cache.shipped() == {}
        load_rules().compile_all()  # parsed afresh, still loads
    finally:
        prefilter_cache.shipped.cache_clear()
