"""A contact whose every answer says what it is ("[pay.1]"), so tests can check that the
engine chose the right one whatever the packaged contacts' wording."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import yaml

from flows.engine import Engine
from flows.persona import PERSONA_DIR, Persona, parse_persona
from flows.session import Session
from flows.topics import COMMON, TOLD_AS_STORIES, TOPICS
from tests.conftest import T0

CLASSIC = ("ask_start", "ask_likes", "ask_qualifications", "ask_fit", "ask_resume")
SPECIFIC_KEYS = (
    ["deploy|release|ship + a week|per week|a day|per day"],
    ["take home|take-home + test|exercise|assignment", "coding test|coding exercise"],
    ["outage|incident + worst|biggest|ever"],
    ["ai + code review|pull request"],
)
"""The marked contact's specifics ("[spec.0] a detail"), by their keys."""


def _answers(key: str, count: int) -> list[dict[str, str]]:
    answers = [
        {"say": f"[{key}.{i}] about {key}", "more": f"[{key}.{i}+] more on {key}"}
        for i in range(count)
    ]
    if key in TOLD_AS_STORIES:
        for i, answer in enumerate(answers):
            answer["after"] = f"[{key}.{i}++] how {key} ended"
    return answers


def marked_persona() -> Persona:
    raw: dict[str, Any] = yaml.safe_load((PERSONA_DIR / "dana.yaml").read_text(encoding="utf-8"))
    raw["id"] = "marked"
    raw["answers"] = {act: _answers(act, 2) for act in CLASSIC}
    raw["topics"] = {t: _answers(t, 2 if t in COMMON else 1) for t in TOPICS}
    raw["specifics"] = [
        {"keys": keys, "asks": ["-", "-"], "say": f"[spec.{i}] a detail", "more": f"[spec.{i}+]"}
        for i, keys in enumerate(SPECIFIC_KEYS)
    ]
    raw.update(
        field="software engineering",
        summary="test contact",
        location="Chicago, USA",
        unknown_topic=[
            "[unknown] {asked}? Can't say. I could tell you about {offer}.",
            "[unknown] Not {asked}, sorry; {offer}?",
        ],
        topic_used_up=["[used up] That's all on {topic}.", "[used up] Nothing left on {topic}."],
        nothing_more=["[nothing more] That's the whole story.", "[nothing more] That's all."],
        rest_of_question=["[rest] Ask me the rest again.", "[rest] One at a time."],
        name_hello=["[hello] You must be {user_name}.", "[hello] Hi {user_name}."],
        background_ack=["[ack] So {a_role}!", "[ack] Ah, {a_role}."],
        intro_ack=["[intro ack] Thanks. First question?", "[intro ack] Noted. Go on."],
        fit_personal=["[fit for] As {a_role}:", "[fit for] With {a_role}:"],
        resume_personal=["[resume for] For {a_role}:", "[resume for] Given {a_role}:"],
        referral_for_you=["[for you] Call {name} first.", "[for you] Start with {name}."],
        greeting=["[greeting] We have {minutes} minutes.", "[greeting] {minutes} minutes, go."],
        time_noted=["[time noted] Thanks, we're fine.", "[time noted] Plenty of time yet."],
        go_ahead=["[go ahead] Next question?", "[go ahead] Over to you."],
        time_noted_midway=["[time noted midway] Some time left.", "[time noted midway] Go on."],
        before_you_go=["[before you go] Anything else?", "[before you go] Going already?"],
        time_check_self=["[own time] Oh, look at the time.", "[own time] We're over, I'm afraid."],
        rephrase=["[simply] Sorry. In short: {point}", "[simply] Put simply: {point}"],
        recall=["[recall] {a_role}, you said.", "[recall] You told me: {a_role}."],
        recall_nothing=["[recall nothing] You haven't said.", "[recall nothing] Tell me?"],
        how_are_you=["[how are you] Busy, good.", "[how are you] A long one, but fine."],
        personal_aside=["[personal] Ha, another time.", "[personal] A story for a coffee."],
        personal={
            "where_from": ["[personal] Peoria, then here.", "[personal] Chicago for years now."],
            "family": ["[personal] A partner and a dog.", "[personal] My folks are nearby."],
            "pastime": ["[personal] Improv on Wednesdays.", "[personal] Novels on the train."],
        },
        personal_more={
            "where_from": ["[personal more] A river town.", "[personal more] Logan Square."],
            "family": ["[personal more] The dog is Kepler.", "[personal more] An hour away."],
            "pastime": ["[personal more] Level three now.", "[personal more] Le Guin, again."],
        },
        pastime_not_mine=["[personal] Not me; improv.", "[personal] No, novels are my thing."],
        pay_reaction=["[pay reaction] It evens out.", "[pay reaction] Look past the base."],
        keep_in_touch=["[keep in touch] Yes, tell me how it went.", "[keep in touch] Do."],
    )
    raw["referrals"][0].update(sectors=["logistics"], came_from="ran a warehouse night shift")
    raw["referrals"][1].update(sectors=["retail", "customer_service"], came_from="support")
    return parse_persona(raw, "marked.yaml")


def meet(
    engine: Engine, *, name: str = "", seed: int = 3, heard: frozenset[str] = frozenset()
) -> Session:
    session, _ = engine.start(
        "marked",
        now=T0,
        seed=seed,
        minutes=6,
        scenario={"tangent": "no", "stay": "no", "referrals": "names"},
    )
    session.heard = heard
    engine.message(
        session, f"Hi, I'm {name}. I'm ready to go in." if name else "Hi, I'm ready to go in.", T0
    )
    assert session.state == "converse"
    return session


def ask(engine: Engine, session: Session, text: str) -> list[str]:
    before = len(session.turns)
    engine.message(session, text, T0 + timedelta(seconds=len(session.turns)))
    return [t.text for t in session.turns[before:] if t.speaker == "contact"]
