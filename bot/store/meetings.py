"""Real meetings logged with the companion: the timer, the follow-up, the reminders.

What to schedule and what each reminder says is decided by :mod:`flows.companion`; this
module keeps the meetings, the people and the nudges in the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session as DbSession

from bot.store.models import Meeting, MeetingPerson, NudgeRow
from bot.store.practices import LIVE, PracticeStore
from flows import companion

Step = Literal["contact", "names"]


@dataclass(frozen=True)
class FollowUp:
    """A meeting that ended and still waits for the user to log who they met."""

    meeting_id: int
    step: Step


class MeetingStore:
    def __init__(self, store: PracticeStore) -> None:
        self.store = store

    def start(self, user_id: int, now: datetime, minutes: float, heads_up: bool) -> int:
        """Start a quiet timer; an earlier meeting still running is ended first."""
        reminders = companion.start_meeting(now, minutes, heads_up)
        with self.store.transaction() as db:
            self._end_running(db, user_id, now)
            meeting = Meeting(user_id=user_id, started_at=now, minutes=minutes)
            db.add(meeting)
            db.flush()
            self._schedule(db, user_id, meeting.id, reminders, now)
            return meeting.id

    def done(self, user_id: int, now: datetime) -> int:
        """The user left the meeting: stop its timer and wait for the follow-up."""
        with self.store.transaction() as db:
            running = self._end_running(db, user_id, now)
            if running is not None:
                return running
            meeting = Meeting(user_id=user_id, started_at=now, minutes=0, ended_at=now)
            db.add(meeting)
            db.flush()
            return meeting.id

    def follow_up(self, meeting_id: int) -> FollowUp:
        """The follow-up of a meeting that ended: which question the user answers next."""
        with self.store.transaction() as db:
            meeting = db.get(Meeting, meeting_id)
            if meeting is None:
                raise LookupError(f"no meeting {meeting_id}")
            return FollowUp(meeting.id, "contact" if meeting.contact_name is None else "names")

    def log_contact(self, meeting_id: int, name: str) -> None:
        with self.store.transaction() as db:
            meeting = db.get(Meeting, meeting_id)
            if meeting is not None:
                meeting.contact_name = " ".join(name.split())[:200] or "your contact"
                db.add(
                    MeetingPerson(meeting_id=meeting_id, name=meeting.contact_name, relation="met")
                )

    def log_names(self, meeting_id: int, text: str, now: datetime) -> list[str]:
        """Record the referrals and schedule the follow-up reminders; returns the names."""
        names = companion.parse_names(text)[: companion.MAX_NAMES]
        with self.store.transaction() as db:
            meeting = db.get(Meeting, meeting_id)
            if meeting is None:
                return names
            meeting.followed_up_at = now
            for name in names:
                db.add(MeetingPerson(meeting_id=meeting_id, name=name, relation="referred"))
            self._schedule(
                db, meeting.user_id, meeting_id, companion.after_meeting(now, names), now
            )
        return names

    def meetings(self, user_id: int) -> list[Meeting]:
        with self.store.transaction() as db:
            return list(
                db.scalars(
                    select(Meeting).where(Meeting.user_id == user_id).order_by(Meeting.started_at)
                )
            )

    def people(self, meeting_id: int) -> list[MeetingPerson]:
        with self.store.transaction() as db:
            return list(
                db.scalars(select(MeetingPerson).where(MeetingPerson.meeting_id == meeting_id))
            )

    # -- internals ----------------------------------------------------------------------------

    def _end_running(self, db: DbSession, user_id: int, now: datetime) -> int | None:
        running = db.scalar(
            select(Meeting).where(Meeting.user_id == user_id, Meeting.ended_at.is_(None))
        )
        if running is None:
            return None
        running.ended_at = now
        db.execute(
            update(NudgeRow)
            .where(
                NudgeRow.meeting_id == running.id,
                NudgeRow.kind.in_((companion.HEADS_UP, companion.MARK)),
                NudgeRow.status.in_(LIVE),
            )
            .values(status="cancelled", finished_at=now, outcome="the meeting ended")
        )
        return running.id

    def _schedule(
        self,
        db: DbSession,
        user_id: int,
        meeting_id: int,
        reminders: list[companion.Reminder],
        now: datetime,
    ) -> None:
        for reminder in reminders:
            db.execute(
                insert(NudgeRow).values(
                    user_id=user_id,
                    meeting_id=meeting_id,
                    kind=reminder.kind,
                    due_at=reminder.due,
                    about=reminder.about or None,
                    status="pending",
                    attempts=0,
                    created_at=now,
                )
            )
