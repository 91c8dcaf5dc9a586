"""Draw a practice's scenario traits from the persona's odds and the session seed."""

from __future__ import annotations

import random
from collections.abc import Mapping

from flows.persona import Persona
from flows.session import ReferralTrait, Scenario

TRAITS = ("tangent", "stay", "referrals")
TRAIT_VALUES: Mapping[str, tuple[str, ...]] = {
    "tangent": ("yes", "no"),
    "stay": ("yes", "no"),
    "referrals": ("names", "undecided"),
}


class ScenarioError(ValueError):
    """A scenario override that names an unknown trait or value."""


def parse_override(text: str) -> tuple[str, str]:
    """``"tangent=yes"`` -> ``("tangent", "yes")``, with a clear error for anything else."""
    name, sep, value = text.partition("=")
    name, value = name.strip().lower(), value.strip().lower()
    if not sep or name not in TRAIT_VALUES:
        raise ScenarioError(
            f"bad scenario {text!r}: use tangent=yes|no, stay=yes|no or referrals=names|undecided"
        )
    if value not in TRAIT_VALUES[name]:
        allowed = "|".join(TRAIT_VALUES[name])
        raise ScenarioError(f"bad scenario {text!r}: {name} must be one of {allowed}")
    return name, value


def draw_scenario(
    persona: Persona, seed: int, overrides: Mapping[str, str] | None = None
) -> Scenario:
    """Unset traits are drawn with the seed, so the same seed gives the same scenario."""
    given = dict(overrides or {})
    for name, value in given.items():
        parse_override(f"{name}={value}")
    rng = random.Random(f"scenario:{persona.id}:{seed}")
    drawn = {
        "tangent": rng.random() < persona.traits.tangent,
        "stay": rng.random() < persona.traits.stay,
        "referrals": "names" if rng.random() < persona.traits.referrals.names else "undecided",
    }
    tangent = given["tangent"] == "yes" if "tangent" in given else bool(drawn["tangent"])
    stay = given["stay"] == "yes" if "stay" in given else bool(drawn["stay"])
    referrals: ReferralTrait = "names" if drawn["referrals"] == "names" else "undecided"
    if "referrals" in given:
        referrals = "names" if given["referrals"] == "names" else "undecided"
    return Scenario(tangent=tangent, stay=stay, referrals=referrals)
