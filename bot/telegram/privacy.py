"""What users may take away and erase: ``/export`` as files, and ``/delete`` behind a
confirmation button that expires.

The confirmation button carries the time it was issued. Callback data comes from the
client, so it is checked as strictly as anything a user types: only a plain number of
seconds that lies in the past (allowing a little skew between replicas' clocks) and
within :data:`DELETE_BUTTON_SECONDS` confirms; a forged far-future, negative, ``inf`` or
non-numeric time expires like an old button.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import datetime
from typing import Any

from bot.store.accounts import delete_user, export_user
from bot.telegram.replies import Attachment, Button, Reply
from bot.telegram.service import ChatService

log = logging.getLogger(__name__)

DELETE_BUTTON_SECONDS = 600
"""A delete confirmation button older than this is refused (it might be pressed by mistake
long after, wiping newer practices)."""
CLOCK_SKEW_SECONDS = 60
"""How far in the future a confirmation's time may seem to be: another replica, whose
clock runs a little ahead, may have issued it. Anything later is forged."""
_SECONDS = re.compile(r"[0-9]{1,12}")
EXPIRED = "That button has expired: send /delete again if you still want to."


def export(service: ChatService, user_id: int) -> list[Reply]:
    data = export_user(service.store, user_id)
    log.info("user %s exported their data", user_id, extra={"user_id": user_id})
    as_json = json.dumps(data, ensure_ascii=False, indent=2).encode()
    return [
        Reply(
            "Everything Rapport keeps about you, as JSON.",
            attachment=Attachment("rapport-export.json", as_json),
        ),
        Reply(
            "Your practices as a readable transcript.",
            attachment=Attachment("rapport-transcripts.txt", transcript_text(data).encode()),
        ),
    ]


def confirm_delete(now: datetime) -> Reply:
    issued = int(now.timestamp())
    return Reply(
        "This erases all your practices, scores, questions and reminders, for good. Sure?",
        (
            (
                Button("Yes, delete everything", f"delete:yes:{issued}"),
                Button("Cancel", "delete:no"),
            ),
        ),
    )


def delete(service: ChatService, user_id: int, answer: str, now: datetime) -> list[Reply]:
    """``answer`` is the button's data after ``delete:``; old (or forged) buttons expire."""
    choice, _, issued = answer.partition(":")
    if choice != "yes":
        return [Reply("Nothing was deleted.")]
    if not fresh(issued, now):
        return [Reply(EXPIRED)]
    delete_user(service.store, user_id)
    log.info("user %s deleted everything Rapport kept", user_id, extra={"user_id": user_id})
    service.store.on_commit(lambda: service.forget(user_id))
    return [Reply("Done: everything Rapport kept about you has been deleted.", keep=False)]


def fresh(issued: str, now: datetime) -> bool:
    """Whether a confirmation issued at ``issued`` (its button's text) may still be used."""
    if not _SECONDS.fullmatch(issued):  # ASCII digits only: not "-5", "inf", "1e30", "²"
        return False
    age = now.timestamp() - int(issued)
    return -CLOCK_SKEW_SECONDS <= age <= DELETE_BUTTON_SECONDS


def transcript_text(export: dict[str, Any]) -> str:
    """The practices of an export as plain text, one line per turn."""
    lines: list[str] = []
    for practice in export.get("practices", []):
        score = practice.get("score")
        lines.append(
            f"== Practice {practice['id']} with {practice['persona']} "
            f"({practice['started_at']}): {practice['state']}"
            + (f", score {score}/100" if score is not None else "")
        )
        for turn in practice["transcript"]:
            lines.append(f"[{turn['at']}] {turn['speaker']}: {turn['text']}")
            if turn.get("phrased"):  # what the user saw, worded by the model voice
                lines.append(f"    (as phrased by the model: {turn['phrased']})")
        lines.append("")
    return "\n".join(lines) or "No practices yet.\n"
