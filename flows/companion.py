"""The companion for real meetings: a quiet timer, then follow-up reminders.

Pure like the engine: it takes the time as an argument and returns effects (nudges to
schedule, and the text of each nudge when it falls due). The adapter keeps the meeting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

DEFAULT_MINUTES = 20.0
HEADS_UP_BEFORE = timedelta(minutes=5)
THANK_YOU_AFTER = timedelta(hours=2)
"""The thank-you note reminder comes later the same day."""
CHECK_BACK_AFTER = timedelta(days=2)
REACH_OUT_FIRST = timedelta(days=1)
REACH_OUT_SPACING = timedelta(days=1)
"""One reminder per referral, a day apart, starting the day after the meeting."""

HEADS_UP = "meeting_heads_up"
MARK = "meeting_mark"
THANK_YOU = "meeting_thank_you"
CHECK_BACK = "meeting_check_back"
REACH_OUT = "meeting_reach_out"
KINDS = (HEADS_UP, MARK, THANK_YOU, CHECK_BACK, REACH_OUT)

_NONE = re.compile(
    r"^\s*(none|no one|nobody|nope|no|no names|nothing|n/?a|-)( (yet|so far|for now))?"
    r"\s*[.!]*\s*$|^\s*not yet\s*[.!]*\s*$",
    re.I,
)
_SEPARATORS = re.compile(r"\s*(?:,|;|\n|\band\b|&|\+)\s*", re.I)


@dataclass(frozen=True)
class Reminder:
    """A scheduled companion nudge; ``about`` is the referral name for reach-out reminders."""

    kind: str
    due: datetime
    about: str = ""


def start_meeting(now: datetime, minutes: float, heads_up: bool) -> list[Reminder]:
    if not minutes > 0:
        raise ValueError("the meeting length must be a positive number of minutes")
    mark = now + timedelta(minutes=minutes)
    reminders = [Reminder(MARK, mark)]
    if heads_up and timedelta(minutes=minutes) > HEADS_UP_BEFORE:
        reminders.insert(0, Reminder(HEADS_UP, mark - HEADS_UP_BEFORE))
    return reminders


MAX_NAMES = 10
"""Referrals kept from one follow-up (a reach-out reminder each, one a day)."""


def parse_names(text: str) -> list[str]:
    """Free text to a list of names: "Ana Ruiz, Tom and Li" -> three names; "none" -> []."""
    if _NONE.match(text):
        return []
    names: list[str] = []
    for part in _SEPARATORS.split(text.strip()):
        name = " ".join(part.split()).strip(" .!")
        if name and name.lower() not in {n.lower() for n in names}:
            names.append(name[:120])
    return names


def after_meeting(now: datetime, names: list[str]) -> list[Reminder]:
    """What to schedule once the user has logged who they met and the names they got."""
    reminders = [Reminder(THANK_YOU, now + THANK_YOU_AFTER)]
    if not names:
        reminders.append(Reminder(CHECK_BACK, now + CHECK_BACK_AFTER))
    for i, name in enumerate(names):
        reminders.append(Reminder(REACH_OUT, now + REACH_OUT_FIRST + i * REACH_OUT_SPACING, name))
    return reminders


def nudge_text(kind: str, contact: str | None, about: str = "") -> str:
    who = contact or "your contact"
    texts = {
        HEADS_UP: "⏳ Five minutes to the mark. Start steering towards your last questions.",
        MARK: (
            "⏰ Time's up. Tell your contact the agreed time has passed, ask how you came "
            "across and what your strengths and weaknesses are, and ask for two or three "
            "people to talk to next. Send /done when you've left."
        ),
        THANK_YOU: f"✉️ Send {who} a short thank-you note today, while the meeting is fresh.",
        CHECK_BACK: (
            f"📅 Two days on: check back with {who} about people you could talk to, and "
            "repeat that you won't ask them for a job."
        ),
        REACH_OUT: (
            f"🤝 Reach out to {about or 'your referral'}: mention who referred you, ask for "
            "twenty minutes of their perspective, never for a job."
        ),
    }
    return texts[kind]
