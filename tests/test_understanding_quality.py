"""Quality gate: the understanding component on the independent evaluation set."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from flows.acts import ACTS
from flows.understanding.evaluate import evaluate, in_context, load_contexts, load_examples

DATA = Path(__file__).parent / "data"
EVAL_SET = DATA / "acts.jsonl"
DEV_SET = DATA / "acts_dev.jsonl"


@pytest.fixture(scope="module")
def examples() -> list[tuple[str, frozenset[str]]]:
    return load_examples(EVAL_SET)


def test_eval_set_shape(examples: list[tuple[str, frozenset[str]]]) -> None:
    counts = Counter(act for _, acts in examples for act in acts)
    assert len(examples) >= 400
    assert all(acts <= set(ACTS) for _, acts in examples)
    assert {act: counts[act] for act in ACTS if counts[act] < 12} == {}
    assert sum(1 for _, acts in examples if len(acts) >= 2) >= 80
    assert sum(1 for _, acts in examples if not acts) >= 40


def test_eval_set_macro_f1(examples: list[tuple[str, frozenset[str]]]) -> None:
    report = evaluate(examples)
    assert report.macro_f1 >= 0.95, "\n" + report.format(errors=True)


def test_dev_set_macro_f1() -> None:
    report = evaluate(load_examples(DEV_SET))
    assert report.macro_f1 >= 0.95, "\n" + report.format(errors=True)


@pytest.mark.parametrize("name", ["acts_casual.jsonl", "acts_formal.jsonl", "acts_mixed.jsonl"])
def test_other_written_sets_macro_f1(name: str) -> None:
    """Sets written by other people after the first rules; their errors guided later fixes."""
    report = evaluate(load_examples(DATA / name))
    assert report.macro_f1 >= 0.95, "\n" + report.format(errors=True)


def test_held_out_set_macro_f1() -> None:
    """Never tuned against (see tests/data/README.md): a floor against regressions in how
    the rules generalise. Raise the floor as generalisation improves; never fit the set."""
    report = evaluate(load_examples(DATA / "acts_heldout.jsonl"))
    assert report.macro_f1 >= 0.91, "\n" + report.format(errors=True)


def test_second_held_out_set_macro_f1() -> None:
    """Blind set E (tests/data/README.md): written from ACTS.md alone after the stage-context
    work, scored once on arrival (macro-F1 0.944, exact 0.911) and never read for errors
    since. The floor sits a little below that first score, for noise from later rule work."""
    path = DATA / "acts_blind_e.jsonl"
    report = evaluate(load_examples(path), in_context(load_contexts(path)))
    assert report.macro_f1 >= 0.93 and report.exact_match >= 0.89, (
        "score only; do not read its errors"
    )


def test_third_held_out_set_macro_f1() -> None:
    """Blind set F (long formal messages, keywords without the act), scored once on arrival:
    macro-F1 0.887, exact 0.804. A floor a little below that; its errors are never read."""
    path = DATA / "acts_blind_f.jsonl"
    report = evaluate(load_examples(path), in_context(load_contexts(path)))
    assert report.macro_f1 >= 0.87 and report.exact_match >= 0.78, "score only; do not read"


def test_last_held_out_set_macro_f1() -> None:
    """Blind set H, the last untouched one (tests/data/README.md), scored once: macro-F1
    0.891, exact 0.831. A floor a little below that; its errors are never read."""
    path = DATA / "acts_blind_h.jsonl"
    report = evaluate(load_examples(path), in_context(load_contexts(path)))
    assert report.macro_f1 >= 0.875 and report.exact_match >= 0.81, "score only; do not read"
