"""The model voice's prompts, rendered from data (``content/prompts/voice.v1.yaml``).

Pure text in, text out: the adapter sends what these functions return. The system message
depends on the contact alone (built once per contact and reused for every line of every
practice: a stable prefix that model servers can cache); what changes from line to line
(the kind of reply, the user's words, the scripted line) is the user message, last.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from flows.acts import ACTS
from flows.persona import Persona
from flows.phrasing import PhrasingRequest
from flows.topics import TOPICS

PROMPTS = Path(__file__).parent / "content" / "prompts" / "voice.v1.yaml"
MAX_WORDS = 90
"""Words asked for in one reply (the guards allow a little more)."""


@dataclass(frozen=True)
class Prompts:
    version: str
    system: str
    kinds: dict[str, str]
    user: str
    context_line: str
    context_intro: str
    user_name_fact: str
    user_background_fact: str
    nothing_asked: str
    understand_system: str
    understand_user: str


@cache
def prompts(path: Path = PROMPTS) -> Prompts:
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Prompts(
        version=str(raw["version"]),
        system=raw["system"],
        kinds={str(k): str(v) for k, v in raw["kinds"].items()},
        user=raw["user"],
        context_line=raw["context_line"],
        context_intro=raw["context_intro"],
        user_name_fact=raw["user_name_fact"],
        user_background_fact=raw["user_background_fact"],
        nothing_asked=raw["nothing_asked"],
        understand_system=raw["understand"]["system"],
        understand_user=raw["understand"]["user"],
    )


def _quoted(text: str) -> str:
    """A user's or the script's words inside the prompt's quotation marks, on one line."""
    return " ".join(text.replace('"', "'").split())


_SYSTEMS: dict[tuple[str, str, str, Path], str] = {}
"""Each contact's system message, built once (Persona objects are not hashable)."""


def _system(persona: Persona, path: Path) -> str:
    key = (persona.id, persona.name, persona.voice, path)
    if (known := _SYSTEMS.get(key)) is not None:
        return known
    p = prompts(path)
    story = "\n".join(f"- {answer.say}" for answer in persona.answers.ask_start)
    text = p.system.format(
        name=persona.name,
        first_name=persona.first_name,
        role=persona.role,
        organisation=persona.organisation,
        where=f" in {persona.location}" if persona.location else "",
        industry=persona.industry,
        summary=persona.summary,
        voice=" ".join(persona.voice.split()),
        story=story,
        minutes_hint="a short while",
    )
    _SYSTEMS[key] = text
    return text


def system_prompt(persona: Persona, path: Path = PROMPTS) -> str:
    """The contact's system message: who they are and the rules (the same for every line)."""
    return _system(persona, path)


def instruction(request: PhrasingRequest, path: Path = PROMPTS) -> str:
    p = prompts(path)
    template = p.kinds.get(request.kind, p.kinds["default"])
    offer = f" (to talk about {request.offer} instead)" if request.offer else ""
    return template.format(offer_clause=offer, names=", ".join(request.names) or "none")


def user_prompt(persona: Persona, request: PhrasingRequest, path: Path = PROMPTS) -> str:
    """The part that changes from line to line: context, the kind of reply, the user's
    words, the scripted line."""
    p = prompts(path)
    context = ""
    if request.recent:
        lines = [
            p.context_line.format(
                speaker=persona.first_name if speaker == "contact" else "They",
                text=_quoted(text),
            )
            for speaker, text in request.recent
        ]
        context = "\n".join([p.context_intro, *lines]) + "\n"
    facts = ""
    if request.user_name:
        facts += p.user_name_fact.format(user_name=request.user_name)
    if request.user_background:
        facts += p.user_background_fact.format(user_background=request.user_background)
    facts = facts.strip() + "\n" if facts else ""
    asked = _quoted(request.asked) if request.asked else p.nothing_asked
    return p.user.format(
        context=context,
        stage=request.stage,
        kind=request.kind or "reply",
        instruction=instruction(request, path),
        user_facts=facts,
        asked=asked,
        scripted=request.scripted.replace('"', "'"),
        first_name=persona.first_name,
        max_words=MAX_WORDS,
    )


def messages(
    persona: Persona, request: PhrasingRequest, path: Path = PROMPTS
) -> list[dict[str, str]]:
    """The chat messages for one line: the stable system prefix first, the line last."""
    return [
        {"role": "system", "content": system_prompt(persona, path)},
        {"role": "user", "content": user_prompt(persona, request, path)},
    ]


def rules_text(persona: Persona, path: Path = PROMPTS) -> str:
    """The prompt's own words that no reply should repeat (its rules, the voice notes):
    the system message less the contact's facts and story."""
    p = prompts(path)
    rules = p.system.split("{story}", 1)[-1]
    return " ".join([rules, " ".join(persona.voice.split()), *p.kinds.values(), p.user])


# -- understanding ------------------------------------------------------------------------

LABELS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "acts": {"type": "array", "items": {"type": "string", "enum": list(ACTS)}},
        "topics": {"type": "array", "items": {"type": "string", "enum": list(TOPICS)}},
    },
    "required": ["acts", "topics"],
    "additionalProperties": False,
}
"""The JSON schema a labelling reply must follow: labels from the fixed vocabularies only."""


def understand_messages(text: str, path: Path = PROMPTS) -> list[dict[str, str]]:
    p = prompts(path)
    system = p.understand_system.format(acts=", ".join(ACTS), topics=", ".join(TOPICS))
    return [
        {"role": "system", "content": system},
        {"role": "user", "content": p.understand_user.format(text=_quoted(text))},
    ]


def parse_labels(content: str) -> tuple[list[object], list[object]]:
    """The ``acts`` and ``topics`` lists of a labelling reply; ValueError if it is not
    the JSON object the schema asks for."""
    data = json.loads(content)
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    acts, found = data.get("acts", []), data.get("topics", [])
    if not isinstance(acts, list) or not isinstance(found, list):
        raise ValueError("acts and topics must be lists")
    return acts, found
