"""Thin python-telegram-bot handlers: map each update onto the chat service, send replies.

Every handler does the same three things: work out who is talking, ask the
:class:`~bot.telegram.service.ChatService` (in a worker thread, since it uses the
database), and send what it returns. No practice logic lives here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.telegram.sender import Blocked, keyboard, send, typing
from bot.telegram.service import HELP, START, Button, ChatService, Reply

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
UNSUPPORTED = (
    "I can only read text for now. Please type your message (voice notes, stickers, photos "
    "and files aren't supported yet)."
)


def now() -> datetime:
    return datetime.now(UTC)


def service(context: Context) -> ChatService:
    svc: ChatService = context.bot_data["service"]
    return svc


async def _reply(update: Update, context: Context, work: Callable[[int], list[Reply]]) -> None:
    """Resolve the user, run ``work(user_id)`` off the event loop, send the replies."""
    message = update.effective_message
    user = update.effective_user
    chat = update.effective_chat
    if message is None or user is None or chat is None:
        return
    svc = service(context)
    user_id = await asyncio.to_thread(svc.user, user.id, chat.id, now())
    try:
        await typing(context.bot, chat.id)
        replies = await asyncio.to_thread(work, user_id)
        await send(context.bot, chat.id, replies)
    except Blocked:
        log.info("user %s blocked the bot; their nudges are cancelled", user_id)
        await asyncio.to_thread(svc.deactivate, user_id, now())


async def _once(update: Update, context: Context) -> bool:
    """False for a second delivery of an update already handled (outside a practice)."""
    user = update.effective_user
    svc = service(context)
    user_id = None
    if user is not None and update.effective_chat is not None:
        user_id = await asyncio.to_thread(svc.user, user.id, update.effective_chat.id, now())
    return await asyncio.to_thread(svc.store.claim_update, update.update_id, user_id, now())


async def on_start(update: Update, context: Context) -> None:
    if await _once(update, context):
        await _reply(update, context, lambda _u: [Reply(START)])


async def on_help(update: Update, context: Context) -> None:
    if await _once(update, context):
        await _reply(update, context, lambda _u: [Reply(HELP)])


async def on_practice(update: Update, context: Context) -> None:
    if not await _once(update, context):
        return
    svc = service(context)
    persona_id, minutes, error = svc.parse_practice_args(list(context.args or []))

    def work(user_id: int) -> list[Reply]:
        if error:
            return [Reply(error)]
        if persona_id is None:
            return [svc.menu()]
        length = minutes if minutes is not None else svc.store.settings(user_id).meeting_minutes
        return svc.begin(user_id, persona_id, length, now())

    await _reply(update, context, work)


async def on_button(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is None:
        return
    svc = service(context)
    data = query.data or ""
    kind, _, rest = data.partition(":")
    await query.answer()
    if kind == "chk":
        await _check(update, context, rest)
    elif kind == "set":
        await _reply(update, context, lambda u: svc.change_setting(u, rest))
    elif kind == "delete":
        await _reply(update, context, lambda u: svc.delete(u, rest, now()))
    elif kind == "pick":
        await _reply(update, context, lambda _u: [svc.lengths(rest)])
    elif kind == "len":
        persona_id, _, raw = rest.partition(":")
        try:
            minutes = float(raw)
        except ValueError:
            minutes = svc.default_minutes
        if persona_id not in svc.store.flow.personas:
            await _reply(update, context, lambda _u: [Reply("That button has expired.")])
            return
        await _reply(update, context, lambda u: svc.begin(u, persona_id, minutes, now()))
    else:
        await _reply(update, context, lambda _u: [Reply("That button has expired.")])


async def _check(update: Update, context: Context, rest: str) -> None:
    """A tick on the arrival checklist: record it, reply, redraw (or remove) the checklist."""
    query = update.callback_query
    raw_session, _, item = rest.partition(":")
    if query is None or not raw_session.isdigit():
        await _reply(update, context, lambda _u: [Reply("That button has expired.")])
        return
    svc = service(context)
    update_id = update.update_id
    redraw: list[tuple[tuple[Button, ...], ...] | None] = []

    def work(user_id: int) -> list[Reply]:
        replies, keyboard_now = svc.check(user_id, int(raw_session), item, now(), update_id)
        redraw.append(keyboard_now)
        return replies

    await _reply(update, context, work)
    if redraw and query.message is not None:
        with contextlib.suppress(BadRequest):  # "message is not modified" is fine
            await query.edit_message_reply_markup(reply_markup=keyboard(Reply("", redraw[0] or ())))


def _command(name: str) -> Callable[[Update, Context], Coroutine[Any, Any, None]]:
    async def handler(update: Update, context: Context) -> None:
        svc = service(context)
        argument = " ".join(context.args or [])
        update_id = update.update_id
        await _reply(update, context, lambda u: svc.command(u, name, argument, now(), update_id))

    handler.__name__ = f"on_{name}"
    return handler


on_end = _command("end")
on_prepare = _command("prepare")
on_questions = _command("questions")


async def on_report(update: Update, context: Context) -> None:
    if await _once(update, context):
        await _reply(update, context, service(context).report)


async def on_history(update: Update, context: Context) -> None:
    if await _once(update, context):
        await _reply(update, context, service(context).history)


async def on_meeting(update: Update, context: Context) -> None:
    if await _once(update, context):
        argument = " ".join(context.args or [])
        await _reply(update, context, lambda u: service(context).meeting(u, argument, now()))


async def on_done(update: Update, context: Context) -> None:
    if await _once(update, context):
        await _reply(update, context, lambda u: service(context).done(u, now()))


async def on_settings(update: Update, context: Context) -> None:
    if await _once(update, context):
        await _reply(update, context, lambda u: [service(context).settings_text(u)])


async def on_progress(update: Update, context: Context) -> None:
    if await _once(update, context):
        await _reply(update, context, service(context).progress)


async def on_export(update: Update, context: Context) -> None:
    if await _once(update, context):
        await _reply(update, context, service(context).export)


async def on_delete(update: Update, context: Context) -> None:
    if await _once(update, context):
        await _reply(update, context, lambda _u: [service(context).confirm_delete(now())])


async def on_text(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None or message.text is None:
        return
    text = message.text
    update_id = update.update_id
    svc = service(context)
    await _reply(update, context, lambda u: svc.say(u, text, now(), update_id))


async def on_unsupported(update: Update, context: Context) -> None:
    if await _once(update, context):
        await _reply(update, context, lambda _u: [Reply(UNSUPPORTED)])


async def on_group(update: Update, context: Context) -> None:
    if not await _once(update, context):
        return
    link = f"https://t.me/{context.bot.username}"
    await _reply(
        update,
        context,
        lambda _u: [Reply(f"Practices are one-to-one: talk to me in a private chat: {link}")],
    )


async def on_error(update: object, context: Context) -> None:
    # The type only at ERROR: exception texts can quote the user's message or a URL.
    error = context.error
    log.error("error while handling an update: %s", type(error).__name__)
    log.debug("details", exc_info=error)
