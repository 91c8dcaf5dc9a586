"""Is an update shaped as the Bot API sends them? Checked before any handler runs.

python-telegram-bot builds an ``Update`` from whatever JSON arrives without checking types,
so a forged or corrupted update (a callback query whose id is an object, a chat id that is
a string, a message without a chat) would fail in a handler, be retried and then set aside.
Such an update can never succeed: it is refused at once (400 on the webhook, confirmed when
polling). Only the fields Rapport reads are checked.
"""

from __future__ import annotations

from typing import Any

from telegram import Update


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _optional_str(value: Any) -> bool:
    return value is None or isinstance(value, str)


def malformed(update: Update) -> str | None:
    """Why ``update`` cannot be a real one, or None when its fields have the Bot API's
    types."""
    if not _is_int(update.update_id):
        return "an update id that is not a number"
    message = update.effective_message
    if message is not None:
        chat = getattr(message, "chat", None)
        if chat is None:
            return "a message without a chat"
        if not _is_int(chat.id) or not isinstance(chat.type, str):
            return "a chat without a numeric id and a type"
        if not _is_int(message.message_id):
            return "a message without a numeric id"
        if not _optional_str(message.text) or not _optional_str(message.caption):
            return "a message text that is not text"
    query = update.callback_query
    if query is not None:
        if not isinstance(query.id, str) or not _optional_str(query.data):
            return "a button press without a text id and data"
        if query.from_user is None:
            return "a button press from nobody"
    user = update.effective_user
    if user is not None and not _is_int(user.id):
        return "a sender without a numeric id"
    return None
