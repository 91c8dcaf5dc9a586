"""The local user's records: their practice history and scorecards."""

from __future__ import annotations

import json
from typing import TextIO

from bot.render import render_scorecard
from bot.store.practices import PracticeStore
from flows.coaching import Scorecard

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


def write_report(card: Scorecard, as_json: bool, out: TextIO) -> None:
    if as_json:
        json.dump(card.to_dict(), out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        out.write(render_scorecard(card) + "\n")
