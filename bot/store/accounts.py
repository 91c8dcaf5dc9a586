"""Everything the bot keeps about one user: export it as JSON, or delete all of it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from bot.store.models import (
    Meeting,
    MeetingPerson,
    NudgeRow,
    OutboxRow,
    PracticeSession,
    PreparedQuestion,
    ProcessedUpdate,
    TurnRow,
    User,
)
from bot.store.practices import PracticeStore

EXPORT_FORMAT = "rapport-export/1"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def export_user(store: PracticeStore, user_id: int) -> dict[str, Any]:
    """A JSON-ready copy of the user's settings, questions, practices and meetings."""
    with store.transaction() as db:
        user = db.get(User, user_id)
        if user is None:
            return {"format": EXPORT_FORMAT, "user": None, "practices": [], "meetings": []}
        practices = db.scalars(
            select(PracticeSession)
            .where(PracticeSession.user_id == user_id)
            .order_by(PracticeSession.started_at, PracticeSession.id)
        )
        meetings = db.scalars(
            select(Meeting).where(Meeting.user_id == user_id).order_by(Meeting.started_at)
        )
        nudges = db.scalars(
            select(NudgeRow).where(NudgeRow.user_id == user_id).order_by(NudgeRow.due_at)
        )
        waiting = db.scalars(
            select(OutboxRow).where(OutboxRow.user_id == user_id).order_by(OutboxRow.id)
        )
        return {
            "format": EXPORT_FORMAT,
            "user": {
                "telegram_user_id": user.telegram_user_id,
                "chat_id": user.chat_id,
                "meeting_minutes": user.meeting_minutes,
                "time_zone": user.time_zone,
                "heads_up": user.heads_up,
                "model_voice": user.model_voice,
                "active": user.active,
                "created_at": _iso(user.created_at),
            },
            "questions": [q.text for q in user.questions],
            "practices": [
                {
                    "id": p.id,
                    "persona": p.persona_id,
                    "scenario": p.scenario,
                    "seed": p.seed,
                    "state": p.state,
                    "minutes": p.meeting_minutes,
                    "prepared_questions": p.prepared_questions,
                    "started_at": _iso(p.started_at),
                    "finished_at": _iso(p.finished_at),
                    "score": p.score,
                    "scorecard": p.scorecard,
                    "answers_heard_before": p.heard or [],
                    "transcript": [
                        {
                            "at": _iso(t.at),
                            "speaker": t.speaker,
                            "stage": t.stage,
                            "text": t.text,
                            "acts": t.acts,
                            "kind": t.kind or None,
                            "ref": t.ref or None,
                            "phrased": t.phrased,  # what the model voice showed instead
                        }
                        for t in p.turns
                    ],
                }
                for p in practices
            ],
            "nudges": [
                {"kind": n.kind, "due_at": _iso(n.due_at), "status": n.status} for n in nudges
            ],
            "messages_not_yet_delivered": [
                {"text": w.html, "queued_at": _iso(w.created_at), "status": w.status}
                for w in waiting
            ],
            "meetings": [
                {
                    "started_at": _iso(m.started_at),
                    "minutes": m.minutes,
                    "contact": m.contact_name,
                    "notes": m.notes,
                    "ended_at": _iso(m.ended_at),
                    "people": [{"name": p.name, "relation": p.relation} for p in m.people],
                }
                for m in meetings
            ],
        }


def delete_user(store: PracticeStore, user_id: int) -> None:
    """Erase every row of this user, children first (not relying on cascades alone)."""
    with store.transaction() as db:
        session_ids = select(PracticeSession.id).where(PracticeSession.user_id == user_id)
        meeting_ids = select(Meeting.id).where(Meeting.user_id == user_id)
        db.execute(delete(NudgeRow).where(NudgeRow.user_id == user_id))
        db.execute(delete(OutboxRow).where(OutboxRow.user_id == user_id))
        db.execute(delete(TurnRow).where(TurnRow.session_id.in_(session_ids)))
        db.execute(delete(MeetingPerson).where(MeetingPerson.meeting_id.in_(meeting_ids)))
        db.execute(delete(PracticeSession).where(PracticeSession.user_id == user_id))
        db.execute(delete(Meeting).where(Meeting.user_id == user_id))
        db.execute(delete(PreparedQuestion).where(PreparedQuestion.user_id == user_id))
        db.execute(delete(ProcessedUpdate).where(ProcessedUpdate.user_id == user_id))
        db.execute(delete(User).where(User.id == user_id))
