"""The companion for real meetings in Telegram: /meeting starts a timer, /done asks who
the user met and which names they were given, and schedules the follow-up reminders."""

from __future__ import annotations

from datetime import datetime
from html import escape

from bot.telegram.replies import Reply
from bot.telegram.service import MAX_MINUTES, ChatService
from flows import companion
from flows.engine import fmt_minutes


def meeting(svc: ChatService, user_id: int, argument: str, now: datetime) -> list[Reply]:
    minutes = companion.DEFAULT_MINUTES
    if argument.strip():
        try:
            minutes = float(argument.strip().replace(",", "."))
        except ValueError:
            return [Reply(f"“{escape(argument)}” is not a number of minutes.")]
        if not 0 < minutes <= MAX_MINUTES:
            return [Reply(f"Pick a length between 0 and {MAX_MINUTES:g} minutes.")]
    heads_up = svc.store.settings(user_id).heads_up
    svc.meetings.start(user_id, now, minutes, heads_up)
    note = " I'll give you a heads-up five minutes before." if heads_up and minutes > 5 else ""
    return [
        Reply(
            f"⏱ Timer set for {fmt_minutes(minutes)} minutes. I'll stay quiet until the "
            f"mark, then remind you to wrap up.{note} Good luck! Send /done when you've left."
        )
    ]


def done(svc: ChatService, user_id: int, now: datetime) -> list[Reply]:
    svc.meetings.done(user_id, now)
    return [Reply("How did it go? <b>Who did you meet?</b> (their name)")]


def follow_up(svc: ChatService, meeting_id: int, text: str, now: datetime) -> list[Reply]:
    """The user's answer while a meeting waits for its follow-up."""
    pending = svc.meetings.follow_up(meeting_id)
    if pending.step == "contact":
        svc.meetings.log_contact(pending.meeting_id, text)
        return [
            Reply(
                "Noted. <b>Which names did they give you</b> to talk to next? "
                "Separate them with commas, or write “none”."
            )
        ]
    given = len(companion.parse_names(text))
    names = svc.meetings.log_names(pending.meeting_id, text, now)
    if names:
        listed = ", ".join(escape(n) for n in names)
        plan = (
            f"I'll remind you to send a thank-you note later today, and to reach out to "
            f"{listed}, one a day from tomorrow."
        )
        if given > len(names):
            plan += (
                f" You gave me {given:,} names: I kept the first {len(names)}, as a "
                "reminder a day for more would swamp you."
            )
    else:
        plan = (
            "I'll remind you to send a thank-you note later today, and to check back with "
            "them in two days about people you could talk to."
        )
    return [Reply(f"Logged. {plan}")]
