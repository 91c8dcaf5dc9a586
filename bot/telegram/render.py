"""Telegram HTML: every piece of user or content text escaped, long text split at 4096."""

from __future__ import annotations

from html import escape

from bot.render import MARKS, STAGE_TITLES
from flows.coaching import Scorecard
from flows.persona import Persona
from flows.session import Turn

MAX_MESSAGE = 4096


def turn_html(turn: Turn, persona: Persona) -> str:
    text = escape(turn.text)
    if turn.speaker == "contact":
        return f"<b>{escape(persona.first_name)}</b>: {text}"
    if turn.speaker == "nudge":
        return f"<b>{text}</b>"
    return f"<i>{text}</i>"


def scorecard_html(card: Scorecard) -> str:
    lines = [f"<b>Scorecard: {card.score}/100</b>"]
    stage = ""
    for item in card.items:
        if item.stage != stage:
            stage = item.stage
            lines += ["", f"<b>{escape(STAGE_TITLES.get(stage, stage))}</b>"]
        lines.append(f"{MARKS[item.status]} {escape(item.label)}")
        lines.append(f"   <i>{escape(item.evidence)}</i>")
        if item.status == "missed":
            lines.append(f"   💡 {escape(item.tip)}")
    return "\n".join(lines)


def split_html(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split at line breaks (or, for a very long line, at spaces) so no part exceeds
    ``limit`` characters. Parts stay valid HTML as long as each line closes the tags it
    opens, as every line the renderers here produce does."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        for piece in _fit(line, limit):
            candidate = f"{current}\n{piece}" if current else piece
            if len(candidate) <= limit:
                current = candidate
            else:
                parts.append(current)
                current = piece
    if current or not parts:
        parts.append(current)
    return parts


def _fit(line: str, limit: int) -> list[str]:
    if len(line) <= limit:
        return [line]
    pieces: list[str] = []
    current = ""
    for word in line.split(" "):
        while len(word) > limit:  # one enormous word: cut it (outside any tag or entity)
            cut = limit
            amp = word.rfind("&", max(0, limit - 10), limit)
            if amp > 0 and ";" not in word[amp:limit]:
                cut = amp  # not inside "&amp;"
            pieces.append(word[:cut])
            word = word[cut:]
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= limit:
            current = candidate
        else:
            pieces.append(current)
            current = word
    pieces.append(current)
    return pieces
