"""The prompts are data (versioned YAML) and render for every contact and every kind of
reply at every stage: no placeholder left, the contact's facts in the stable prefix, and
only the line's own part changing from line to line."""

from __future__ import annotations

import json
import re

import pytest

from flows.acts import ACTS
from flows.engine import Engine
from flows.persona import load_personas
from flows.phrasing import PhrasingRequest
from flows.prompts import (
    LABELS_SCHEMA,
    PROMPTS,
    messages,
    parse_labels,
    prompts,
    system_prompt,
    understand_messages,
)
from flows.topics import TOPICS
from tests.voice.practices import EVERY_KIND, contact_lines

CONTACTS = sorted(load_personas())
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def test_the_prompts_file_is_versioned_and_names_its_version() -> None:
    assert PROMPTS.name == "voice.v1.yaml"
    assert prompts().version == "voice.v1"


@pytest.mark.parametrize("persona", CONTACTS)
def test_prompts_render_for_every_line_of_every_stage(persona: str) -> None:
    contact = Engine().persona(persona)
    systems, stages, kinds = set(), set(), set()
    for script in EVERY_KIND:
        for referrals in ("names", "undecided"):
            for text, request in contact_lines(persona, script, referrals):
                system, user = (m["content"] for m in messages(contact, request))
                systems.add(system)
                stages.add(request.stage)
                kinds.add(request.kind)
                assert not _PLACEHOLDER.search(system + user), (request.kind, user)
                assert text.replace('"', "'") in user  # the scripted line, quoted
                if request.asked:
                    assert " ".join(request.asked.replace('"', "'").split()) in user
                assert user.rstrip().endswith(
                    f"reply as {contact.first_name}, in at most 90 words."
                )
    assert systems == {system_prompt(contact)}, "the prefix changed within a practice"
    assert contact.name in next(iter(systems)) and contact.organisation in next(iter(systems))
    assert {"converse", "goodbye", "referral", "done"} <= stages
    assert len(kinds) >= 12


def test_every_kind_in_the_prompts_file_renders() -> None:
    contact = Engine().persona("priya")
    for kind in prompts().kinds:
        request = PhrasingRequest(
            "priya", kind, "converse", "A line.", asked="A question?", names=("A B",), offer="pay"
        )
        user = messages(contact, request)[1]["content"]
        assert not _PLACEHOLDER.search(user), kind


def test_the_labelling_prompt_lists_the_vocabularies_and_its_schema_allows_nothing_else() -> None:
    system, user = (m["content"] for m in understand_messages('so "what" now'))
    assert all(act in system for act in ACTS) and all(topic in system for topic in TOPICS)
    assert user == "Message: \"so 'what' now\""
    assert LABELS_SCHEMA["properties"]["acts"]["items"]["enum"] == list(ACTS)
    assert LABELS_SCHEMA["properties"]["topics"]["items"]["enum"] == list(TOPICS)
    assert parse_labels(json.dumps({"acts": ["greet"], "topics": []})) == (["greet"], [])
    for bad in ("[1, 2]", '{"acts": "greet", "topics": []}', "not json"):
        with pytest.raises(ValueError):
            parse_labels(bad)
