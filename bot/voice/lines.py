"""A contact line inside a Telegram message that the model voice may phrase (plain data:
:class:`bot.telegram.replies.Reply` carries these)."""

from __future__ import annotations

from dataclasses import dataclass

from flows.phrasing import PhrasingRequest


@dataclass(frozen=True)
class VoiceLine:
    """One contact line inside a message: where it is, and what the model may use."""

    session_id: int
    html: str
    """The line's HTML as scripted, as it appears in the message."""
    prefix: str
    """The HTML before its text ("<b>Dana</b>: "): kept when the text is phrased."""
    request: PhrasingRequest
