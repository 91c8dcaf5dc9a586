"""Thin python-telegram-bot handlers: map each update onto the chat service, send replies.

Every handler does the same three things: say what the update asks for (a function of
the user's id), have :meth:`~bot.telegram.service.ChatService.handle` run it in one
database transaction (in a worker thread), and send the replies it returns once that
transaction has committed. No practice logic lives here.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, datetime
from html import escape
from typing import Any

from telegram import CallbackQuery, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import metrics
from bot.store.outage import describe
from bot.store.practices import Visit
from bot.telegram import companion, groups, privacy, progress, settings
from bot.telegram.intake import committed, is_outage, note_failure
from bot.telegram.postman import Postman
from bot.telegram.replies import HELP, Button, Reply
from bot.telegram.sender import TypingCue, keyboard
from bot.telegram.service import MAX_MINUTES, ChatService
from bot.voice.telegram import hint_for
from flows.phrasing import Hint

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
Work = Callable[[Visit], list[Reply]]
UNSUPPORTED = (
    "I can only read text for now. Please type your message (voice notes, stickers, photos "
    "and files aren't supported yet)."
)
EXPIRED = "That button has expired."


def now() -> datetime:
    return datetime.now(UTC)


def service(context: Context) -> ChatService:
    svc: ChatService = context.bot_data["service"]
    return svc


async def _handle(
    update: Update,
    context: Context,
    work: Work,
    *,
    contact: bool = False,
    first: Callable[[], Awaitable[None]] | None = None,
) -> None:
    """Run ``work`` for this update's user, then post its replies: they are sent in order
    after the chat's earlier ones, and the handler returns at the commit (the replies are
    in the outbox by then: a crash loses none of them).

    ``contact``: the contact is about to answer, so the chat shows "typing..." if that
    takes a while (:class:`~bot.telegram.sender.TypingCue`). ``first``: what to do before
    the work's transaction (ask the model voice what the message means).
    """
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None:
        return
    svc = service(context)
    started = time.perf_counter()
    cue = TypingCue(context.bot, chat.id) if contact else None
    posted = False

    async def blocked() -> None:
        user_id = await svc.run(svc.user, user.id, chat.id, now())
        await svc.run(svc.deactivate, user_id, now())

    try:
        if first is not None:
            await first()
        replies = await svc.run(svc.handle, user.id, chat.id, update.update_id, now(), work)
        committed()
        postman: Postman = context.bot_data["postman"]
        shown = cue.answer_ready() if cue is not None else None
        postman.post(chat.id, replies, after=shown, on_blocked=blocked)
        posted = True
    finally:
        if cue is not None and not posted:
            cue.drop()  # no answer is coming
        seconds = time.perf_counter() - started
        kind = metrics.update_kind(update)
        metrics.update_handled(kind, seconds)
        log.debug(
            "update %s (%s) handled in %.1f ms",
            update.update_id,
            kind,
            seconds * 1000,
            extra={"telegram_user": user.id, "kind": kind},
        )


def _say(*replies: Reply) -> Work:
    return lambda _visit: list(replies)


async def on_start(update: Update, context: Context) -> None:
    await _handle(update, context, _say(settings.start_text(service(context))))


async def on_help(update: Update, context: Context) -> None:
    await _handle(update, context, _say(Reply(HELP)))


async def on_practice(update: Update, context: Context) -> None:
    svc = service(context)
    request = svc.parse_practice_args(list(context.args or []))
    persona_id, minutes = request.persona_id, request.minutes

    def work(visit: Visit) -> list[Reply]:
        if request.error:
            return [Reply(request.error)]
        if request.menu is not None:
            return [svc.menu_of(request.menu)]
        if persona_id is None:
            return [svc.menu()]
        user_id = visit.user_id
        length = minutes if minutes is not None else svc.store.settings(user_id).meeting_minutes
        return svc.begin(visit, persona_id, length, now())

    await _handle(update, context, work, contact=persona_id is not None and not request.error)


async def on_button(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is None:
        return
    try:
        await _button(update, context, query)
    finally:
        # After the work: a press whose answer fails (or is "too old" when Telegram
        # re-delivers it) is still processed. The spinner stops either way.
        with contextlib.suppress(TelegramError):
            await query.answer()


async def _button(update: Update, context: Context, query: CallbackQuery) -> None:
    if query.message is None or query.message.chat.id != query.from_user.id:
        return  # only the private chat's own user presses its buttons (a forged press)
    svc = service(context)
    kind, _, rest = (query.data or "").partition(":")
    if kind == "chk":
        await _check(update, context, rest)
    elif kind == "set":
        await _handle(update, context, lambda v: settings.change_setting(svc, v.user_id, rest))
    elif kind == "delete":
        await _handle(update, context, lambda v: privacy.delete(svc, v.user_id, rest, now()))
    elif kind == "field":
        await _handle(update, context, lambda _v: [svc.field_menu(rest)])
    elif kind == "pick":
        await _handle(update, context, lambda _v: [svc.lengths(rest)])
    elif kind == "len":
        persona_id, _, raw = rest.partition(":")
        try:
            minutes = float(raw)
        except ValueError:
            minutes = svc.default_minutes
        # Checked as strictly as a typed /practice: a forged "inf" or "99999" is no length.
        if persona_id not in svc.store.flow.personas or not 0 < minutes <= MAX_MINUTES:
            await _handle(update, context, _say(Reply(EXPIRED)))
            return
        begin: Work = lambda v: svc.begin(v, persona_id, minutes, now())  # noqa: E731
        await _handle(update, context, begin, contact=True)
    else:
        await _handle(update, context, _say(Reply(EXPIRED)))


async def _check(update: Update, context: Context, rest: str) -> None:
    """A tick on the arrival checklist: record it, reply, redraw (or remove) the checklist."""
    query = update.callback_query
    raw_session, _, item = rest.partition(":")
    if query is None or not raw_session.isdigit():
        await _handle(update, context, _say(Reply(EXPIRED)))
        return
    svc = service(context)
    redraw: list[tuple[tuple[Button, ...], ...] | None] = []

    def work(visit: Visit) -> list[Reply]:
        replies, keyboard_now = svc.check(visit.user_id, int(raw_session), item, now())
        redraw.append(keyboard_now)
        return replies

    await _handle(update, context, work, contact=item == "ready")
    if redraw and query.message is not None:
        with contextlib.suppress(TelegramError):  # cosmetic: "not modified", a timeout...
            await query.edit_message_reply_markup(reply_markup=keyboard(Reply("", redraw[0] or ())))


def _command(name: str) -> Callable[[Update, Context], Coroutine[Any, Any, None]]:
    async def handler(update: Update, context: Context) -> None:
        svc = service(context)
        argument = without_nul(" ".join(context.args or []))
        work: Work = lambda v: svc.command(v, name, argument, now())  # noqa: E731
        await _handle(update, context, work, contact=name == "end")

    handler.__name__ = f"on_{name}"
    return handler


on_end = _command("end")
on_prepare = _command("prepare")
on_questions = _command("questions")


async def on_report(update: Update, context: Context) -> None:
    await _handle(update, context, lambda v: service(context).report(v.user_id))


async def on_history(update: Update, context: Context) -> None:
    await _handle(update, context, lambda v: service(context).history(v.user_id))


async def on_meeting(update: Update, context: Context) -> None:
    argument = " ".join(context.args or [])
    svc = service(context)
    await _handle(update, context, lambda v: companion.meeting(svc, v.user_id, argument, now()))


async def on_done(update: Update, context: Context) -> None:
    await _handle(update, context, lambda v: companion.done(service(context), v.user_id, now()))


async def on_settings(update: Update, context: Context) -> None:
    await _handle(update, context, lambda v: [settings.settings_text(service(context), v.user_id)])


async def on_progress(update: Update, context: Context) -> None:
    """The chart is read in the update's transaction and drawn after it, off the event
    loop; a user whose chart is still being drawn is told so (see
    :mod:`bot.telegram.progress`)."""
    svc = service(context)
    asked: list[tuple[int, progress.Chart]] = []

    def work(visit: Visit) -> list[Reply]:
        asked.clear()  # (run again if the user was deleted meanwhile)
        chart = progress.chart_of(svc.store, visit.user_id)
        if chart is None:
            return [Reply(progress.NO_CHART)]
        asked.append((visit.user_id, chart))
        return []

    await _handle(update, context, work)
    chat = update.effective_chat
    if not asked or chat is None:
        return  # no chart yet, or a second delivery
    (user_id, chart), postman = asked[0], context.bot_data["postman"]
    drawer: progress.Drawer = context.bot_data["charts"]
    if (refusal := drawer.refusal(user_id)) is not None:
        postman.post(chat.id, [refusal])
    else:
        drawer.draw(user_id, chart, lambda reply: postman.post(chat.id, [reply]))


async def on_export(update: Update, context: Context) -> None:
    await _handle(update, context, lambda v: privacy.export(service(context), v.user_id))


async def on_delete(update: Update, context: Context) -> None:
    await _handle(update, context, lambda _v: [privacy.confirm_delete(now())])


def without_nul(text: str) -> str:
    """``text`` without U+0000, which PostgreSQL refuses in a text column."""
    return text.replace("\x00", "")


async def on_text(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None or message.text is None:
        return
    text = without_nul(message.text)
    svc = service(context)
    hints: list[Hint | None] = [None]
    user, chat = update.effective_user, update.effective_chat

    async def read() -> None:  # a model's reading, where the rules read nothing
        if user is not None and chat is not None:
            hints[0] = await hint_for(svc, user.id, chat.id, text, now())

    first = read if svc.voice is not None else None
    await _handle(
        update, context, lambda v: svc.say(v, text, now(), hints[0]), contact=True, first=first
    )


async def on_unknown_command(update: Update, context: Context) -> None:
    message = update.effective_message
    word = (message.text or "").split()[0] if message is not None and message.text else "/"
    name = word.split("@")[0][:40]
    reply = Reply(f"I don't know the command {escape(name)}. /help lists what I can do.")
    await _handle(update, context, _say(reply))


async def on_unsupported(update: Update, context: Context) -> None:
    await _handle(update, context, _say(Reply(UNSUPPORTED)))


async def on_group(update: Update, context: Context) -> None:
    """A new message in a group (edits and service messages never come here): a pointer
    to the private chat, once a minute per group at most, storing no one (see
    :mod:`bot.telegram.groups`)."""
    chat = update.effective_chat
    if chat is None:
        return
    svc = service(context)
    started = time.perf_counter()
    try:
        if not await svc.run(groups.first_delivery, svc.store, update.update_id, now()):
            return  # a second delivery
        committed()
        pointers = context.bot_data.setdefault(groups.POINTERS, groups.Pointers())
        if pointers.due(chat.id, time.monotonic()):
            link = f"https://t.me/{context.bot.username}"
            reply = Reply(f"Practices are one-to-one: talk to me in a private chat: {link}")
            postman: Postman = context.bot_data["postman"]
            postman.post(chat.id, [reply])
    finally:
        metrics.update_handled("group", time.perf_counter() - started)


async def on_error(update: object, context: Context) -> None:
    # The type only: exception texts can quote the user's message or a URL.
    error = context.error
    if isinstance(update, Update) and error is not None and is_outage(error):
        log.warning(
            "update %s kept for later: %s", update.update_id, describe(error), exc_info=None
        )
    else:
        log.error("error while handling an update: %s", type(error).__name__)
    log.debug("details", exc_info=error)
    if isinstance(update, Update):
        note_failure(context.bot_data, update.update_id, error)
