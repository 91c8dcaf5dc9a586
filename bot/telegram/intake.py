"""Handing one update to the application, and saying whether Telegram may forget it.

Both ways updates arrive use this: the webhook answers Telegram by the verdict (200, 500 or
400) and long polling moves its offset past an update only once it is ``DONE``. One
chat's updates are handled one at a time, in the order they are taken.
"""

from __future__ import annotations

import logging
from collections import Counter
from enum import Enum

from telegram import Update
from telegram.ext import Application

from bot.telegram.handlers import FAILED
from bot.telegram.ordering import ChatLocks, chat_of

log = logging.getLogger(__name__)

MAX_TRIES = 3
"""An update whose handling fails this often in one process is let go anyway: one that
can never succeed must not hold up the chat's next updates for ever."""


class Verdict(Enum):
    DONE = "done"
    """Handled (or a duplicate, or given up on after MAX_TRIES): Telegram may forget it."""
    RETRY = "retry"
    """Its handling failed and nothing of it was kept: Telegram should send it again."""
    REJECTED = "rejected"
    """python-telegram-bot could not even look at it (a malformed update)."""


async def take(app: Application, chats: ChatLocks, update: Update) -> Verdict:  # type: ignore[type-arg]
    """Handle ``update`` in its chat's turn. A handler's failure is recorded by the error
    handler (``bot_data[FAILED]``), which is how a transient failure is told apart."""
    failures: Counter[int] = app.bot_data.setdefault(FAILED, Counter())
    before = failures[update.update_id]
    try:
        async with chats.hold(chat_of(update)):
            await app.process_update(update)
    except Exception as exc:  # raised before any handler: python-telegram-bot's own
        # bookkeeping choking on the update's shape (say, a chat id that is a list)
        log.info("update %s rejected: %s", update.update_id, type(exc).__name__)
        failures.pop(update.update_id, None)
        return Verdict.REJECTED
    tries = failures.pop(update.update_id, 0)
    if tries > before:  # it failed: nothing of it was committed
        if tries < MAX_TRIES:
            failures[update.update_id] = tries
            return Verdict.RETRY  # processed once, when it works
        log.error("update %s failed %s times here; dropped", update.update_id, tries)
    return Verdict.DONE
