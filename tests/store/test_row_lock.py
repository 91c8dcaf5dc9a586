"""The practice's row and its live nudges are read in one statement, under the row lock.

On PostgreSQL a statement that waited for the lock returns the row as its holder committed
it but the rest (the nudges) as they stood when it began: the store must notice and read
the nudges again, or a nudge scheduled by the holder would never be cancelled."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import Connection, Transaction, insert, text

from bot.store.practice_sql import NUDGES
from bot.store.practices import PracticeStore
from tests.conftest import T0


def hold_the_row_and_add_a_nudge(
    store: PracticeStore,
) -> tuple[int, int, Connection, Transaction]:
    """A practice whose row another connection holds locked, in an open transaction that
    bumped its version and scheduled a wrap-up nudge: (user, practice, holder, its
    transaction)."""
    user = store.user_id("k", T0)
    sid = store.start(user, "dana", now=T0, seed=1, minutes=20).session_id
    holder = store.engine.connect()
    held = holder.begin()
    holder.execute(
        text("UPDATE practice_sessions SET version = version + 1 WHERE id = :i"), {"i": sid}
    )
    holder.execute(
        insert(NUDGES).values(
            user_id=user,
            session_id=sid,
            kind="wrap_up",
            due_at=T0,
            status="pending",
            attempts=0,
            created_at=T0,
        )
    )
    return user, sid, holder, held


def test_nudges_read_while_waiting_for_the_lock_are_read_again(store: PracticeStore) -> None:
    if not store.parallel_writers:
        pytest.skip("SQLite's single writer never lets a reader wait for a row lock")
    _, sid, holder, held = hold_the_row_and_add_a_nudge(store)
    seen: list[dict[str, object]] = []

    def waiter() -> None:
        with store.transaction() as db:
            row, nudges = store._locked(db, sid)
            seen.append(store._session(db, row, nudges).nudges)

    thread = threading.Thread(target=waiter)
    thread.start()
    with store.engine.connect() as watcher:
        for _ in range(500):  # until the waiter waits for the lock
            waiting = watcher.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
            ).scalar_one()
            if waiting:
                break
            time.sleep(0.01)
    held.commit()
    holder.close()
    thread.join(10)
    assert seen and "wrap_up" in seen[0]


def test_a_visit_that_waited_for_the_practice_lock_reads_the_nudges_again(
    store: PracticeStore,
) -> None:
    """On PostgreSQL an update's first statement also locks and reads the user's current
    practice (for the event to come): when it had to wait for that lock (a nudge being
    delivered), the event sees the holder's write and its nudges, not the ones before."""
    if not store.parallel_writers:
        pytest.skip("SQLite's single writer never lets a reader wait for a row lock")
    user, sid, holder, held = hold_the_row_and_add_a_nudge(store)
    seen: list[tuple[int | None, int, dict[str, object]]] = []

    def waiter() -> None:
        with store.transaction() as db:
            visit = store.visit(db, user, 7, T0)
            assert visit is not None
            row, nudges = store._locked(db, sid)  # (read ahead by the visit)
            seen.append((visit.practice, row.version, store._session(db, row, nudges).nudges))

    thread = threading.Thread(target=waiter)
    thread.start()
    with store.engine.connect() as watcher:
        for _ in range(500):  # until the waiter waits for the lock
            waiting = watcher.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND datname = current_database()"
                )
            ).scalar_one()
            if waiting:
                break
            time.sleep(0.01)
    held.commit()
    holder.close()
    thread.join(10)
    assert seen, "the visit never finished"
    practice, version, nudges = seen[0]
    with store.engine.connect() as reader:
        committed = reader.execute(
            text("SELECT version FROM practice_sessions WHERE id = :i"), {"i": sid}
        ).scalar_one()
    assert practice == sid and version == committed  # the row as the holder committed it
    assert "wrap_up" in nudges
