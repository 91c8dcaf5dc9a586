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
from typing import Any

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


def phrasings(path: Path) -> Iterator[dict[str, Any]]:
    """The rows of a phrasings file (``{"persona": ID, "index": N, "detail": WORDS, "text":
    ...}`` per line: a phrasing written for detail N by someone who never saw its keys;
    ``detail`` is how that detail's answer begins). Raises ``StaleIndex`` when detail N no
    longer begins so: the details were reordered or rewritten since the file was made."""
    personas = load_personas()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        listed = personas[row["persona"]].specifics
        i = int(row["index"])
        if i >= len(listed) or not " ".join(listed[i].say.split()).startswith(row["detail"]):
            raise StaleIndex(
                f"{path.name}:{n}: {row['persona']} specifics[{i}] no longer begins "
                f"{row['detail']!r}"
            )
        yield row


class StaleIndex(ValueError):
    """A phrasings file names a detail by a position that now holds another detail."""


def routes_of(engine: Engine, path: Path, persona_id: str | None = None) -> Iterator[Routed]:
    """The phrasings of a file (``phrasings``), each asked early in a meeting."""
    for row in phrasings(path):
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
