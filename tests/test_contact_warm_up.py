"""Warming the engine up compiles every contact's own patterns: no first question pays."""

from __future__ import annotations

from flows import answers, specifics
from flows.answers import named_terms
from flows.engine import Engine
from flows.specifics import named_specifics


def test_after_warm_up_no_question_compiles_a_contact_pattern() -> None:
    engine = Engine()
    engine.warm_up()
    caches = (answers._naming, answers._defining, specifics._key)
    before = [c.cache_info().misses for c in caches]
    for persona in engine.personas.values():
        for spec in persona.specifics:
            for question in spec.asks:
                named_specifics(persona, question)
        for term in persona.field_terms:
            for variant in term.terms:
                named_terms(persona, f"what is {variant}?", defining=True)
                named_terms(persona, f"do you use {variant} a lot?")
    assert [c.cache_info().misses for c in caches] == before
    assert all(c.cache_info().currsize < c.cache_info().maxsize for c in caches)  # none evicted
