"""The guards a model's wording must pass, on the requests real practices produce: every
scripted line passes as its own phrasing (the guards never reject what the flow says), and
each way a model goes wrong is caught with its reason."""

from __future__ import annotations

import re
import sys
from collections import Counter

import pytest
import yaml

from flows.engine import Engine
from flows.guards import FOLDS_TO_ASCII, GUARDS, REASONS, Patterns, tidy, verdict
from flows.persona import load_personas
from flows.phrasing import PhrasingRequest
from flows.prompts import system_prompt
from tests.voice.practices import EVERY_KIND, contact_lines

CONTACTS = sorted(load_personas())


@pytest.mark.parametrize("persona", CONTACTS)
def test_every_scripted_line_passes_as_its_own_phrasing(persona: str) -> None:
    engine = Engine()
    rejected: Counter[str] = Counter()
    kinds: set[str] = set()
    for script in EVERY_KIND:
        for referrals in ("names", "undecided"):
            for text, request in contact_lines(persona, script, referrals):
                kinds.add(request.kind)
                reason = verdict(text, request, engine.persona(persona))
                if reason is not None:
                    rejected[f"{request.kind}: {reason}"] += 1
    assert not rejected, rejected
    assert {"greeting", "answer", "referrals", "undecided", "deflect_job", "farewell"} <= kinds


def _every_line(persona: str) -> list[tuple[str, PhrasingRequest]]:
    return [
        line
        for script in EVERY_KIND
        for referrals in ("names", "undecided")
        for line in contact_lines(persona, script, referrals)
    ]


def _line(persona: str, kind: str, referrals: str = "names") -> tuple[str, PhrasingRequest]:
    for script in EVERY_KIND:
        for text, request in contact_lines(persona, script, referrals):
            if request.kind == kind:
                return text, request
    raise AssertionError(f"no {kind} line for {persona}")


def _naming(persona: str) -> PhrasingRequest:
    """The request of a referrals message that names someone (the names come one message
    each, after an intro that names nobody)."""
    for script in EVERY_KIND:
        for _, request in contact_lines(persona, script, "names"):
            if request.kind == "referrals" and request.names:
                return request
    raise AssertionError(f"no named referral for {persona}")


def test_each_way_a_model_goes_wrong_is_caught() -> None:
    persona = load_personas()["dana"]
    text, answer = _line("dana", "answer")
    referrals = _naming("dana")
    _, undecided = _line("dana", "undecided", "undecided")
    first_referral = persona.referrals[0].name
    cases = {
        "too_long": (" ".join([text] * 6), answer),
        "markup": (f"**Honestly?** {text}", answer),
        "out_of_character": ("As an AI language model, I can't share personal stories.", answer),
        "prompt_echo": (system_prompt(persona).split("RULES")[1][:400], answer),
        "job_offer": (
            f"{text} Actually, we're hiring: I could offer you a job on my team.",
            answer,
        ),
        "persona_name": (f"I'm Sarah, by the way. {text}", answer),
        "names": (f"{text} You should talk to Gerald Pemberton about it.", answer),
        "withheld_names": (f"Let me think. Maybe {first_referral}, though.", undecided),
        "missing_names": ("Happy to. She knows the field well; tell her I sent you.", referrals),
        "numbers": (f"{text} Most people here earn about 183,000 a year.", answer),
        "empty": ("   ", answer),
    }
    assert set(cases) <= set(REASONS)
    got = {reason: verdict(reply, request, persona) for reason, (reply, request) in cases.items()}
    assert got == {reason: reason for reason in cases}


def test_a_faithful_rewording_passes() -> None:
    persona = load_personas()["dana"]
    _, answer = _line("dana", "answer")
    reworded = "Good question. Honestly, it changes week to week, but the core stays the same."
    assert verdict(reworded, answer, persona) is None
    referrals = _naming("dana")
    [name] = referrals.names
    assert verdict(f"Happy to. Try {name}, who knows the field well.", referrals, persona) is None
    others = [r.name for r in persona.referrals if r.name != name]
    assert verdict(f"Try {name} and {others[0]}.", referrals, persona) == "withheld_names"


def test_wrapping_a_model_adds_is_removed_before_checking() -> None:
    persona = load_personas()["dana"]
    assert tidy('  "Dana: Happy to help."  ', persona) == "Happy to help."
    assert tidy("Dana Reyes: “Sure.”", persona) == "Sure."
    assert tidy('"It\'s a "great" question"', persona) == '"It\'s a "great" question"'


def test_lowering_a_text_changes_no_match_but_for_the_few_listed_characters() -> None:
    # (what lets Patterns search a lowered text instead of a case-insensitive pattern)
    ascii_letter = re.compile("[a-z]", re.IGNORECASE)
    kinds = (re.compile(r"\w"), re.compile(r"\s"), re.compile(r"\d"))
    unlike = set()
    for point in range(0x80, sys.maxunicode + 1):
        char = chr(point)
        low = char.lower()
        if (
            ascii_letter.fullmatch(char)
            or len(low) != 1
            or low.isascii()
            or any(bool(k.match(char)) != bool(k.match(low)) for k in kinds)
        ):
            unlike.add(char)
    assert unlike == set(FOLDS_TO_ASCII)


def test_the_patterns_match_what_one_case_insensitive_alternation_matches() -> None:
    raw = yaml.safe_load(GUARDS.read_text(encoding="utf-8"))
    texts = [request.scripted for _, request in _every_line("dana")]
    texts += [
        "As an AI language model, I can't.",
        "AS AN AI LANGUAGE MODEL",
        "I'm just a Bot",
        "this \u017fimulation",  # (long s: folds to "s")
        "\u0130'm an AI",
        "I\u2019m an AI",
        "We're Hiring! Send me your R\u00c9SUM\u00c9",
        "Send me your r\u00e9sum\u00e9 \u2014 we\u2019re hiring",
        "Ask for the \u212aey role",
        "\u00ab User: \u00bb hi",
        "  # Title",
        "<B>bold</B>",
        "**bold** and __this__",
        "see HTTPS://example.org",
        "tab\x01",
        "Caf\u00e9 au lait in Z\u00fcrich \u2013 a ROLE-PLAY",
    ]
    for key in ("job_offer", "out_of_character", "markup"):
        plain = re.compile("|".join(f"(?:{p})" for p in raw[key]), re.IGNORECASE | re.MULTILINE)
        patterns = Patterns(raw[key])
        for text in texts + [t.upper() for t in texts] + [t.title() for t in texts]:
            assert patterns.search(text) == bool(plain.search(text)), (key, text)


def test_a_typographic_apostrophe_slips_past_no_guard() -> None:
    persona = load_personas()["dana"]
    text, answer = _line("dana", "answer")
    cases = {
        "job_offer": f"{text} We\u2019re hiring, and I\u2019d hire you.",
        "out_of_character": "I\u2019m an AI assistant, so I can\u2019t say.",
        "persona_name": f"I\u2019m Sarah, by the way. {text}",
    }
    for reason, reply in cases.items():
        assert verdict(reply, answer, persona) == reason
        assert verdict(reply.replace("\u2019", "'"), answer, persona) == reason
    assert verdict(text.replace("'", "\u2019"), answer, persona) is None
