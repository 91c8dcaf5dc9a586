"""A connection SQLite opened while the file was read-only stays read-only: once the file
is writable again the store must recover by itself, without a restart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from bot.store.db import make_engine
from bot.store.outage import describe, is_transient
from bot.store.practices import PracticeStore
from bot.store.schema import upgrade
from tests.conftest import T0


def test_the_store_recovers_once_a_read_only_file_is_writable_again(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'rapport.sqlite3'}")
    upgrade(engine)
    read_only = {"now": False}

    @event.listens_for(engine, "connect")
    def _open(dbapi_connection: Any, _record: Any) -> None:
        # What SQLite does when it cannot open the file for writing: it opens it
        # read-only, and the connection stays so.
        if read_only["now"]:
            dbapi_connection.execute("PRAGMA query_only = ON")

    store = PracticeStore(engine)
    store.user_id("telegram:1", T0)
    engine.dispose()  # the next connection is opened while the file is read-only
    read_only["now"] = True
    with pytest.raises(OperationalError) as failed:
        store.user_id("telegram:2", T0)
    assert is_transient(failed.value)
    assert store.health.reason == describe(failed.value)
    assert "readonly" in (store.health.reason or "")
    read_only["now"] = False  # fixed: the file is writable again
    assert store.user_id("telegram:2", T0)  # no restart needed
