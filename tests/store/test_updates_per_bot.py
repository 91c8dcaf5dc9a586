"""Processed updates are kept per bot and pruned (SQLite and PostgreSQL): another bot on
the same database, or a restarted update sequence, is never taken for a duplicate."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, insert, select

from bot.store.models import ProcessedUpdate
from bot.store.outbox import LEASE, Outbox
from bot.store.practices import PracticeStore, Visit
from bot.store.updates import KEEP, bot_id_of
from bot.telegram.replies import Reply
from bot.telegram.service import ChatService
from tests.conftest import T0

HELLO = [Reply("hello")]


def test_the_bot_id_is_the_token_prefix() -> None:
    assert bot_id_of("123456:ABCdef") == 123456
    assert bot_id_of("nonsense") == 0


def test_two_bots_on_one_database_each_handle_their_own_update_7(store: PracticeStore) -> None:
    first = ChatService(PracticeStore(store.engine, store.flow, bot_id=111))
    second = ChatService(PracticeStore(store.engine, store.flow, bot_id=222))
    assert first.handle(5, 5, 7, T0, lambda _v: HELLO)
    assert second.handle(5, 5, 7, T0, lambda _v: HELLO), "bot 222's update 7 was dropped"
    assert first.handle(5, 5, 7, T0, lambda _v: HELLO) == []  # bot 111's own duplicate


def test_the_outbox_resends_only_its_own_bots_answer(store: PracticeStore) -> None:
    first = PracticeStore(store.engine, store.flow, bot_id=111)
    second = PracticeStore(store.engine, store.flow, bot_id=222)
    assert ChatService(first).handle(5, 5, 7, T0, lambda _v: HELLO)
    later = T0 + LEASE + timedelta(seconds=1)
    with second.transaction() as db:
        assert Outbox(second).unsent_answer(db, 7, later) == []
    with first.transaction() as db:
        assert [letter.html for letter in Outbox(first).unsent_answer(db, 7, later)] == ["hello"]


def test_old_processed_updates_are_pruned_so_a_restarted_sequence_is_handled(
    store: PracticeStore,
) -> None:
    service = ChatService(PracticeStore(store.engine, store.flow, bot_id=111))
    handled: list[int] = []

    def work(_visit: Visit) -> list[Reply]:
        handled.append(1)
        return HELLO

    service.handle(5, 5, 1, T0, work)
    service.handle(5, 5, 2, T0 + KEEP - timedelta(hours=1), work)
    assert len(handled) == 2
    # Days later Telegram starts the sequence again: update 1 is a new one.
    service.handle(5, 5, 1, T0 + KEEP + timedelta(hours=2), work)
    assert len(handled) == 3, "the new update 1 was taken for a duplicate"
    assert ids(store.engine) == [(111, 1), (111, 2)]  # the old 1 went, the recent 2 stayed


def test_rows_from_before_bot_ids_are_adopted_by_the_bot(store: PracticeStore) -> None:
    with store.engine.begin() as connection:
        connection.execute(insert(ProcessedUpdate).values(bot_id=0, update_id=9, processed_at=T0))
    own = PracticeStore(store.engine, store.flow, bot_id=111)
    with own.transaction() as db:
        own.updates.adopt(db)
    assert ids(store.engine) == [(111, 9)]
    assert ChatService(own).handle(5, 5, 9, T0, lambda _v: HELLO) == []  # still a duplicate


def ids(engine: Engine) -> list[tuple[int, int]]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(ProcessedUpdate.bot_id, ProcessedUpdate.update_id).order_by(
                ProcessedUpdate.bot_id, ProcessedUpdate.update_id
            )
        )
        return [(int(b), int(u)) for b, u in rows]
