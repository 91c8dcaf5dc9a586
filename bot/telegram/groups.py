"""Groups: practices are one-to-one, so in a group the bot only points to its private chat.

Once per group message at most: an edit, a second delivery (recorded among the processed
updates, with no user) or a service message ("X joined") gets nothing, and a group is
pointed there at most once every :data:`POINTER_SECONDS` (one pointer on screen serves
everyone who asks meanwhile). Nothing about the sender is stored: a member who only
writes in a group has told the bot nothing of theirs, and a message may come from no
person at all (an anonymous admin is ``@GroupAnonymousBot``, a channel ``@Channel_Bot``).
The pointer is sent straight away, not through the outbox: it is no one's data, and a
lost one costs a second /practice.
"""

from __future__ import annotations

from datetime import datetime

from bot.store.practices import PracticeStore

POINTERS = "group_pointers"
"""``bot_data`` key: this process's :class:`Pointers`."""
POINTER_SECONDS = 60.0
"""How long one pointer in a group serves."""
REMEMBERED = 10_000
"""Groups whose last pointer is remembered before the stale ones are forgotten."""


class Pointers:
    """When each group was last pointed to the private chat (this process's memory)."""

    def __init__(self, seconds: float = POINTER_SECONDS) -> None:
        self.seconds = seconds
        self._last: dict[int, float] = {}

    def due(self, chat_id: int, now: float) -> bool:
        """Whether ``chat_id`` gets a pointer at ``now`` (monotonic seconds); if so, it is
        counted as given."""
        last = self._last.get(chat_id)
        if last is not None and now - last < self.seconds:
            return False
        if len(self._last) >= REMEMBERED:
            self._last = {c: t for c, t in self._last.items() if now - t < self.seconds}
        self._last[chat_id] = now
        return True


def first_delivery(store: PracticeStore, update_id: int, now: datetime) -> bool:
    """Record a group message's update as processed (no user); False for a duplicate."""
    with store.transaction() as db:
        return store.updates.claim(db, update_id, None, now)
