"""Delivering a claimed nudge, inside the dispatcher's transaction: a practice nudge runs
the flow on the locked practice; a companion reminder (a real meeting's) is a text of its
own. Either way the nudge is settled in the same transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, select, update
from sqlalchemy.orm import Session as DbSession

from bot.store.outcomes import Delivery, NudgeRef, Outcome
from bot.store.practice_sql import MEETINGS, NUDGES
from bot.store.transcripts import Transcripts
from flows import companion
from flows.effects import Show
from flows.session import Turn


class NudgeDelivery(Transcripts):
    """Nudge delivery (a part of :class:`bot.store.practices.PracticeStore`)."""

    def deliver_nudge(
        self, db: DbSession, nudge_id: int, worker_id: str, now: datetime
    ) -> Delivery | None:
        """Deliver and settle a nudge ``worker_id`` claimed, inside the caller's transaction.

        The practice is locked first (the order a message handler locks in), then the
        nudge's status is read: if it was settled or re-claimed meanwhile, nothing happens
        and None is returned. Otherwise the flow runs and the nudge is marked ``sent``, or
        ``cancelled`` when the practice has moved on (then the outcome has no effects).
        """
        nudge = db.execute(select(NUDGES).where(NUDGES.c.id == nudge_id)).one_or_none()
        if nudge is None:  # the user deleted their data meanwhile
            return None
        if nudge.session_id is None:
            return self._deliver_meeting_nudge(db, nudge, worker_id, now)
        row, nudges = self._locked(db, nudge.session_id)
        status = db.execute(
            select(NUDGES.c.status, NUDGES.c.claimed_by).where(NUDGES.c.id == nudge_id)
        ).one_or_none()
        if status is None or tuple(status) != ("claimed", worker_id):
            return None
        session = self._session(db, row, nudges)
        before, live = len(session.turns), set(session.nudges)
        effects = self.flow.nudge(session, nudge.kind, now)
        self._write(db, row, session, before, effects, live, now, exclude=nudge_id)
        if effects:
            late = max(0.0, (now - nudge.due_at).total_seconds())
            self._settle(db, nudge_id, "sent", now, f"delivered {late:.1f}s after due")
        else:
            self._settle(db, nudge_id, "cancelled", now, "the practice had moved on")
        ref = NudgeRef(nudge_id, nudge.kind, nudge.due_at)
        return Delivery(ref, row.user_id, effects, Outcome(row.id, row.user_id, effects, session))

    def _deliver_meeting_nudge(
        self, db: DbSession, nudge: Row[Any], worker_id: str, now: datetime
    ) -> Delivery | None:
        """A companion reminder: its text comes from flows.companion; no practice involved."""
        locked = db.execute(
            select(NUDGES.c.status, NUDGES.c.claimed_by)
            .where(NUDGES.c.id == nudge.id)
            .with_for_update()
        ).one_or_none()
        if locked is None or tuple(locked) != ("claimed", worker_id):
            return None
        contact = None
        if nudge.meeting_id is not None:
            contact = db.execute(
                select(MEETINGS.c.contact_name).where(MEETINGS.c.id == nudge.meeting_id)
            ).scalar_one_or_none()
        text = companion.nudge_text(nudge.kind, contact, nudge.about or "")
        late = max(0.0, (now - nudge.due_at).total_seconds())
        self._settle(db, nudge.id, "sent", now, f"delivered {late:.1f}s after due")
        turn = Turn(now, "nudge", "companion", text, kind=nudge.kind)
        ref = NudgeRef(nudge.id, nudge.kind, nudge.due_at)
        return Delivery(ref, nudge.user_id, [Show(turn)])

    def _settle(self, db: DbSession, nudge_id: int, status: str, now: datetime, why: str) -> None:
        db.execute(
            update(NUDGES)
            .where(NUDGES.c.id == nudge_id)
            .values(status=status, finished_at=now, outcome=why)
        )
