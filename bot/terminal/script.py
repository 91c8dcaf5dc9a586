"""Script mode: replay a rehearsal file on a virtual clock and report it as JSON.

A script has one user message per line; ``@wait 90s`` / ``@wait 5m`` / ``@wait 2h`` /
``@wait 2d`` advances the clock (nudges falling due are delivered in order); ``#`` lines
are comments; blank lines are skipped; ``/commands`` work as in the chat.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.terminal.practice import LocalPractice
from flows.asking import question_topics
from flows.effects import Effect

SCRIPT_EPOCH = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
"""The virtual clock's start: a Monday morning. Only offsets from it are reported."""

_WAIT = re.compile(r"^@wait\s+(\d+(?:\.\d+)?)\s*([smhd])$", re.IGNORECASE)
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


class ScriptError(ValueError):
    """A malformed script line, with its line number."""


@dataclass(frozen=True)
class Wait:
    delta: timedelta


@dataclass(frozen=True)
class Command:
    name: str
    argument: str


@dataclass(frozen=True)
class Say:
    text: str


Step = Wait | Command | Say


def parse_command(text: str) -> Command:
    name, _, argument = text[1:].partition(" ")
    return Command(name.strip().lower(), argument.strip())


def parse_script(lines: Iterable[str]) -> list[Step]:
    steps: list[Step] = []
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@"):
            match = _WAIT.match(line)
            if not match:
                raise ScriptError(
                    f"line {number}: {line!r} is not a valid directive; "
                    "use @wait N followed by s, m, h or d (e.g. @wait 90s, @wait 2d)"
                )
            amount, unit = float(match.group(1)), match.group(2).lower()
            steps.append(Wait(timedelta(**{_UNITS[unit]: amount})))
        elif line.startswith("/") and len(line) > 1 and not line[1].isspace():
            steps.append(parse_command(line))
        else:
            steps.append(Say(line))
    return steps


def run_script(practice: LocalPractice, steps: Iterable[Step], start: datetime) -> list[Effect]:
    """Play the steps; a meeting not done at the end is ended as abandoned."""
    now = start
    effects: list[Effect] = []
    for step in steps:
        if isinstance(step, Wait):
            now += step.delta
            effects += practice.deliver_due(now, at_due_time=True)
        elif isinstance(step, Command):
            effects += practice.command(step.name, step.argument, now)
        else:
            effects += practice.message(step.text, now)
    if not practice.session.finished:
        effects += practice.command("end", "", now)
    return effects


def report(practice: LocalPractice) -> dict[str, Any]:
    """The JSON report of a finished script run."""
    session = practice.session
    persona = practice.persona

    def seconds(at: datetime) -> float:
        value = (at - session.started_at).total_seconds()
        return int(value) if value == int(value) else value

    transcript = []
    for turn in session.turns:
        line: dict[str, Any] = {
            "at": seconds(turn.at),
            "speaker": turn.speaker,
            "stage": turn.stage,
            "text": turn.text,
            "acts": list(turn.acts),
            "kind": turn.kind or None,
        }
        if turn.speaker == "user":
            line["topics"] = list(question_topics(turn.text, set(turn.acts)))
        if turn.ref:
            line["ref"] = turn.ref
        if turn.phrased:  # what the model voice said instead of ``text``
            line["phrased"] = turn.phrased
        transcript.append(line)
    return {
        "persona": {"id": persona.id, "name": persona.name, "role": persona.role},
        "state": session.state,
        "minutes": session.meeting_minutes,
        "scenario": session.scenario.to_dict(),
        "seed": session.seed,
        "transcript": transcript,
        "nudges": [
            {"kind": t.kind, "at": seconds(t.at), "text": t.text} for t in practice.delivered_nudges
        ],
        "scorecard": practice.final_scorecard().to_dict(),
    }
