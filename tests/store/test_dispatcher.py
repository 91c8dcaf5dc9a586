"""The nudge dispatcher: due nudges delivered once, on time, and never lost."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

from sqlalchemy import select, update

from bot.store.dispatcher import LEASE, MAX_ATTEMPTS, Dispatcher
from bot.store.models import NudgeRow
from bot.store.practices import Delivery, PracticeStore
from tests.conftest import T0


class Inbox:
    def __init__(self) -> None:
        self.items: list[tuple[int, str, str]] = []

    def __call__(self, delivery: Delivery) -> None:
        assert delivery.practice is not None
        for effect in delivery.effects:
            text = getattr(getattr(effect, "turn", None), "text", "")
            self.items.append((delivery.practice.session_id, delivery.nudge.kind, text))


def practice_in_conversation(store: PracticeStore, minutes: float = 20, **scenario: str) -> int:
    user = store.user_id("local", T0)
    sid = store.start(user, "dana", now=T0, seed=5, minutes=minutes, scenario=scenario).session_id
    store.message(sid, "Hello, I'm ready", T0)
    return sid


def statuses(store: PracticeStore) -> list[str]:
    with store.transaction() as db:
        return list(db.scalars(select(NudgeRow.status).order_by(NudgeRow.id)))


def test_a_due_nudge_is_delivered_once(store: PracticeStore) -> None:
    sid = practice_in_conversation(store)
    inbox = Inbox()
    dispatcher = Dispatcher(store, inbox, worker_id="a")
    assert dispatcher.run_once(T0 + timedelta(minutes=19)) == 0  # not yet due
    assert dispatcher.run_once(T0 + timedelta(minutes=20)) == 1
    assert dispatcher.run_once(T0 + timedelta(minutes=25)) == 0
    assert [(s, k) for s, k, _ in inbox.items] == [(sid, "wrap_up")]
    assert statuses(store) == ["sent"]
    nudges = [t for t in store.load(sid).turns if t.speaker == "nudge"]
    assert len(nudges) == 1


def test_a_nudge_for_a_practice_that_moved_on_is_cancelled_not_sent(store: PracticeStore) -> None:
    sid = practice_in_conversation(store)
    inbox = Inbox()
    dispatcher = Dispatcher(store, inbox, worker_id="a")
    claimed = dispatcher.claim(T0 + timedelta(minutes=20))
    store.command(sid, "end", "", T0 + timedelta(minutes=20))  # the user ends it meanwhile
    assert [dispatcher.deliver_one(n, T0 + timedelta(minutes=20)) for n in claimed] == [False]
    assert inbox.items == []
    assert statuses(store) == ["cancelled"]


def test_after_a_restart_an_overdue_nudge_is_delivered_once_with_a_note(
    store: PracticeStore,
) -> None:
    practice_in_conversation(store)
    inbox = Inbox()
    # "Restart": a new dispatcher (and store) long after the mark.
    later = T0 + timedelta(hours=3)
    Dispatcher(PracticeStore(store.engine), inbox, worker_id="b").run_once(later)
    assert len(inbox.items) == 1
    assert "this reminder is late" in inbox.items[0][2]
    assert statuses(store) == ["sent"]


def test_a_claim_whose_worker_died_is_taken_over_after_the_lease(store: PracticeStore) -> None:
    practice_in_conversation(store)
    due = T0 + timedelta(minutes=20)
    dead = Dispatcher(store, Inbox(), worker_id="dead")
    assert len(dead.claim(due)) == 1  # ... and then it crashes before delivering
    inbox = Inbox()
    alive = Dispatcher(store, inbox, worker_id="alive")
    assert alive.run_once(due + LEASE / 2) == 0  # still leased to the dead worker
    assert alive.run_once(due + LEASE + timedelta(seconds=1)) == 1
    assert len(inbox.items) == 1
    # The dead worker coming back cannot deliver it a second time.
    with store.transaction() as db:
        nudge_id = db.scalars(select(NudgeRow.id)).one()
    assert dead.deliver_one(nudge_id, due + LEASE * 2) is False
    assert len(inbox.items) == 1


def test_a_nudge_that_keeps_failing_is_marked_failed_not_lost(store: PracticeStore) -> None:
    practice_in_conversation(store)
    with store.transaction() as db:
        db.execute(
            update(NudgeRow).values(status="claimed", attempts=MAX_ATTEMPTS, claimed_until=T0)
        )
    Dispatcher(store, Inbox()).run_once(T0 + timedelta(minutes=30))
    with store.transaction() as db:
        nudge = db.scalars(select(NudgeRow)).one()
        assert nudge.status == "failed" and "gave up" in (nudge.outcome or "")


def test_the_loop_sleeps_until_the_next_due_time_and_can_be_woken(store: PracticeStore) -> None:
    start = datetime.now(T0.tzinfo)
    user = store.user_id("local", start)
    sid = store.start(user, "dana", now=start, seed=5, minutes=0.02).session_id  # 1.2 s
    inbox = Inbox()
    dispatcher = Dispatcher(store, inbox, worker_id="loop", poll=0.2)
    stop = threading.Event()

    def clock() -> datetime:
        return datetime.now(T0.tzinfo)

    thread = threading.Thread(target=dispatcher.run, args=(stop, clock), daemon=True)
    thread.start()
    store.message(sid, "Hello, I'm ready", clock())
    dispatcher.wake()
    deadline = time.monotonic() + 10
    while not inbox.items and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    dispatcher.wake()
    thread.join(timeout=5)
    assert [k for _, k, _ in inbox.items] == ["wrap_up"]
    with store.transaction() as db:
        nudge = db.scalars(select(NudgeRow)).one()
        late = (nudge.finished_at - nudge.due_at).total_seconds()  # type: ignore[operator]
    assert 0 <= late < 1.0
