"""Practices played through the engine with phrasing requests on, for the voice tests."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from bot.terminal.practice import LocalPractice
from bot.terminal.script import SCRIPT_EPOCH, parse_script, run_script
from flows.effects import Show
from flows.engine import Engine
from flows.phrasing import PhrasingRequest

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"
EVERY_KIND = ("any_field.txt", "check_back.txt", "job_ask.txt", "stay_declined.txt")


@cache
def phrasing_engine() -> Engine:
    return Engine(phrasing=True)


def contact_lines(
    persona_id: str, script: str = "any_field.txt", referrals: str = "names"
) -> list[tuple[str, PhrasingRequest]]:
    """Every contact line of a practice with ``persona_id`` playing ``script``, with the
    request the flow attached to it."""
    engine = phrasing_engine()
    scenario = {"tangent": "yes", "stay": "yes", "referrals": referrals}
    session, _ = engine.start(persona_id, now=SCRIPT_EPOCH, seed=5, minutes=20, scenario=scenario)
    practice = LocalPractice(engine, session)
    lines = (SCRIPTS / script).read_text(encoding="utf-8").splitlines()
    effects = run_script(practice, parse_script(lines), SCRIPT_EPOCH)
    return [
        (e.turn.text, e.phrasing) for e in effects if isinstance(e, Show) and e.phrasing is not None
    ]
