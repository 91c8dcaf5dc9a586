"""Ask questions in the middle of a meeting, for a blind comparison of two builds: each
question is asked of its contact after the opening and two broad questions (how they
started, a typical day), in a fresh meeting, as ``rapport chat --script`` would. Prints one
JSON line per question: the input row plus ``reply`` (the contact's whole reply) and
``ref`` (what answered it: ``spec.3``, ``pay.0``, ``offer>balance``...).

    python3 -m tests.eval.midmeeting tests/data/specifics/blind_v.jsonl > replies.jsonl

Each input line is ``{"persona": ID, "text": QUESTION, ...}``. Run it in two checkouts and
give both replies to judges who don't know which build is which
(``tests/data/README.md``, "Details of the contact's own work").
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.terminal.practice import LocalPractice
from bot.terminal.script import SCRIPT_EPOCH, Say, run_script
from flows.engine import Engine
from flows.session import Turn

OPENING = (
    "Hello, I'm ready",
    "Thanks for seeing me. How did you get started?",
    "What's a typical day like?",
)
_SCENARIO = {"tangent": "no", "stay": "no", "referrals": "names"}


def replies(
    engine: Engine, persona_id: str, text: str, *, opening: Sequence[str] = OPENING, seed: int = 7
) -> list[Turn]:
    """The contact's lines after ``text``, asked after ``opening`` in a fresh meeting."""
    session, _ = engine.start(
        persona_id, now=SCRIPT_EPOCH, seed=seed, minutes=30, scenario=_SCENARIO
    )
    lines = [Say(t) for t in (*opening, text)]
    run_script(LocalPractice(engine, session), lines, SCRIPT_EPOCH)
    turns = session.turns
    at = max(i for i, t in enumerate(turns) if t.speaker == "user" and t.text == text)
    return [t for t in turns[at + 1 :] if t.speaker == "contact"]


def reply(engine: Engine, persona_id: str, text: str) -> dict[str, str]:
    said = replies(engine, persona_id, text)
    return {
        "reply": " ".join(t.text for t in said),
        "ref": ",".join(t.ref or t.kind for t in said),
    }


def main(argv: list[str] | None = None) -> int:
    paths = [Path(a) for a in (argv if argv is not None else sys.argv[1:])]
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    engine = Engine()
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                print(json.dumps({**row, **reply(engine, row["persona"], row["text"])}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
