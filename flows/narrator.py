"""The narrator's and nudges' lines, as content in ``flows/content/narrator.yaml``."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from flows import yamltext

NARRATOR_FILE = Path(__file__).parent / "content" / "narrator.yaml"


@cache
def _lines() -> dict[str, Any]:
    data: dict[str, Any] = yamltext.load(NARRATOR_FILE.read_text(encoding="utf-8"))
    return data


def line(key: str, **fields: object) -> str:
    text: str = _lines()[key]
    return text.format(**fields)


def checklist_item(act: str) -> str:
    items: dict[str, str] = _lines()["items"]
    return items[act]
