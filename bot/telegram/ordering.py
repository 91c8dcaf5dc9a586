"""Updates of different chats at the same time; one chat's updates one at a time, in order.

A practice is a conversation: a user's second message must not overtake their first. But
one slow chat (a database commit, a Telegram round trip) must not hold up the others
either, so each chat gets its own lock, kept only while someone holds or waits for it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram import Update


class ChatLocks:
    """One asyncio lock per chat, dropped when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}

    def __len__(self) -> int:
        return len(self._locks)

    @asynccontextmanager
    async def hold(self, chat_id: int | None) -> AsyncIterator[None]:
        if chat_id is None:
            yield
            return
        lock, users = self._locks.get(chat_id, (asyncio.Lock(), 0))
        self._locks[chat_id] = (lock, users + 1)
        try:
            async with lock:  # asyncio.Lock wakes its waiters first come, first served
                yield
        finally:
            lock, users = self._locks[chat_id]
            if users == 1:
                del self._locks[chat_id]
            else:
                self._locks[chat_id] = (lock, users - 1)


def chat_of(update: object) -> int | None:
    """The update's chat id (None when it has none, or when a malformed update carries
    something else there)."""
    if isinstance(update, Update) and update.effective_chat is not None:
        chat_id = update.effective_chat.id
        return chat_id if type(chat_id) is int else None
    return None
