"""Does a question about the contact's own working life reach their detail on it? Asks every
contact every question of a subjects set (``tests/data/subjects/``) in the middle of a
meeting and counts, per label, how often the reply came from the contact's detail on that
subject (``subject:`` in the persona's specifics); for a near miss (``other``), how often
no subject's detail answered it.

    python3 -m tests.eval.subjects [FILE ...]

Each line is ``{"text": ..., "label": SUBJECT or "other", "style": ...}``. Without FILE it
scores every file of ``tests/data/subjects/``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from flows.engine import Engine
from flows.specifics import SPEC
from tests.eval.labelled import OTHER, Score, print_scores, score_by
from tests.eval.midmeeting import reply

__all__ = ["DATA", "OTHER", "Score", "answered_by", "score"]

DATA = Path(__file__).resolve().parents[1] / "data" / "subjects"


def answered_by(engine: Engine, persona_id: str, text: str) -> str | None:
    """The subject of the detail that answered ``text`` first, if a subject's detail did."""
    first = reply(engine, persona_id, text)["ref"].split(",")[0]
    if not first.startswith(f"{SPEC}."):
        return None
    index = int(first.split(".")[1].rstrip("+"))
    return engine.personas[persona_id].specifics[index].subject or None


def score(path: Path, engine: Engine | None = None) -> Score:
    return score_by(path, engine or Engine(), answered_by)


def main(argv: list[str] | None = None) -> int:
    paths = [Path(a) for a in (argv if argv is not None else sys.argv[1:])]
    print_scores(paths or sorted(DATA.glob("*.jsonl")), score)
    return 0


if __name__ == "__main__":
    sys.exit(main())
