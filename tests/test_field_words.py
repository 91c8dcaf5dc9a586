"""The words of the contacts' fields are never typo-corrected into other words
(``flows/understanding/field_words.py``)."""

from __future__ import annotations

import pytest

from flows.understanding import normalised
from flows.understanding.field_words import keeps_the_word, load
from tests.models.write_field_words import words_needed
from tests.real_contacts import _asked_in_turn


def test_the_shipped_list_holds_every_word_the_contacts_need() -> None:
    """A contact's new line with a rare word of its field needs the list rewritten."""
    missing = sorted(set(words_needed()) - load())
    assert not missing, f"run tests/models/write_field_words.py: {missing[:20]}"


@pytest.mark.parametrize(
    ("word", "corrected", "kept"),
    [
        ("verdicts", "verdict", True),
        ("behaviour", "behavior", True),
        ("organisation", "organization", True),
        ("conf", "conference", True),
        ("learnt", "learned", True),
        ("allocations", "locations", False),
        ("mentored", "mentioned", False),
        ("picker", "picked", False),
        ("pgce", "pace", False),
    ],
)
def test_a_correction_that_keeps_the_word_still_happens(
    word: str, corrected: str, kept: bool
) -> None:
    """The rules are written for singulars and American spelling: only a correction into
    another word is stopped."""
    assert keeps_the_word(word, corrected) is kept


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("How do allocations work for social housing?", "allocations"),
        ("Would I need a PGCE to teach science in Wales?", "pgce"),
        ("who mentored you early on?", "mentored"),
        ("did you ever drive a forklift?", "forklift"),
        ("what goes in a court docket?", "docket"),
    ],
)
def test_a_field_word_reaches_the_rules_as_typed(text: str, word: str) -> None:
    assert f" {word} " in f" {normalised(text)} ", normalised(text)


def test_practising_housing_and_teaching_with_field_words() -> None:
    """Practising with Helen: "How do allocations work for social housing?" got where the
    jobs are ("allocations" became "locations"); with Carys, "How do PGCE routes work in
    Wales?" got the stress of the job ("PGCE" became "pace")."""
    [allocations] = _asked_in_turn("helen", "How do allocations work for social housing?")
    assert "allocations scheme" in allocations.text, (allocations.ref, allocations.text[:80])
    said = _asked_in_turn("carys", "How do PGCE routes work in Wales?")
    assert [s.ref.split(".")[0] for s in said] == ["credentials"], [s.ref for s in said]
