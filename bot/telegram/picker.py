"""Choosing whom to meet in Telegram: ``/practice`` with an id, a field or nothing.

With few contacts the menu lists everyone; with more than ``FLAT_LIMIT`` it shows the fields
first and then the people in the chosen field, so no keyboard outgrows a phone screen. What to
show is returned as plain data (text and rows of ``(label, callback data)``); the chat
service turns it into a reply.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

from flows.finder import fields, find_contacts
from flows.persona import Persona

FLAT_LIMIT = 8
"""Up to this many contacts are listed on one page; no keyboard has more rows than this."""
_FIELDS_PER_PAGE = 2 * (FLAT_LIMIT - 1)
"""Fields go two to a row, leaving one row for "More fields »" / "« Back"."""
_PAGE = "~"
"""Marks a page of fields in ``field:`` callback data (``field_key`` never makes it)."""
_KEY = re.compile(r"[^a-z0-9]+")

Choice = tuple[str, str]


@dataclass(frozen=True)
class Menu:
    html: str
    rows: list[list[Choice]] = field(default_factory=list)


@dataclass(frozen=True)
class PracticeRequest:
    """What ``/practice ARGS`` asks for: a contact (and length), a menu, or an error."""

    persona_id: str | None = None
    minutes: float | None = None
    menu: Menu | None = None
    error: str = ""


def field_key(name: str) -> str:
    """A short, stable key for a field in callback data (64 bytes at most in all)."""
    return _KEY.sub("-", name.lower()).strip("-")[:40]


def _field_of(persona: Persona) -> str:
    return persona.field or persona.industry


def _person(persona: Persona) -> list[Choice]:
    return [(f"{persona.name} · {persona.role}", f"pick:{persona.id}")]


def contact_menu(personas: Sequence[Persona], page: int = 0) -> Menu:
    """Everyone, while they fit; otherwise a page of fields, two to a row."""
    if len(personas) <= FLAT_LIMIT:
        rows = [[(f"{p.name} · {p.role} ({_field_of(p)})", f"pick:{p.id}")] for p in personas]
        return Menu("<b>Who would you like to meet?</b>", rows)
    names = fields(personas)
    pages = max(1, -(-len(names) // _FIELDS_PER_PAGE))
    page = min(max(page, 0), pages - 1)
    shown = names[page * _FIELDS_PER_PAGE : (page + 1) * _FIELDS_PER_PAGE]
    buttons = [(name.capitalize(), f"field:{field_key(name)}") for name in shown]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    nav = []
    if page > 0:
        nav.append(("« Back", f"field:{_PAGE}{page - 1}"))
    if page + 1 < pages:
        nav.append(("More fields »", f"field:{_PAGE}{page + 1}"))
    if nav:
        rows.append(nav)
    return Menu(
        "<b>Which field would you like to hear about?</b>\n"
        "(Or type /practice and a field, e.g. <code>/practice data</code>.)",
        rows,
    )


def field_menu(personas: Sequence[Persona], key: str) -> Menu | None:
    """The people in the field ``key`` (or a page of fields, ``~N``); None if no field has
    that key any more."""
    if key.startswith(_PAGE):
        number = key[len(_PAGE) :]
        return contact_menu(personas, int(number)) if number.isdigit() else None
    people = [p for p in personas if field_key(_field_of(p)) == key]
    if not people:
        return None
    rows = [_person(p) for p in people]
    rows.append([("« All fields", "field:")])
    return Menu(
        f"<b>{escape(_field_of(people[0]).capitalize())}</b>: who would you like to meet?", rows
    )


def parse_practice(
    personas: Sequence[Persona], args: Sequence[str], max_minutes: float
) -> PracticeRequest:
    """``/practice``, ``/practice dana``, ``/practice ux design 30``, ``/practice nurse``."""
    words = list(args)
    if not words:
        return PracticeRequest()
    minutes: float | None = None
    last = words[-1].replace(",", ".")
    if len(words) > 1 and re.fullmatch(r"\d+(?:\.\d+)?", last):
        minutes = float(last)
        words.pop()
        if not 0 < minutes <= max_minutes:
            return PracticeRequest(error=f"Pick a length between 0 and {max_minutes:g} minutes.")
    query = " ".join(words)
    found = find_contacts(personas, query)
    if not found:
        known = ", ".join(fields(personas))
        return PracticeRequest(
            error=f"I have nobody in “{escape(query)}” yet. The fields I have: {escape(known)}."
        )
    if len(found) == 1:
        return PracticeRequest(found[0].id, minutes)
    rows = [_person(p) for p in found[:FLAT_LIMIT]]
    return PracticeRequest(
        minutes=minutes,
        menu=Menu(f"Several people fit “{escape(query)}”. Who would you like to meet?", rows),
    )
