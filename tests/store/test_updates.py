"""One Telegram update = one transaction (ChatService.handle over PracticeStore.visit),
on SQLite and PostgreSQL: where the user stands, duplicates, rollbacks, unblocking."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.store.meetings import MeetingStore
from bot.store.outbox import LEASE
from bot.store.practices import PracticeStore, Visit
from bot.telegram.replies import Reply
from bot.telegram.service import ChatService
from tests.conftest import T0


def visit(store: PracticeStore, user_id: int, update_id: int | None) -> Visit | None:
    with store.transaction() as db:
        return store.visit(db, user_id, update_id, T0)


def test_a_visit_says_where_the_user_stands(store: PracticeStore) -> None:
    user = store.user_id("telegram:1", T0)
    assert visit(store, user, 1) == Visit(user)
    practice = store.start(user, "dana", now=T0, seed=1, minutes=20).session_id
    meetings = MeetingStore(store)
    meetings.start(user, T0, 20, heads_up=False)
    ended = meetings.done(user, T0 + timedelta(minutes=25))  # waits for "who did you meet?"
    assert visit(store, user, 2) == Visit(user, practice=practice, follow_up=ended)
    assert visit(store, user, 2) == Visit(user, duplicate=True)  # update 2 again
    assert visit(store, user + 99, 3) is None  # no such user


def test_an_update_that_fails_leaves_nothing_behind_and_can_come_again(
    store: PracticeStore,
) -> None:
    service = ChatService(store)
    user = service.user(7, 7, T0)
    sid = store.start(user, "helen", now=T0, seed=2, minutes=20).session_id
    turns = len(store.load(sid).turns)

    def crash(v: Visit) -> list[Reply]:
        service.say(v, "Hello, I'm ready", T0)
        raise RuntimeError("the process died here")

    with pytest.raises(RuntimeError):
        service.handle(7, 7, 500, T0, crash)
    assert len(store.load(sid).turns) == turns  # the turn was rolled back with the claim
    replies = service.handle(7, 7, 500, T0, lambda v: service.say(v, "Hello, I'm ready", T0))
    assert replies and len(store.load(sid).turns) > turns  # delivered again: processed now
    turns_now = len(store.load(sid).turns)
    again = service.handle(7, 7, 500, T0, lambda v: service.say(v, "Hello, I'm ready", T0))
    assert again == []  # processed once; its answer is still leased to its sender
    assert len(store.load(sid).turns) == turns_now
    # The sender died without marking it sent: once the lease is over, a re-delivery of the
    # update gets the queued answer to send again (and nothing is processed twice).
    later = T0 + LEASE + timedelta(seconds=1)
    again = service.handle(7, 7, 500, later, lambda v: service.say(v, "Hello, I'm ready", later))
    assert [r.html for r in again] == [r.html for r in replies]
    assert len(store.load(sid).turns) == turns_now
    for reply in again:  # Telegram took them: marked with the next transaction
        service.sent(reply.outbox_id or 0)
    assert service.outbox.pending() == len(again)
    service.mark_sent()
    assert service.outbox.pending() == 0
    assert service.handle(7, 7, 500, later, lambda v: service.say(v, "Hi", later)) == []


def test_writing_again_unblocks_a_user(store: PracticeStore) -> None:
    service = ChatService(store)
    user = service.user(8, 8, T0)
    service.deactivate(user, T0)
    assert store.chat_id(user) is None  # not reachable: no nudges
    service.handle(8, 8, 600, T0, lambda _v: [])
    assert store.chat_id(user) == 8
