"""Rows put back after Telegram kept failing are taken back for the chat's next answer,
unless some sender has claimed them since (then they are that sender's to send)."""

from __future__ import annotations

from datetime import timedelta

from bot.store.outbox import LEASE, backoff
from bot.store.practices import PracticeStore
from bot.telegram.service import ChatService
from tests.conftest import T0


def put_back(store: PracticeStore) -> tuple[ChatService, list[int], dict[int, int]]:
    """Two messages queued for chat 42 whose sending failed: put back with a backoff."""
    service = ChatService(store)
    user_id = service.user(42, 42, T0)
    with store.transaction() as db:
        ids = service.outbox.add(db, user_id, 42, [("one", []), ("two", [])], T0)
    return service, ids, service.outbox.retry_later(ids, T0)


def test_rows_put_back_are_taken_back_in_order_and_only_once(store: PracticeStore) -> None:
    service, ids, held = put_back(store)
    assert held == {ids[0]: 1, ids[1]: 1}
    assert service.outbox.claim_due(T0 + backoff(1) / 2) == []  # backing off
    soon = T0 + timedelta(seconds=1)
    letters = service.outbox.retake(held, soon)
    assert [letter.html for letter in letters] == ["one", "two"]
    assert service.outbox.retake(held, soon) == []  # taken: attempts moved on
    assert service.outbox.claim_due(soon + LEASE / 2) == []  # leased to the taker


def test_a_row_claimed_since_is_not_taken_back(store: PracticeStore) -> None:
    service, _, held = put_back(store)
    later = T0 + backoff(1) + timedelta(seconds=1)
    claimed = service.outbox.claim_due(later)  # another sender's pass, once it was due
    assert [letter.html for letter in claimed] == ["one", "two"]
    assert service.outbox.retake(held, later) == []
