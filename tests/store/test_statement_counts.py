"""The SQL statements one update costs, pinned: every statement is a round trip to
PostgreSQL and Python work in SQLAlchemy, and the throughput under load follows their
number (issue 14). A change that adds one to the hot path fails here: if it is worth it,
raise the count in the same commit and say why.

Counted with a ``before_cursor_execute`` listener, as ChatService handles the update (the
outbox rows sent before it are settled in the same transaction, as in production)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import event

from bot.store.dispatcher import Dispatcher
from bot.store.practices import PracticeStore
from bot.telegram.service import ChatService
from tests.conftest import T0

# (SQLite, PostgreSQL); on SQLite the count includes the BEGIN IMMEDIATE
MESSAGE = (8, 3)
"""An ordinary message in a practice: its reply queued, the previous reply settled. On
PostgreSQL: the visit (the user locked, the update claimed, the settled rows forgotten,
the practice locked and read), the practice's write (with its turns), the outbox row."""
MESSAGE_WITH_NUDGE = (9, 4)
"""The message that starts the meeting's clock (it schedules the wrap-up nudge)."""
COMMAND = (8, 3)
"""A practice command (``/ready``)."""
NUDGE = (7, 5)
"""Delivering a claimed nudge (the wrap-up) and queuing its text."""


@contextmanager
def counting(store: PracticeStore) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(store.engine, "before_cursor_execute", count)


def expected(store: PracticeStore, counts: tuple[int, int]) -> int:
    return counts[1] if store.engine.dialect.name == "postgresql" else counts[0]


def test_statements_per_update(store: PracticeStore) -> None:
    service = ChatService(store)
    update_ids = iter(range(1, 1000))

    def handle(work: Callable[[Any], list[Any]]) -> list[str]:
        service.sent(99_999)  # a reply Telegram has: settled with the next update
        with counting(store) as statements:
            service.handle(42, 42, next(update_ids), T0, work)
        return statements

    handle(lambda v: service.begin(v, "dana", 20, T0))
    first = handle(lambda v: service.say(v, "Hi, I'm early, in my suit, notebook ready.", T0))
    assert len(first) == expected(store, MESSAGE)
    clock = handle(lambda v: service.say(v, "How did you get started?", T0))
    assert len(clock) == expected(store, MESSAGE_WITH_NUDGE)
    again = handle(lambda v: service.say(v, "What do you like most about it?", T0))
    assert len(again) == expected(store, MESSAGE)
    command = handle(lambda v: service.command(v, "ready", "", T0))
    assert len(command) == expected(store, COMMAND)

    def record(db: Any, delivery: Any) -> None:
        service.queue(db, delivery.user_id, 42, [], T0)

    later = T0 + timedelta(hours=1)
    dispatcher = Dispatcher(store, lambda _d: None, record=record)
    (nudge,) = dispatcher.claim(later)
    with counting(store) as statements:
        assert dispatcher.deliver_one(nudge, later)
    assert len(statements) == expected(store, NUDGE), statements


SEVERAL_MESSAGES = (3, 1)
"""A reply of three messages queued in the outbox (on SQLite a row at a time)."""


def test_a_reply_of_several_messages_is_one_insert(store: PracticeStore) -> None:
    service = ChatService(store)
    user_id = service.user(42, 42, T0)
    texts = ["first", "second", "third"]
    with store.transaction() as db, counting(store) as statements:
        ids = service.outbox.add(db, user_id, 42, [(t, []) for t in texts], T0)
    inserts = [s for s in statements if s.startswith("INSERT")]
    assert len(inserts) == expected(store, SEVERAL_MESSAGES)
    assert ids == sorted(ids) and len(set(ids)) == 3
    later = T0 + timedelta(minutes=5)  # the lease is over: claimed in the order queued
    letters = service.outbox.claim_due(later)
    assert [letter.html for letter in letters] == texts
    assert [letter.id for letter in letters] == ids


def test_a_practice_not_in_memory_reads_its_whole_row_once(store: PracticeStore) -> None:
    """The locked read fetches only the practice's key columns (its transcript is usually
    in memory); after a restart (or another process's write) the whole row is read, with
    the turns, and the transcript goes on from where it was."""
    service = ChatService(store)
    update_ids = iter(range(1, 1000))
    service.handle(42, 42, next(update_ids), T0, lambda v: service.begin(v, "dana", 20, T0))
    service.handle(42, 42, next(update_ids), T0, lambda v: service.say(v, "Hi, I'm early.", T0))
    restarted = ChatService(PracticeStore(store.engine, bot_id=store.updates.bot_id))
    restarted.user(42, 42, T0)
    restarted.sent(99_999)  # as in the pins above
    with counting(store) as statements:
        restarted.handle(
            42, 42, next(update_ids), T0, lambda v: restarted.say(v, "How did you start?", T0)
        )
    statements = [s for s in statements if "DELETE FROM processed_updates" not in s]  # hourly
    # (this message starts the meeting's clock: MESSAGE_WITH_NUDGE)
    assert len(statements) == expected(store, MESSAGE_WITH_NUDGE) + 2, statements
    assert sum("practice_sessions.scenario" in s for s in statements) == 1  # the whole row
    (practice,) = restarted.store.practices(restarted.user(42, 42, T0))
    said = [t.text for t in restarted.store.load(practice.id).turns if t.speaker == "user"]
    assert said == ["Hi, I'm early.", "How did you start?"]
