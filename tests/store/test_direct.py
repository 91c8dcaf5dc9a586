"""The hot statements run on psycopg's cursor (``bot.store.direct``) give what SQLAlchemy's
``Connection.execute`` gives: the same rows, UTC datetimes, JSON, rowcounts, SQLAlchemy's
errors (parameters never quoted, a dropped connection invalidated), and listeners still see
every statement."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from bot.store.db import make_engine
from bot.store.direct import Direct
from bot.store.outage import is_transient
from bot.store.outbox import _INSERT, OUTBOX
from bot.store.practice_sql import VISIT_CLAIMING_LOCKING, WRITE_SESSION_AND_TURNS
from bot.store.practices import PracticeStore
from tests.conftest import T0

SECRET = "what the user wrote 7d1f"


@pytest.fixture
def pg(store: PracticeStore) -> PracticeStore:
    if store.engine.dialect.name != "postgresql":
        pytest.skip("the direct path is PostgreSQL's")
    return store


def _visit(user: int, update_id: int) -> dict[str, Any]:
    return {"user_id": user, "bot_id": 7, "update_id": update_id, "now": T0, "sent": []}


def _outbox_row(user: int, html: str = "hello") -> dict[str, Any]:
    return {
        "user_id": user,
        "chat_id": 42,
        "update_id": 5,
        "bot_id": 7,
        "html": html,
        "buttons": [[["Yes", "y"], ["No", "n"]]],
        "status": "pending",
        "attempts": 1,
        "due_at": T0 + timedelta(seconds=30),
        "created_at": T0,
    }


def test_the_visit_reads_what_sqlalchemy_reads(pg: PracticeStore) -> None:
    user = pg.user_id("k", T0)
    pg.start(user, "dana", now=T0, seed=1, minutes=20)
    visit = Direct(VISIT_CLAIMING_LOCKING)
    with pg.engine.begin() as conn:
        conn.execute(text("SET LOCAL TIME ZONE 'Asia/Tokyo'"))  # results still come in UTC
        mine = visit.execute(conn, _visit(user, 1)).rows
        theirs = list(conn.execute(VISIT_CLAIMING_LOCKING, _visit(user, 2)))
    assert len(mine) == len(theirs) == 1
    assert mine[0]._asdict() == {**theirs[0]._asdict(), "fresh": 1}
    assert mine[0].id is not None and mine[0].started_at == T0
    assert mine[0].started_at.utcoffset() == timedelta(0)
    assert str(mine[0].started_at.tzinfo) == str(theirs[0].started_at.tzinfo)
    with pg.engine.begin() as conn:  # a duplicate delivery claims nothing
        assert visit.execute(conn, _visit(user, 1)).rows[0].fresh == 0


def test_an_insert_returns_its_id_and_keeps_json(pg: PracticeStore) -> None:
    user = pg.user_id("k", T0)
    insert = Direct(_INSERT)
    with pg.engine.begin() as conn:
        first = insert.execute(conn, _outbox_row(user)).rows[0].id
        second = insert.execute(conn, _outbox_row(user, "again")).rows[0].id
    assert second == first + 1
    with pg.engine.connect() as conn:
        row = conn.execute(select(OUTBOX).where(OUTBOX.c.id == first)).one()
    assert row.buttons == [[["Yes", "y"], ["No", "n"]]]
    assert row.due_at == T0 + timedelta(seconds=30) and row.html == "hello"


def test_an_update_counts_its_rows(pg: PracticeStore) -> None:
    user = pg.user_id("k", T0)
    pg.start(user, "dana", now=T0, seed=1, minutes=20)
    with pg.engine.connect() as conn:
        session_id, version = conn.execute(text("SELECT id, version FROM practice_sessions")).one()
    write = Direct(WRITE_SESSION_AND_TURNS)
    turn = {"seq": 100, "at": T0.isoformat(), "speaker": "user", "stage": "arrive"}
    turn |= {"text": "hi", "acts": ["greet"], "kind": "", "ref": ""}
    parameters = {"b_id": session_id, "b_version": version, "version": version + 1}
    parameters |= {"updated_at": T0, "b_turns": [turn]}
    with pg.engine.begin() as conn:
        assert write.execute(conn, parameters).rowcount == 1
        parameters["b_turns"] = [{**turn, "seq": 101}]
        assert write.execute(conn, parameters).rowcount == 0  # the version moved on
        turns = conn.execute(text("SELECT text, acts, at FROM turns WHERE seq = 100")).all()
    assert [(t.text, t.acts, t.at) for t in turns] == [("hi", ["greet"], T0)]


def test_a_naive_datetime_is_refused_as_before(pg: PracticeStore) -> None:
    user = pg.user_id("k", T0)
    with pg.engine.begin() as conn, pytest.raises(ValueError, match="naive"):
        Direct(_INSERT).execute(conn, {**_outbox_row(user), "created_at": datetime(2026, 1, 1)})


def test_errors_are_sqlalchemys_and_never_quote_parameters(pg: PracticeStore) -> None:
    with pg.engine.begin() as conn, pytest.raises(IntegrityError) as caught:
        Direct(_INSERT).execute(conn, _outbox_row(user=999_999, html=SECRET))  # no such user
    assert SECRET not in str(caught.value)
    assert not is_transient(caught.value)


def test_a_dropped_connection_is_invalidated_and_transient(pg: PracticeStore) -> None:
    user = pg.user_id("k", T0)
    other = make_engine(pg.engine.url.render_as_string(hide_password=False))
    with pytest.raises(OperationalError) as caught, pg.engine.begin() as conn:
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with other.connect() as killer:
            killer.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        Direct(VISIT_CLAIMING_LOCKING).execute(conn, _visit(user, 1))
    other.dispose()
    assert caught.value.connection_invalidated and is_transient(caught.value)
    with pg.engine.begin() as conn:  # the pool hands out a working connection
        assert Direct(VISIT_CLAIMING_LOCKING).execute(conn, _visit(user, 2)).rows[0].fresh == 1


def test_listeners_still_see_the_statement(pg: PracticeStore) -> None:
    user = pg.user_id("k", T0)
    seen: list[str] = []

    def listen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(pg.engine, "before_cursor_execute", listen)
    try:
        with pg.engine.begin() as conn:
            rows = Direct(VISIT_CLAIMING_LOCKING).execute(conn, _visit(user, 1)).rows
    finally:
        event.remove(pg.engine, "before_cursor_execute", listen)
    assert rows[0].fresh == 1
    assert len(seen) == 1 and seen[0].startswith("WITH claimed AS")
