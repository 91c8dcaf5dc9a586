"""Handing one update to the application, and saying whether Telegram may forget it.

Both ways updates arrive use this: the webhook answers Telegram by the verdict (200, 500 or
400) and long polling moves its offset past an update only once it is ``DONE``. One
chat's updates are handled one at a time, in the order they are taken.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from contextvars import ContextVar
from enum import Enum

from telegram import Update
from telegram.ext import Application

from bot.telegram.ordering import ChatLocks, chat_of

log = logging.getLogger(__name__)

FAILED = "failed_updates"
"""``bot_data`` key: update id -> how often its handling failed here (set by on_error)."""
MAX_TRIES = 3
"""An update whose handling fails this often in one process is let go anyway: one that
can never succeed must not hold up the chat's next updates for ever."""


_ON_COMMIT: ContextVar[Callable[[], None] | None] = ContextVar("rapport_on_commit", default=None)


def committed() -> None:
    """Called by a handler once its update's work has committed: from then on a crash
    loses nothing of it (its replies wait in the outbox), so a poller may confirm it to
    Telegram and fetch the next updates while the replies are still being sent."""
    if (callback := _ON_COMMIT.get()) is not None:
        callback()


class Verdict(Enum):
    DONE = "done"
    """Handled (or a duplicate, or given up on after MAX_TRIES): Telegram may forget it."""
    RETRY = "retry"
    """Its handling failed and nothing of it was kept: Telegram should send it again."""
    REJECTED = "rejected"
    """python-telegram-bot could not even look at it (a malformed update)."""


async def take(
    app: Application,  # type: ignore[type-arg]
    chats: ChatLocks,
    update: Update,
    on_commit: Callable[[], None] | None = None,
) -> Verdict:
    """Handle ``update`` in its chat's turn; ``on_commit`` runs when its work has committed
    (see :func:`committed`). A handler's failure is recorded by the error handler
    (``bot_data[FAILED]``), which is how a transient failure is told apart."""
    failures: Counter[int] = app.bot_data.setdefault(FAILED, Counter())
    before = failures[update.update_id]
    _ON_COMMIT.set(on_commit)  # (this task's own context: the handlers run in it)
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
