"""/start and /settings: what Rapport is, the user's settings, and, when the operator
configured a model voice, where users' messages go and a switch to keep theirs away."""

from __future__ import annotations

from html import escape

from bot.telegram.replies import START, Button, Reply
from bot.telegram.service import LENGTHS, ChatService
from flows.engine import fmt_minutes

EXPIRED = "That button has expired."


def voice_note(svc: ChatService) -> str:
    """The plain statement of where messages go, when a model voice is configured."""
    if svc.voice is None:
        return ""
    host = escape(svc.voice.config.host)
    return (
        f"When the model voice is on, your messages are sent to {host} to phrase replies "
        "(the contact's words, never your scorecard). Switch it off for yourself in /settings."
    )


def start_text(svc: ChatService) -> Reply:
    note = voice_note(svc)
    return Reply(f"{START}\n\n<i>{note}</i>" if note else START)


def settings_text(svc: ChatService, user_id: int) -> Reply:
    settings = svc.store.settings(user_id)
    heads_up = "on" if settings.heads_up else "off"
    lines = [
        "<b>Settings</b>",
        f"Default practice length: {fmt_minutes(settings.meeting_minutes)} minutes",
        f"Heads-up five minutes before a real meeting's mark: {heads_up}",
    ]
    rows: list[tuple[Button, ...]] = [
        (Button(f"Heads-up: turn {'off' if settings.heads_up else 'on'}", "set:heads_up"),),
        tuple(Button(f"{fmt_minutes(m)} min", f"set:minutes:{m:g}") for m in LENGTHS),
    ]
    if svc.voice is not None:
        on = settings.model_voice
        host = escape(svc.voice.config.host)
        lines.append(
            f"Model voice: {'on' if on else 'off'} ("
            + (
                f"your messages are sent to {host} to phrase replies"
                if on
                else f"nothing is sent to {host}; the contacts speak their scripted lines"
            )
            + ")"
        )
        rows.append((Button(f"Model voice: turn {'off' if on else 'on'}", "set:voice"),))
    return Reply("\n".join(lines), tuple(rows))


def change_setting(svc: ChatService, user_id: int, what: str) -> list[Reply]:
    name, _, value = what.partition(":")
    store = svc.store
    if name == "heads_up":
        store.update_settings(user_id, heads_up=not store.settings(user_id).heads_up)
    elif name == "voice" and svc.voice is not None:
        store.update_settings(user_id, model_voice=not store.settings(user_id).model_voice)
    elif name == "minutes":
        try:
            minutes = float(value)
        except ValueError:
            return [Reply(EXPIRED)]
        if minutes not in LENGTHS:
            return [Reply(EXPIRED)]
        store.update_settings(user_id, meeting_minutes=minutes)
    else:
        return [Reply(EXPIRED)]
    return [settings_text(svc, user_id)]
