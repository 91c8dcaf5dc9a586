"""Nudges a block cancelled, armed again when the user comes back.

Blocking the bot cancels the user's nudges (nothing can reach them). When they write again
(they unblocked it), each nudge the block cancelled that is still to come, or not long
past its mark, is scheduled again: a practice still running gets its wrap-up nudge, a
finished one its check-back. The flow drops a nudge whose moment has passed (a wrap-up
after the user moved on) when it comes due, as for any nudge.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Table, insert, select, update

from bot.store.models import NudgeRow

BLOCKED = "the user blocked the bot"
"""The outcome of a nudge cancelled because the user blocked the bot."""
REARMED = BLOCKED + "; armed again when they came back"
GRACE = timedelta(minutes=5)
"""A nudge more than this past its mark when the user comes back is left cancelled."""

NUDGES: Table = NudgeRow.__table__  # type: ignore[assignment]
LIVE = ("pending", "claimed")


def rearm(conn: Connection, user_id: int, now: datetime) -> int:
    """Schedule again the user's nudges their block cancelled (see the module); returns
    how many. In the caller's transaction."""
    cancelled = list(
        conn.execute(
            select(NUDGES).where(
                NUDGES.c.user_id == user_id,
                NUDGES.c.status == "cancelled",
                NUDGES.c.outcome == BLOCKED,
            )
        )
    )
    if not cancelled:
        return 0
    live = {
        (n.session_id, n.meeting_id, n.kind)
        for n in conn.execute(
            select(NUDGES.c.session_id, NUDGES.c.meeting_id, NUDGES.c.kind).where(
                NUDGES.c.user_id == user_id, NUDGES.c.status.in_(LIVE)
            )
        )
    }
    again: list[dict[str, Any]] = []
    for n in cancelled:
        if _aware(n.due_at, now) < now - GRACE or (n.session_id, n.meeting_id, n.kind) in live:
            continue
        live.add((n.session_id, n.meeting_id, n.kind))
        again.append(
            {
                "user_id": user_id,
                "session_id": n.session_id,
                "meeting_id": n.meeting_id,
                "kind": n.kind,
                "about": n.about,
                "due_at": max(_aware(n.due_at, now), now),
                "status": "pending",
                "attempts": 0,
                "created_at": now,
            }
        )
    conn.execute(
        update(NUDGES).where(NUDGES.c.id.in_([n.id for n in cancelled])).values(outcome=REARMED)
    )
    if again:
        conn.execute(insert(NUDGES), again)
    return len(again)


def _aware(value: datetime, like: datetime) -> datetime:
    """``value`` comparable with ``like`` (SQLite may hand back naive UTC times)."""
    if value.tzinfo is None and like.tzinfo is not None:
        return value.replace(tzinfo=like.tzinfo)
    return value
