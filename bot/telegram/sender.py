"""Sending replies to Telegram: buttons, the typing action, and the errors of real life.

``RetryAfter`` waits as long as Telegram asks; network errors and timeouts are retried a
few times with backoff (at least once: see :func:`with_retries`); a ``BadRequest`` is not
retried; ``Forbidden`` (the user blocked the bot) is reported to the caller, which marks
the user inactive. Every failure is counted in the metrics by kind.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.warnings import PTBDeprecationWarning

from bot import metrics
from bot.telegram.replies import Reply

log = logging.getLogger(__name__)

ATTEMPTS = 4
BACKOFF_SECONDS = 0.5
T = TypeVar("T")
NO_PREVIEW = {"is_disabled": True}
"""``link_preview_options``: a link in a reply is never expanded into a preview."""
SEND_MESSAGE = "sendmessage"
"""A text reply is posted through the generic ``do_api_request``, which keeps Telegram's
answer as JSON: ``send_message`` would build a ``Message`` from it that nothing reads
(about 0.1 ms of the event loop's time per message sent). Spelled in lower case, which
the Bot API accepts ("All methods in the Bot API are case-insensitive"), because
python-telegram-bot warns about a generic call to a method it has a typed one for:
issuing a warning, even one filtered out, cost about 1% of the bot's CPU under load."""


class Blocked(Exception):
    """The user blocked the bot (or left the chat): stop writing to them."""


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.label, callback_data=b.data) for b in row]
            for row in reply.buttons
        ]
    )


async def with_retries(call: Callable[[], Awaitable[T]]) -> T:
    """Run a Bot API call, honouring RetryAfter and retrying transient network errors.

    A timeout is retried too, although Telegram may have done the work and only its answer
    was lost: the Bot API has no idempotency key, so exactly once is out of reach, and a
    line the user sees twice beats a reply that never comes (at least once).
    """
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return await call()
        except Forbidden as exc:
            metrics.telegram_error("forbidden")
            raise Blocked(str(exc)) from None
        except RetryAfter as exc:
            metrics.telegram_error("retry_after")
            with warnings.catch_warnings():  # PTB 22 warns that it will become a timedelta
                warnings.simplefilter("ignore", PTBDeprecationWarning)
                wait = exc.retry_after
            seconds = wait.total_seconds() if hasattr(wait, "total_seconds") else float(wait)
            log.info("Telegram asked us to wait %.1fs", seconds)
            await asyncio.sleep(seconds)
        except BadRequest:
            metrics.telegram_error("bad_request")
            raise  # the same request would fail the same way
        except NetworkError as exc:  # TimedOut included
            metrics.telegram_error(metrics.telegram_error_kind(exc))
            if attempt == ATTEMPTS:
                raise
            log.info("Telegram call failed (%s); retrying", type(exc).__name__)
            await asyncio.sleep(BACKOFF_SECONDS * 2 ** (attempt - 1))
    raise TimedOut("Telegram kept asking us to wait")


TYPING_AFTER = 0.5
"""Seconds an answer may take before its chat shows "typing...". One ready sooner (nearly
every scripted answer: a few milliseconds) goes out with no typing action, which would
flash for an instant and cost a Bot API call: half of the calls a second that
``TELEGRAM_SEND_RATE`` allows."""


class TypingCue:
    """Shows "typing..." in a chat while its answer is prepared, if that takes a while."""

    def __init__(self, bot: Bot, chat_id: int, after: float | None = None) -> None:
        self.task: asyncio.Task[None] | None = None
        """The typing action, once the wait is over (on its way, or sent)."""
        delay = TYPING_AFTER if after is None else after
        self._timer = asyncio.get_running_loop().call_later(delay, self._show, bot, chat_id)

    def _show(self, bot: Bot, chat_id: int) -> None:
        self.task = asyncio.create_task(typing(bot, chat_id))

    def answer_ready(self) -> asyncio.Task[None] | None:
        """The answer is ready: no typing action if none has begun. Returns the action
        if one has, for the answer to go out only after it (a typing action that arrived
        after the answer would leave "typing..." under it)."""
        self._timer.cancel()
        return self.task

    def drop(self) -> None:
        """No answer is coming."""
        self._timer.cancel()
        if self.task is not None:
            self.task.cancel()


async def typing(bot: Bot, chat_id: int) -> None:
    try:
        await bot.send_chat_action(chat_id, ChatAction.TYPING)
    except (NetworkError, RetryAfter):
        pass  # only a courtesy
    except Forbidden as exc:
        raise Blocked(str(exc)) from None


async def send_one(bot: Bot, chat_id: int, reply: Reply) -> None:
    """One reply (a message, or a file with its caption), with retries."""
    if reply.attachment is not None:
        await with_retries(lambda: _send_file(bot, chat_id, reply))
        return
    fields: dict[str, object] = {
        "chat_id": chat_id,
        "text": reply.html,
        "parse_mode": ParseMode.HTML,
        "link_preview_options": NO_PREVIEW,
    }
    if (markup := keyboard(reply)) is not None:
        fields["reply_markup"] = markup
    await with_retries(lambda: bot.do_api_request(SEND_MESSAGE, api_kwargs=fields))


async def _send_file(bot: Bot, chat_id: int, reply: Reply) -> object:
    """A photo (shown inline) or a document, with the reply's HTML as caption."""
    assert reply.attachment is not None
    upload = InputFile(reply.attachment.data, filename=reply.attachment.filename)
    caption = {"caption": reply.html, "parse_mode": ParseMode.HTML}
    if reply.attachment.photo:
        return await bot.send_photo(chat_id, upload, **caption)  # type: ignore[arg-type]
    return await bot.send_document(chat_id, upload, **caption)  # type: ignore[arg-type]
