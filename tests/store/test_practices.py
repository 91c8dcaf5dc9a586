"""Practices in the database: one transaction per message, nothing lost, nothing doubled."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.store.accounts import delete_user, export_user
from bot.store.models import NudgeRow, PracticeSession, TurnRow
from bot.store.practices import NotFound, PracticeStore, UserSettings
from bot.terminal.practice import LocalPractice
from bot.terminal.script import Say, Wait, parse_script
from flows.engine import Engine
from tests.conftest import T0

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"


def count(store: PracticeStore, model: type, **where: object) -> int:
    with store.transaction() as db:
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return int(db.scalar(query) or 0)


def test_a_stored_practice_matches_the_in_memory_one(store: PracticeStore) -> None:
    user = store.user_id("local", T0)
    scenario = {"tangent": "yes", "stay": "yes", "referrals": "names"}
    stored = store.start(user, "dana", now=T0, seed=3, minutes=20, scenario=scenario)
    session, _ = Engine().start("dana", now=T0, seed=3, minutes=20, scenario=scenario)
    memory = LocalPractice(Engine(), session)
    now = T0
    for step in parse_script((SCRIPTS / "exemplary.txt").read_text().splitlines()):
        if isinstance(step, Wait):
            now += step.delta
        elif isinstance(step, Say):
            memory_effects = memory.message(step.text, now)
            assert store.message(stored.session_id, step.text, now).effects == memory_effects
    reloaded = store.load(stored.session_id)
    assert reloaded.to_dict() == memory.session.to_dict()
    with store.transaction() as db:
        row = db.get(PracticeSession, stored.session_id)
        assert row is not None and row.state == "done" and row.score == 100
        assert row.scorecard is not None and row.scorecard["score"] == 100
        assert row.version > 10  # bumped by every event


def test_wrap_up_nudge_is_stored_and_cancelled_when_the_time_is_raised(
    store: PracticeStore,
) -> None:
    user = store.user_id("local", T0)
    sid = store.start(user, "priya", now=T0, seed=1, minutes=20, scenario={"stay": "no"}).session_id
    store.message(sid, "Hi, I'm ready", T0)
    with store.transaction() as db:
        nudge = db.scalars(select(NudgeRow)).one()
        assert (nudge.kind, nudge.status, nudge.due_at) == (
            "wrap_up",
            "pending",
            T0 + timedelta(minutes=20),
        )
    store.message(sid, "I see our time is nearly up", T0 + timedelta(minutes=18))
    with store.transaction() as db:
        assert db.scalars(select(NudgeRow.status)).all() == ["cancelled"]


def test_questions_are_kept_per_user(store: PracticeStore) -> None:
    a, b = store.user_id("telegram:1", T0), store.user_id("telegram:2", T0)
    store.add_question(a, "How did you start?", T0)
    store.add_question(a, "What do you like least?", T0)
    assert store.questions(a) == ["How did you start?", "What do you like least?"]
    assert store.questions(b) == []
    assert store.user_id("telegram:1", T0) == a


def test_other_users_practices_are_not_found(store: PracticeStore) -> None:
    a, b = store.user_id("telegram:1", T0), store.user_id("telegram:2", T0)
    sid = store.start(a, "dana", now=T0, seed=1, minutes=20).session_id
    with pytest.raises(NotFound):
        store.load(sid, user_id=b)
    assert store.unfinished(a) == sid and store.unfinished(b) is None


def test_concurrent_messages_to_one_practice_never_interleave(store: PracticeStore) -> None:
    user = store.user_id("local", T0)
    sid = store.start(
        user, "marcus", now=T0, seed=2, minutes=20, scenario={"stay": "no"}
    ).session_id
    store.message(sid, "ready", T0)
    texts = [f"What is a typical day like, part {i}?" for i in range(16)]
    errors: list[BaseException] = []

    def send(text: str) -> None:
        try:
            store.message(sid, text, T0 + timedelta(minutes=1))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(t,)) for t in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    turns = store.load(sid).turns
    users = [t for t in turns if t.speaker == "user"]
    assert sorted(t.text for t in users[1:]) == sorted(texts)  # every message, once
    for i, turn in enumerate(turns):  # each message is followed by its own reply
        if turn.speaker == "user" and turn.text in texts:
            assert turns[i + 1].speaker == "contact"
    with store.transaction() as db:
        seqs = db.scalars(select(TurnRow.seq).where(TurnRow.session_id == sid)).all()
        assert sorted(seqs) == list(range(len(turns)))


def test_export_holds_everything_and_delete_leaves_nothing(store: PracticeStore) -> None:
    user = store.user_id("telegram:7", T0, telegram_user_id=7, chat_id=70)
    other = store.user_id("telegram:8", T0, telegram_user_id=8, chat_id=80)
    store.add_question(user, "How did you start?", T0)
    for uid in (user, other):
        sid = store.start(uid, "tomas", now=T0, seed=1, minutes=20).session_id
        store.message(sid, "ready, how did you get started?", T0)
        store.command(sid, "end", "", T0)
    exported = export_user(store, user)
    assert exported["questions"] == ["How did you start?"]
    assert len(exported["practices"]) == 1
    practice = exported["practices"][0]
    assert practice["state"] == "abandoned" and practice["scorecard"]["items"]
    assert any(t["text"] == "ready, how did you get started?" for t in practice["transcript"])
    delete_user(store, user)
    assert export_user(store, user)["user"] is None
    assert count(store, PracticeSession, user_id=user) == 0
    assert count(store, NudgeRow, user_id=user) == 0
    assert count(store, PracticeSession, user_id=other) == 1  # nobody else's data touched
    with store.transaction() as db:
        orphans = db.scalar(
            select(func.count())
            .select_from(TurnRow)
            .where(TurnRow.session_id.not_in(select(PracticeSession.id)))
        )
        assert orphans == 0


def test_a_duplicated_update_is_processed_once(store: PracticeStore) -> None:
    user = store.user_id("telegram:9", T0)
    sid = store.start(user, "dana", now=T0, seed=1, minutes=20).session_id
    first = store.message(sid, "Hello, I'm ready", T0, update_id=1001)
    again = store.message(sid, "Hello, I'm ready", T0, update_id=1001)
    assert first.effects and not first.duplicate
    assert again.duplicate and again.effects == []
    users = [t for t in store.load(sid).turns if t.speaker == "user"]
    assert [t.text for t in users] == ["Hello, I'm ready"]


def test_a_user_is_created_once_with_their_fields_and_the_defaults(store: PracticeStore) -> None:
    first = store.user_id("telegram:77", T0, telegram_user_id=77, chat_id=77, meeting_minutes=15)
    again = store.user_id("telegram:77", T0 + timedelta(days=1), meeting_minutes=30)
    other = store.user_id("local", T0)
    assert again == first and other != first
    assert store.chat_id(first) == 77
    assert store.settings(first) == UserSettings(15.0, "UTC", False, True)
    assert store.settings(other).meeting_minutes == 20.0
