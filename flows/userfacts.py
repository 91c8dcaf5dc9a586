"""What the user has told the contact about themselves over the meeting: name, work, how
long, and aim, read message by message (``flows/self_description.py``), so the contact can
greet them by name, speak to their background in the fit and résumé answers and the
feedback, and suggest people who made the same move. Nothing is stored beyond the
transcript: the facts are derived from it. A later message that puts the user's work right
replaces what was kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from flows.self_description import (
    Background,
    corrects,
    read_message,
    roles_in,
    says_abroad,
    sector_of,
)
from flows.session import Session, Turn


@dataclass(frozen=True)
class UserFacts:
    name: str = ""
    background: Background | None = None
    background_turn: Turn | None = None
    """The user's message that said it (quoted in the feedback)."""
    target: str = ""


def user_facts(session: Session) -> UserFacts:
    said = [t for t in session.turns if t.speaker == "user" and t.kind in ("", "opening")]
    return facts_from(said, field_sector=_field_sector(session.persona_id))


def facts_from(turns: Iterable[Turn], *, field_sector: str = "") -> UserFacts:
    """What the user said of themselves. Of several roles, one in the contact's own sector
    (``field_sector``) is the one that matters to them: "I was a registered nurse in Manila
    for 3 years, then 6 years as a retail supervisor here" is a nurse, to a nurse manager."""
    said = list(turns)
    name, background, background_turn, target = "", None, None, ""
    corrected = False
    for turn in said:
        n, b, t = read_message(turn.text)
        name = name or n
        target = target or t
        if b is None:
            continue
        if background is None or (b.years and not background.years):
            background, background_turn = b, turn
        elif corrects(turn.text) and (right := _put_right(turn.text, background, b)):
            background, background_turn, corrected = right, turn, True
    if corrected:
        return UserFacts(name, background, background_turn, target)
    if field_sector and background is not None and background.sector != field_sector:
        for turn in said:
            own = next((b for b in roles_in(turn.text) if b.sector == field_sector), None)
            if own is not None:
                background, background_turn = own, turn
                break
    return UserFacts(name, background, background_turn, target)


def _put_right(text: str, kept: Background, read: Background) -> Background | None:
    """The work a correction states in place of ``kept``: of the roles it says clause by
    clause, the first title that is not the one it denies ("no no, store manager, not brand
    director. I run one shop" is a store manager), else the first field, else the one the
    message reads as. A shorter name for the same work ("not a broker, just an agent", after
    "real estate agent") changes nothing."""

    def new(b: Background) -> bool:
        return b.role != kept.role and not kept.role.lower().endswith(f" {b.role.lower()}")

    said = [b for b in roles_in(text) if new(b)]
    if said:
        return next((b for b in said if not b.is_field), said[0])
    return read if new(read) else None


def corrected_by(turn: Turn, session: Session) -> Background | None:
    """The user's work as ``turn`` puts it right, when it replaces a different one they
    had said before ("Sorry, I should say: a teaching assistant, not a teacher")."""
    said = [t for t in session.turns if t.speaker == "user" and t.kind in ("", "opening")]
    if turn not in said or not corrects(turn.text):
        return None
    earlier = facts_from(said[: said.index(turn)], field_sector=_field_sector(session.persona_id))
    now = facts_from(said[: said.index(turn) + 1], field_sector=_field_sector(session.persona_id))
    if earlier.background is None or now.background_turn is not turn:
        return None
    return now.background


def stated_background(turn: Turn, persona_id: str) -> Background | None:
    """The background one message states, as ``user_facts`` would keep it."""
    return facts_from([turn], field_sector=_field_sector(persona_id)).background


@cache
def _field_sector(persona_id: str) -> str:
    """The sector of the contact's own field ("healthcare" for the nurse manager), if the
    sector words name it."""
    from flows.persona import load_personas

    persona = load_personas().get(persona_id)
    return (sector_of(persona.field) or sector_of(persona.role)) if persona is not None else ""


def trained_abroad_in(field: str, you: UserFacts) -> bool:
    """The user's background is the contact's own ``field`` (a nurse, to the nurse
    manager), gained in another country ("I am nurse from Philippines, 8 years in surgical
    ward"): how it fits is first how it gets recognised here."""
    work, said = you.background, you.background_turn
    if work is None or work.is_field or said is None:
        return False
    own = [w for w in re.findall(r"[a-z]+", field.lower()) if len(w) > 3]
    theirs = [w for w in re.findall(r"[a-z]+", work.role.lower()) if len(w) > 3]
    same = any(a[:4] == b[:4] for a in own for b in theirs)
    return same and says_abroad(said.text)
