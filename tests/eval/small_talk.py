"""Is small talk about the contact's own life answered from it? Asks every contact every
line of a small-talk set (``tests/data/small_talk/``) in the middle of a meeting and counts,
per label, how often the reply was the contact's own line of that kind (``personal:`` in the
persona: where_from, family, pastime; for a pastime the contact does not have, their
``pastime_not_mine`` line); for a near miss (``other``), how often it was not one.

    python3 -m tests.eval.small_talk [FILE ...]

Each line is ``{"text": ..., "label": KIND or "other", "style": ...}``; the files that
follow up a line already said (``followups_*``) are scored by ``tests.eval.followups``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from flows.engine import Engine
from tests.eval.labelled import OTHER, Score, print_scores, score_by
from tests.eval.midmeeting import replies

__all__ = ["DATA", "OTHER", "Score", "answered_by", "score"]

DATA = Path(__file__).resolve().parents[1] / "data" / "small_talk"


def answered_by(engine: Engine, persona_id: str, text: str) -> str | None:
    """The kind of the contact's own-life line that answered ``text`` first, if one did."""
    said = replies(engine, persona_id, text)
    ref = (said[0].ref or "") if said else ""
    if not ref.startswith("personal."):
        return None
    return ref.removeprefix("personal.").removesuffix("+").removesuffix("_not_mine")


def score(path: Path, engine: Engine | None = None) -> Score:
    """A set that labels only some kinds (``train_3``: pastimes and near misses) judges only
    those: a reply of another kind ("where are you from?", labelled ``other`` there, heard
    where the contact grew up) counts as none of them."""
    labels = {json.loads(line)["label"] for line in path.read_text("utf-8").splitlines() if line}
    kinds = labels - {OTHER}

    def judged(engine: Engine, persona_id: str, text: str) -> str | None:
        got = answered_by(engine, persona_id, text)
        return got if got in kinds else None

    return score_by(path, engine or Engine(), judged)


def main(argv: list[str] | None = None) -> int:
    paths = [Path(a) for a in (argv if argv is not None else sys.argv[1:])]
    print_scores(paths or sorted(DATA.glob("[!f]*.jsonl")), score)
    return 0


if __name__ == "__main__":
    sys.exit(main())
