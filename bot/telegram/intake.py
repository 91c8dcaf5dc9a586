"""Handing one update to the application, and saying whether Telegram may forget it.

Both ways updates arrive use this: the webhook answers Telegram by the verdict (200, 503,
500 or 400) and long polling moves its offset past an update only once it is ``DONE``.
One chat's updates are handled one at a time, in the order they are taken.

Why an update failed decides what happens to it (the error handler records it):

- the database (or the network) was unusable: an *outage*. The update is kept, however
  long the outage lasts: the poller backs off and fetches it again, the webhook answers
  503 so that Telegram sends it again. Nothing of it was committed.
- anything else is a bug on that input, which fails the same way every time: after
  ``MAX_TRIES`` the update is *set aside*: recorded as such, with the reason, among the
  processed updates (so it stops holding up its chat), and logged without its text.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.store.outage import is_transient
from bot.telegram.ordering import ChatLocks, chat_of
from bot.telegram.shape import malformed

log = logging.getLogger(__name__)

FAILED = "failed_updates"
"""``bot_data`` key: update id -> how often its handling failed here for a reason of its
own (set by on_error)."""
WHY = "failure_reasons"
"""``bot_data`` key: update id -> the latest such failure's kind (an exception type)."""
OUTAGE = "outage_updates"
"""``bot_data`` key: update id -> why its latest try met an outage (set by on_error)."""
LOADED = "loaded"
"""``bot_data`` key: a future that is True once what handles updates is set up, in the
background (the bot's post_init); False if that failed (the bot then stops). Updates wait
for it in their chat's turn; after a failure they are not handled, and come again."""
MAX_TRIES = 3
"""An update whose handling fails this often in one process for a reason of its own is
set aside: one that can never succeed must not hold up the chat's next updates for
ever. Outages never count."""


_ON_COMMIT: ContextVar[Callable[[], None] | None] = ContextVar("rapport_on_commit", default=None)


def committed() -> None:
    """Called by a handler once its update's work has committed: from then on a crash
    loses nothing of it (its replies wait in the outbox), so a poller may confirm it to
    Telegram and fetch the next updates while the replies are still being sent."""
    if (callback := _ON_COMMIT.get()) is not None:
        callback()


class Verdict(Enum):
    DONE = "done"
    """Handled (or a duplicate, or set aside after MAX_TRIES): Telegram may forget it."""
    RETRY = "retry"
    """Its handling failed and nothing of it was kept: Telegram should send it again."""
    OUTAGE = "outage"
    """The database (or network) was unusable: nothing kept; send it again after a while."""
    REJECTED = "rejected"
    """python-telegram-bot could not even look at it (a malformed update)."""


def note_failure(bot_data: dict[str, Any], update_id: int, error: BaseException | None) -> None:
    """The error handler's record of why ``update_id``'s handling failed."""
    if error is not None and is_outage(error):
        bot_data.setdefault(OUTAGE, {})[update_id] = type(error).__name__
        return
    failures: Counter[int] = bot_data.setdefault(FAILED, Counter())
    failures[update_id] += 1
    bot_data.setdefault(WHY, {})[update_id] = type(error).__name__


def is_outage(error: BaseException) -> bool:
    """The database unusable for now, or the network (a failure worth another try)."""
    from telegram.error import BadRequest, NetworkError

    if isinstance(error, BadRequest):
        return False
    return is_transient(error) or isinstance(error, OSError | NetworkError)


async def take(
    app: Application,  # type: ignore[type-arg]
    chats: ChatLocks,
    update: Update,
    on_commit: Callable[[], None] | None = None,
) -> Verdict:
    """Handle ``update`` in its chat's turn; ``on_commit`` runs when its work has committed
    (see :func:`committed`). A handler's failure is recorded by the error handler
    (:func:`note_failure`), which is how an outage is told apart from a bug."""
    update_id = update.update_id
    failures: Counter[int] = app.bot_data.setdefault(FAILED, Counter())
    outages: dict[int, str] = app.bot_data.setdefault(OUTAGE, {})
    before = failures[update_id]
    outages.pop(update_id, None)
    if (why := malformed(update)) is not None:
        # It would fail in a handler every time, answered 5xx until set aside.
        log.info("update %s rejected: %s", update_id, why)
        return Verdict.REJECTED
    _ON_COMMIT.set(on_commit)  # (this task's own context: the handlers run in it)
    try:
        async with chats.hold(chat_of(update)):
            loaded: asyncio.Future[bool] | None = app.bot_data.get(LOADED)
            if loaded is not None:
                await asyncio.wait({loaded})  # (never cancels it)
                if not loaded.result():
                    return Verdict.RETRY  # nothing of it was done
            await app.process_update(update)
    except Exception as exc:  # raised before any handler: python-telegram-bot's own
        # bookkeeping choking on the update's shape (say, a chat id that is a list)
        log.info("update %s rejected: %s", update_id, type(exc).__name__)
        failures.pop(update_id, None)
        return Verdict.REJECTED
    if outages.pop(update_id, None) is not None:
        return Verdict.OUTAGE  # kept, however long it lasts
    tries = failures.pop(update_id, 0)
    reason = app.bot_data.get(WHY, {}).pop(update_id, "unknown")
    if tries > before:  # it failed: nothing of it was committed
        if tries < MAX_TRIES:
            failures[update_id] = tries
            return Verdict.RETRY  # processed once, when it works
        return await _set_aside(app, update_id, tries, reason)
    return Verdict.DONE


async def _set_aside(
    app: Application,  # type: ignore[type-arg]
    update_id: int,
    tries: int,
    reason: str,
) -> Verdict:
    """Record that ``update_id`` failed ``tries`` times (never its text) and let it go."""
    service = app.bot_data.get("service")
    why = f"failed {tries} times ({reason})"
    if service is not None:
        try:
            await service.run(service.set_aside, update_id, why, datetime.now(UTC))
        except Exception as exc:  # the database went away meanwhile: try it all again later
            log.warning(
                "update %s: recording it as set aside failed (%s)", update_id, type(exc).__name__
            )
            app.bot_data[FAILED][update_id] = tries
            app.bot_data.setdefault(WHY, {})[update_id] = reason
            return Verdict.OUTAGE if is_outage(exc) else Verdict.RETRY
    log.error("update %s set aside: it %s", update_id, why)
    return Verdict.DONE
