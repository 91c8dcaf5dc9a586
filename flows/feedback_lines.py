"""The feedback's lines (``content/feedback.yaml``), and each contact's own words for them
(``feedback_lines`` in a persona). Kept apart from ``feedback.py`` so that checking the
personas reads the keys without loading the understanding."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from flows import yamltext

if TYPE_CHECKING:
    from flows.persona import Persona

FEEDBACK_FILE = Path(__file__).parent / "content" / "feedback.yaml"


@cache
def _lines() -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = yamltext.load(FEEDBACK_FILE.read_text(encoding="utf-8"))
    return data


def feedback_keys() -> dict[str, str]:
    """Each feedback line's key and its side (``strength`` or ``weakness``)."""
    return {key: next(iter(sides)) for key, sides in _lines().items()}


def line(persona: Persona | None, key: str) -> str:
    """The line for ``key``, in the contact's own words where they have them."""
    if persona is not None and key in persona.feedback_lines:
        return persona.feedback_lines[key]
    return next(iter(_lines()[key].values()))
