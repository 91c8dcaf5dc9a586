"""PostgreSQL connections are pinged only after sitting idle in the pool (a round trip
per transaction saved under load): one the server dropped meanwhile is replaced unseen."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from bot.store import db as db_module
from bot.store.db import make_engine
from bot.store.practices import PracticeStore
from tests.conftest import T0


def test_a_connection_dropped_while_idle_is_replaced(
    store: PracticeStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    if store.engine.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL matter")
    monkeypatch.setattr(db_module, "PING_IDLE_S", 0.0)  # every checkout pings
    user = store.user_id("k", T0)
    with store.engine.connect() as victim:
        pid = victim.execute(text("SELECT pg_backend_pid()")).scalar_one()
    other = make_engine(store.engine.url.render_as_string(hide_password=False))
    with other.connect() as killer:
        killer.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    other.dispose()
    for _ in range(3):  # whichever pooled connection comes out, it works
        assert store.chat_id(user) is None
