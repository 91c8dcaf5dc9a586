"""The model voice in the Telegram bot: reading a message before its update's transaction,
phrasing an answer after it.

Why phrasing happens in the postman, after the commit: the update's transaction (the
user's lock, the flow, the outbox row with the *scripted* answer) must stay short and must
never wait on a network call, or one slow model would hold a database connection and the
chat's lock (and, on SQLite, the event loop) for seconds. So the answer is committed as
scripted, which already makes it safe (nothing lost: if anything fails from here on, the
outbox sends the scripted line), and the postman asks the model for the wording while the
chat's earlier answers are still going out, keeping "typing..." alive meanwhile. What it
sends is the phrased message if the model answered in time and every guard passed, else
the scripted one; the lines shown phrased are recorded beside the scripted ones when the
message is marked sent. A message re-sent from the outbox later (its process died) goes
scripted. Like every answer, a message can arrive twice after a crash between sending and
marking (at least once), in two wordings then; never lost, never reordered.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from html import escape
from typing import TYPE_CHECKING

from bot.store.voice import PhrasedLine, voice_wanted
from bot.telegram.render import MAX_MESSAGE
from bot.telegram.replies import Reply
from bot.telegram.service import ChatService
from flows.phrasing import Hint, wants_hint

if TYPE_CHECKING:
    from telegram import Bot

    from bot.voice.model import ModelVoice

log = logging.getLogger(__name__)

TYPING_EVERY = 4.0
"""Seconds between typing actions while the model works (Telegram shows one for 5 s)."""


async def phrase_reply(voice: ModelVoice, reply: Reply) -> Reply:
    """``reply`` with each of its contact lines the model phrased in time (and that passed
    the guards) in place of the scripted one; ``phrased`` says which. Its lines are asked
    for at once; a line that fails stays scripted."""
    if not reply.voice:
        return reply
    if len(reply.voice) == 1:  # (the usual case: no gathering, no task of its own)
        results = [await voice.phrase(reply.voice[0].request)]
    else:
        results = await asyncio.gather(*(voice.phrase(line.request) for line in reply.voice))
    html = reply.html
    shown: list[PhrasedLine] = []
    for line, result in zip(reply.voice, results, strict=True):
        if result.text is None or line.html not in html:
            continue
        html = html.replace(line.html, line.prefix + escape(result.text), 1)
        shown.append(PhrasedLine(line.session_id, line.request.seq, result.text))
    if len(html) > MAX_MESSAGE:
        return replace(reply, voice=())
    return replace(reply, html=html, voice=(), phrased=tuple(shown))


async def phrase_all(voice: ModelVoice, replies: Sequence[Reply]) -> list[Reply]:
    """Every reply phrased at once; on anything unexpected, the replies as scripted."""
    try:
        if len(replies) == 1:
            return [await phrase_reply(voice, replies[0])]
        return list(await asyncio.gather(*(phrase_reply(voice, r) for r in replies)))
    except Exception as exc:
        log.error("phrasing failed (%s); the scripted lines go out", type(exc).__name__)
        return [replace(r, voice=()) for r in replies]


async def typing_meanwhile(
    bot: Bot, chat_id: int, work: asyncio.Task[list[Reply]], shown: bool = False
) -> list[Reply]:
    """``work``'s result, with the typing action renewed every TYPING_EVERY seconds until
    it is done. ``shown``: the chat shows "typing..." already; else the first comes if
    the model takes longer than an answer may before one is shown (TYPING_AFTER)."""
    from bot.telegram import sender  # (only the bot needs python-telegram-bot)

    wait = TYPING_EVERY if shown else sender.TYPING_AFTER
    while True:
        done, _ = await asyncio.wait([work], timeout=wait)
        if done:
            return work.result()
        with contextlib.suppress(Exception):  # a courtesy; sending reports a blocked user
            await sender.typing(bot, chat_id)
        wait = TYPING_EVERY


async def hint_for(
    svc: ChatService, telegram_user_id: int, chat_id: int, text: str, now: datetime
) -> Hint | None:
    """A model's reading of ``text`` when understanding is on, the rules read nothing in it,
    and its user allows the model voice and has a practice going; else None. Called
    before the update's transaction (it holds no lock while the model works)."""
    voice = svc.voice
    if voice is None or not voice.config.understand or not wants_hint(text):
        return None
    user_id = await svc.run(svc.user, telegram_user_id, chat_id, now)
    if not await svc.run(voice_wanted, svc.store, user_id):
        return None
    return await voice.understand(text)
