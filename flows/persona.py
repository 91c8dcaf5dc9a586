"""Contacts (personas) as data: the YAML schema, loading and validation.

Each file in ``flows/personas/*.yaml`` describes one professional the user can
practise with. Content authors edit those files; this module turns them into
typed :class:`Persona` objects and reports every problem with file and field.
See ``flows/personas/README.md`` for the authoring guide.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

PERSONA_DIR = Path(__file__).parent / "personas"

Lines = Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=2)]
"""At least two variants, so that repeated practice does not feel canned."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Referral(_Strict):
    name: str = Field(min_length=1)
    role: str = Field(min_length=1)
    why: str = Field(min_length=1)


class ReferralOdds(_Strict):
    names: float = Field(ge=0, le=1)
    undecided: float = Field(ge=0, le=1)

    @model_validator(mode="after")
    def _sums_to_one(self) -> ReferralOdds:
        if abs(self.names + self.undecided - 1.0) > 1e-6:
            raise ValueError("names + undecided must add up to 1")
        return self


class Traits(_Strict):
    """Probabilities of each scenario trait, drawn once per practice from its seed."""

    tangent: float = Field(ge=0, le=1)
    stay: float = Field(ge=0, le=1)
    referrals: ReferralOdds


class Answers(_Strict):
    """Answer variants for the five classic questions and for other questions."""

    ask_start: Lines
    ask_likes: Lines
    ask_qualifications: Lines
    ask_fit: Lines
    ask_resume: Lines
    ask_other: Lines


class Tangent(_Strict):
    drift: str = Field(min_length=1)
    follow_up: str = Field(min_length=1)


class Persona(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    name: str = Field(min_length=1)
    role: str = Field(min_length=1)
    organisation: str = Field(min_length=1)
    industry: str = Field(min_length=1)
    voice: str = Field(min_length=1)
    scene: str = Field(min_length=1)
    traits: Traits
    stay_minutes: float = Field(gt=0, le=60)
    greeting: Lines
    greeting_with_questions: Lines
    answers: Answers
    follow_ups: Lines
    tangents: Annotated[list[Tangent], Field(min_length=2)]
    fallbacks: Lines
    small_talk: Lines
    share_thanks: Lines
    job_deflection: Lines
    wrap_up: Lines
    stay_invitation: Lines
    stay_accepted: Lines
    stay_declined: Lines
    feedback_intro: Lines
    strengths_intro: Lines
    referral_intro: Lines
    referrals: Annotated[list[Referral], Field(min_length=2, max_length=3)]
    undecided: Lines
    check_back_ok: Lines
    check_back_reply: Lines
    golden_rule_ack: Lines
    farewell: Lines

    @field_validator("greeting_with_questions")
    @classmethod
    def _mentions_questions(cls, lines: list[str]) -> list[str]:
        for line in lines:
            if "{question}" not in line:
                raise ValueError("each variant must contain {question} (a prepared question)")
        return lines

    @property
    def first_name(self) -> str:
        return self.name.split()[0]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a persona file, located by file and dotted field path."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}"


class PersonaError(Exception):
    """Raised when a persona file is invalid; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def _field_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(top level)"


def parse_persona(raw: Any, file: str) -> Persona:
    """Validate one persona document; raise :class:`PersonaError` listing every problem."""
    if not isinstance(raw, dict):
        raise PersonaError([Problem(file, "(top level)", "expected a mapping of fields")])
    try:
        persona = Persona.model_validate(raw)
    except ValidationError as exc:
        raise PersonaError(
            [Problem(file, _field_path(err["loc"]), err["msg"]) for err in exc.errors()]
        ) from None
    expected = Path(file).stem
    if persona.id != expected:
        raise PersonaError([Problem(file, "id", f"must match the file name ({expected!r})")])
    return persona


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's loader when it is installed: several times faster than the pure-Python one."""


def _read(path: Path) -> Persona:
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "(file)"
        raise PersonaError([Problem(path.name, where, f"not valid YAML: {exc}")]) from None
    return parse_persona(raw, path.name)


def persona_files(directory: Path = PERSONA_DIR) -> list[Path]:
    return sorted(directory.glob("*.yaml"))


def _load_all(directory: Path) -> tuple[dict[str, Persona], list[Problem]]:
    personas: dict[str, Persona] = {}
    problems: list[Problem] = []
    files = persona_files(directory)
    if not files:
        problems.append(Problem(str(directory), "(directory)", "no persona files (*.yaml) found"))
    for path in files:
        try:
            persona = _read(path)
        except PersonaError as exc:
            problems.extend(exc.problems)
        else:
            personas[persona.id] = persona
    return personas, problems


def check_personas(directory: Path = PERSONA_DIR) -> Iterator[Problem]:
    """Yield every problem in every persona file of ``directory``."""
    yield from _load_all(directory)[1]


@cache
def load_personas(directory: Path = PERSONA_DIR) -> dict[str, Persona]:
    """All personas by id, in file-name order. Raises :class:`PersonaError` if any is invalid."""
    personas, problems = _load_all(directory)
    if problems:
        raise PersonaError(problems)
    return personas
