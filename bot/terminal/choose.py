"""Choosing a contact in the terminal: by id, by field ("data", "nurse", "ux design") or
from the list, grouped by field."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from flows.finder import fields, find_contacts
from flows.persona import Persona


class NoContact(LookupError):
    """Nobody matches, or several do and nobody is there to choose."""


def describe(persona: Persona) -> str:
    return f"{persona.name}, {persona.role} ({persona.field or persona.industry})"


def resolve(personas: Sequence[Persona], query: str) -> list[Persona]:
    """The contacts ``query`` (an id or a field) names; raises NoContact when none does."""
    found = find_contacts(personas, query)
    if not found:
        raise NoContact(
            f"unknown contact {query!r}: no contact has that id or works in that field. "
            f"The fields are: {', '.join(fields(personas))} (`rapport personas list` shows "
            "everyone)"
        )
    return found


def one(personas: Sequence[Persona], query: str) -> Persona:
    """Exactly the contact ``query`` names, for a run with nobody to ask."""
    found = resolve(personas, query)
    if len(found) > 1:
        choices = "; ".join(f"{p.id} ({describe(p)})" for p in found)
        raise NoContact(f"{query!r} fits several contacts: {choices}. Give one id.")
    return found[0]


def grouped(personas: Sequence[Persona]) -> list[tuple[str, list[Persona]]]:
    by_field: dict[str, list[Persona]] = {}
    for persona in personas:
        by_field.setdefault(persona.field or persona.industry, []).append(persona)
    return list(by_field.items())


def choose(
    personas: Sequence[Persona],
    write: Callable[[str], None],
    read: Callable[[str], str],
    heading: str = "Who would you like to meet?",
) -> Persona | None:
    """Ask which contact: a number, an id or a field; None at end of input."""
    numbered: list[Persona] = []
    write(heading)
    for field, people in grouped(personas):
        write(f"  {field}:")
        for persona in people:
            numbered.append(persona)
            write(f"    {len(numbered)}. {persona.name}, {persona.role}  [{persona.id}]")
    while True:
        try:
            answer = read("Pick a number, an id or a field: ").strip()
        except EOFError:
            return None
        if answer.isdigit() and 1 <= int(answer) <= len(numbered):
            return numbered[int(answer) - 1]
        found = find_contacts(numbered, answer) if answer else []
        if len(found) == 1:
            return found[0]
        if found:
            return choose(found, write, read, heading=f"Several contacts fit {answer!r}:")
        write(f"Please type a number from 1 to {len(numbered)}, an id, or a field.")
