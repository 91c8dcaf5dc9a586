"""The local user's records: their practice history and scorecards."""

from __future__ import annotations

import json
from typing import TextIO

from bot.render import render_scorecard
from bot.store.practices import PracticeStore
from flows.coaching import Scorecard
from flows.session import Session

LOCAL_USER = "local"


def history_lines(store: PracticeStore, user_id: int) -> list[str]:
    rows = store.practices(user_id)
    if not rows:
        return ["No practices yet. Start one with `rapport chat`."]
    lines = [f"{'ID':>4}  {'started (UTC)':16}  {'contact':10}  {'state':9}  score"]
    for row in rows:
        score = "" if row.score is None else f"{row.score:>3}/100"
        lines.append(
            f"{row.id:>4}  {row.started_at:%Y-%m-%d %H:%M}  {row.persona_id:10}  "
            f"{row.state:9}  {score}"
        )
    return lines


def latest_scored(store: PracticeStore, user_id: int) -> int | None:
    finished = [row.id for row in store.practices(user_id) if row.state in ("done", "abandoned")]
    return finished[-1] if finished else None


def phrased_lines(session: Session) -> list[dict[str, object]]:
    """The contact lines a model voice phrased: what the flow chose, what was shown."""
    return [
        {"line": seq, "kind": t.kind, "text": t.text, "phrased": t.phrased}
        for seq, t in enumerate(session.turns)
        if t.phrased
    ]


def write_report(
    card: Scorecard, as_json: bool, out: TextIO, session: Session | None = None
) -> None:
    if as_json:
        data = card.to_dict()
        if session is not None:
            data["phrased"] = phrased_lines(session)
        json.dump(data, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        out.write(render_scorecard(card) + "\n")
