"""The replies the Telegram bot sends, as plain data: text in Telegram HTML, inline buttons,
an optional file; and the fixed texts and button layouts they are built from. Nothing here
imports ``telegram`` (``sender.py`` turns a reply into Bot API calls)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from bot.store.outbox import Letter
from bot.store.voice import PhrasedLine
from bot.telegram import picker
from bot.telegram.render import MAX_MESSAGE, split_html
from bot.voice.lines import VoiceLine
from flows.facts import facts_of
from flows.session import Session


@dataclass(frozen=True)
class Button:
    label: str
    data: str


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes
    photo: bool = False
    """Sent as a photo (shown inline) rather than a file."""


@dataclass(frozen=True)
class Reply:
    """One message to send: Telegram HTML, with optional inline buttons (rows), or a
    file with ``html`` as its caption."""

    html: str
    buttons: tuple[tuple[Button, ...], ...] = field(default_factory=tuple)
    attachment: Attachment | None = None
    outbox_id: int | None = None
    """Its row in the outbox, once queued (files are sent directly, not queued)."""
    keep: bool = True
    """False for the goodbye after /delete: nothing of the user may stay, not even this."""
    voice: tuple[VoiceLine, ...] = ()
    """Contact lines in ``html`` a model voice may phrase before it is sent."""
    phrased: tuple[PhrasedLine, ...] = ()
    """Lines in ``html`` the model voice phrased (recorded once Telegram has it)."""


START = (  # (bot.telegram.settings adds where a model voice sends messages)
    "<b>Rapport</b> helps you rehearse <i>informational interviews</i>: short meetings where "
    "you ask a professional about their field, and never for a job.\n\n"
    "I play the professional. A practice goes through four stages: <b>arrive</b> (early, "
    "dressed for it, notebook and your questions), <b>converse</b> (good questions, follow "
    "their tangents, offer something useful), <b>goodbye</b> (say when the time is up, ask "
    "for feedback) and <b>referral</b> (ask for two or three names). I nudge you when the "
    "time is up and coach you with a scorecard at the end.\n\n"
    "Start with /practice."
)
HELP = (
    "/practice: meet a contact, by field or id (/practice nurse, /practice dana 20)\n"
    "/prepare QUESTION: add a question you send ahead · /questions: list them\n"
    "/end: end the practice now · /report: your last scorecard · /history: past practices\n"
    "/progress: a chart of your scores · /meeting, /done: the companion for real meetings\n"
    "/settings · /export: everything I keep about you, as files · /delete: erase all of it\n"
    "/help: this list"
)
NO_PRACTICE = "You have no practice going. Start one with /practice."


def menu_reply(menu: picker.Menu) -> Reply:
    rows = tuple(tuple(Button(label, data) for label, data in row) for row in menu.rows)
    return Reply(menu.html, rows)


def message_replies(lines: list[str], voice: list[VoiceLine]) -> list[Reply]:
    """One event's lines as one message (several if too long: then none is phrased)."""
    if not lines:
        return []
    parts = split_html("\n\n".join(lines))
    if len(parts) == 1:
        return [Reply(parts[0], voice=tuple(voice))]
    return [Reply(p) for p in parts]


def fitting(reply: Reply) -> list[Reply]:
    """``reply`` as messages Telegram accepts (at most MAX_MESSAGE characters each)."""
    if reply.attachment is not None or len(reply.html) <= MAX_MESSAGE:
        return [reply]
    parts = split_html(reply.html)
    return [
        replace(reply, html=p, buttons=reply.buttons if i == len(parts) - 1 else (), voice=())
        for i, p in enumerate(parts)
    ]


CHECKLIST_LABELS = {
    "arrive_early": "Arrived 10-15 min early",
    "dressed": "Dressed formally",
    "notebook": "Notebook and pen",
    "questions_copy": "Copy of my questions",
}


def checklist(session_id: int, session: Session) -> tuple[tuple[Button, ...], ...]:
    ticked = facts_of(session).checklist
    buttons = [
        Button(("✅ " if act in ticked else "⬜ ") + label, f"chk:{session_id}:{act}")
        for act, label in CHECKLIST_LABELS.items()
    ]
    return (
        (buttons[0], buttons[1]),
        (buttons[2], buttons[3]),
        (Button("I'm ready: go in", f"chk:{session_id}:ready"),),
    )


def reply_of(letter: Letter, *, buttons: bool = True) -> Reply:
    """An outbox row as a reply to send (without its buttons if they are stale)."""
    rows = tuple(tuple(Button(label, data) for label, data in row) for row in letter.buttons)
    return Reply(letter.html, rows if buttons else (), outbox_id=letter.id)
