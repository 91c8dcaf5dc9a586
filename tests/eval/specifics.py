"""Are a contact's specifics reached by the questions they are written for? Asks each of a
contact's ``specifics[].asks`` in a fresh meeting (as ``rapport chat --script`` does) and
prints what answered it: the specific itself (ok), another specific, a topic, a classic
answer or a deferral.

    python3 -m tests.eval.specifics [--persona ID] [--all] [--questions FILE]

Without ``--all`` it prints only the questions answered by something else. Exit status 1
when any is; ``tests/test_specifics.py`` holds every contact to it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from flows.engine import Engine
from flows.persona import load_personas
from flows.specifics import SPEC
from tests.eval.midmeeting import replies


@dataclass(frozen=True)
class Routed:
    persona: str
    index: int
    ask: str
    ref: str
    """The ``ref`` of the contact's first reply ("spec.3", "typical_day.0", "offer>pay")."""

    @property
    def ok(self) -> bool:
        return self.ref == f"{SPEC}.{self.index}"


def asked(engine: Engine, persona_id: str, text: str) -> str:
    """The ``ref`` of the contact's first reply to ``text`` early in a meeting."""
    said = replies(engine, persona_id, text, opening=("Hello, I'm ready",), seed=1)
    return (said[0].ref or said[0].kind) if said else "(no reply)"


def routes(engine: Engine, persona_id: str | None = None) -> Iterator[Routed]:
    for persona in load_personas().values():
        if persona_id is not None and persona.id != persona_id:
            continue
        for i, spec in enumerate(persona.specifics):
            for ask in spec.asks:
                yield Routed(persona.id, i, ask, asked(engine, persona.id, ask))


def routes_of(engine: Engine, path: Path, persona_id: str | None = None) -> Iterator[Routed]:
    """The questions of a file (``{"persona": ID, "index": N, "text": ...}`` per line:
    phrasings written for detail N by someone who never saw its keys)."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if persona_id is None or row["persona"] == persona_id:
            ref = asked(engine, row["persona"], row["text"])
            yield Routed(row["persona"], int(row["index"]), row["text"], ref)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persona")
    parser.add_argument("--all", action="store_true", help="print the ones that reach it too")
    parser.add_argument(
        "--questions", type=Path, help="a file of other phrasings, instead of the asks"
    )
    args = parser.parse_args(argv)
    engine = Engine()
    missed = 0
    total = 0
    found = (
        routes_of(engine, args.questions, args.persona)
        if args.questions
        else routes(engine, args.persona)
    )
    for r in found:
        total += 1
        missed += not r.ok
        if args.all or not r.ok:
            mark = "ok  " if r.ok else "MISS"
            print(f"{mark} {r.persona} specifics[{r.index}] -> {r.ref:<22} {r.ask}")
    print(f"{total - missed}/{total} questions reach their specific", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
