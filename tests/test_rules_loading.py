"""Loading the understanding rules: regexes are compiled on first use, mistakes still found.

Loading parses every ``match`` regex (the prefilter needs its parse), so a syntax error
names its rule when the file is read; the rest (``unless``, and what only the compiler
checks, such as a look-behind of varying width) is found by ``compile_all``, which the
shipped files must pass.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.understanding.rules import PATTERNS_PATH, RulesError, load_rules
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
