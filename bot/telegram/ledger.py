"""The outbox as the chat service sees it: replies queued in an update's transaction, and
the messages Telegram has taken, remembered until a transaction marks them sent.

Marking rides on the next transaction (an update's, or one of its own when none comes), so
a message sent costs no transaction of its own; if that transaction fails, the ids are
given back to be marked with the next one."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime

from sqlalchemy.orm import Session as DbSession

from bot.store.outbox import Outbox
from bot.store.voice import PhrasedLine, record_phrased
from bot.telegram.replies import Reply, fitting, reply_of


class Ledger:
    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox
        self._sent: list[int] = []
        self._phrased: list[PhrasedLine] = []
        self._sent_lock = threading.Lock()

    def queue(
        self,
        db: DbSession,
        user_id: int,
        chat_id: int,
        replies: list[Reply],
        now: datetime,
        update_id: int | None = None,
    ) -> list[Reply]:
        """Put ``replies`` in the outbox in the caller's transaction (files excepted). A
        reply longer than Telegram allows goes as several messages (buttons on the last)."""
        replies = [part for r in replies for part in fitting(r)]
        texts = [r for r in replies if r.attachment is None and r.keep]
        ids = iter(
            self.outbox.add(
                db,
                user_id,
                chat_id,
                [(r.html, [[(b.label, b.data) for b in row] for row in r.buttons]) for r in texts],
                now,
                update_id,
            )
        )
        queued = {id(r) for r in texts}
        return [replace(r, outbox_id=next(ids)) if id(r) in queued else r for r in replies]

    def resend(self, db: DbSession, update_id: int, now: datetime) -> list[Reply]:
        # Their lease ran out, so they are late: sent without their (stale) buttons.
        letters = self.outbox.unsent_answer(db, update_id, now)
        return [reply_of(letter, buttons=False) for letter in letters]

    def sent(self, outbox_id: int, phrased: tuple[PhrasedLine, ...] = ()) -> None:
        """Telegram has this outbox message (and these lines of it phrased by the model):
        it is marked with the next transaction."""
        with self._sent_lock:
            self._sent.append(outbox_id)
            self._phrased += phrased

    def unmarked_ids(self) -> list[int]:
        """The sent messages waiting to be marked (their rows are still pending)."""
        with self._sent_lock:
            return list(self._sent)

    def unmarked(self) -> bool:
        """Whether sent messages wait to be marked."""
        return bool(self._sent)

    @contextmanager
    def marking(self, db: DbSession, settle: bool = True) -> Iterator[list[int]]:
        """Take the sent messages into this transaction; give them back if it fails.
        ``settle=False``: the caller forgets the rows it is handed (with the visit)."""
        with self._sent_lock:
            ids, self._sent = self._sent, []
            phrased, self._phrased = self._phrased, []
        try:
            if settle:
                self.outbox.settle(db, ids)
            record_phrased(db, phrased)
            yield ids
        except BaseException:
            with self._sent_lock:
                self._sent = ids + self._sent
                self._phrased = phrased + self._phrased
            raise
