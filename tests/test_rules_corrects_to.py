"""A rule marked ``corrects_to: false`` lends no words to the typo step."""

from __future__ import annotations

from pathlib import Path

from flows.understanding import normalised
from flows.understanding.rules import load_rules


def test_a_rule_that_corrects_to_nothing_adds_no_vocabulary(tmp_path: Path) -> None:
    """ "How much autonomy do you have?" needs a rule with "autonomy"; as a word of the
    typo step's vocabulary it pulled "agronomy" into it, and questions on agronomy were
    read as about the workplace culture."""
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "topics:\n"
        "  culture:\n"
        "    rules:\n"
        "      - name: autonomy\n"
        "        corrects_to: false\n"
        "        match: '\\\\bautonomy\\\\b'\n"
        "      - name: vibe\n"
        "        match: '\\\\bvibe\\\\b'\n",
        encoding="utf-8",
    )
    loaded = load_rules(rules, "topics")
    assert "vibe" in loaded.vocabulary
    assert "autonomy" not in loaded.vocabulary
    assert len(loaded.acts) == 2


def test_agronomy_stays_agronomy() -> None:
    assert " agronomy " in normalised("How did you end up in agronomy? Family farm too?")
