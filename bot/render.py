"""Plain-text rendering of transcripts and scorecards, shared by the terminal adapters."""

from __future__ import annotations

from flows.coaching import Scorecard
from flows.persona import Persona
from flows.session import Turn

MARKS = {"passed": "✓", "missed": "✗", "n/a": "–"}
STAGE_TITLES = {
    "arrive": "Arrive",
    "converse": "Converse",
    "goodbye": "Goodbye",
    "referral": "Referral",
}


def render_turn(turn: Turn, persona: Persona) -> str:
    if turn.speaker == "contact":
        return f"{persona.first_name}: {turn.phrased or turn.text}"
    if turn.speaker == "nudge":
        return f"[nudge] {turn.text}"
    return f"[{turn.text}]" if "\n" not in turn.text else turn.text


def render_scorecard(card: Scorecard) -> str:
    lines = [f"Scorecard: {card.score}/100"]
    stage = ""
    for item in card.items:
        if item.stage != stage:
            stage = item.stage
            lines.append("")
            lines.append(STAGE_TITLES.get(stage, stage).upper())
        lines.append(f"  {MARKS[item.status]} {item.label}")
        lines.append(f"      {item.evidence}")
        if item.status == "missed":
            lines.append(f"      Tip: {item.tip}")
    return "\n".join(lines)
