"""Benchmark: the hot statements through SQLAlchemy against psycopg's cursor (``bot.store.direct``).

    RAPPORT_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        python3 -m tests.bench.bench_direct [--rounds N] [--count N]

Prints figures only; it asserts nothing. The schema of the database named by
``RAPPORT_TEST_DATABASE_URL`` is DROPPED and recreated (as ``tests/store/conftest.py``
does): never point it at a database you care about, nor at one a test run is using.

Each case is one transaction as an update runs it on PostgreSQL, timed in CPU seconds of
this process (the client's work, which is what the bot spends per update; PostgreSQL's
own work is the same either way), the cases interleaved round by round so a busy, shared
machine slows them alike:

* ``visit``: BEGIN, the visit's statement (the user locked, the update claimed, the
  practice locked and read), COMMIT;
* ``outbox``: BEGIN, one outbox row inserted (JSON buttons, its id returned), COMMIT;
* ``session`` / ``connection``: BEGIN and COMMIT around one trivial statement, in an ORM
  ``Session`` and in a ``Connection`` (what a Session transaction costs).

Each is run through ``Connection.execute`` and through :class:`bot.store.direct.Direct`;
the ratio is direct / SQLAlchemy (lower is cheaper).
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

from bot.store.db import make_engine
from bot.store.direct import Direct
from bot.store.outbox import _INSERT
from bot.store.practice_sql import VISIT_CLAIMING_LOCKING
from bot.store.practices import PracticeStore
from bot.store.schema import upgrade
from tests.bench.figures import calibration_us

PG_ENV = "RAPPORT_TEST_DATABASE_URL"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--count", type=int, default=300, help="transactions per case a round")
    args = parser.parse_args()
    url = os.environ.get(PG_ENV)
    if not url:
        sys.exit(f"{PG_ENV} is not set: this benchmark needs PostgreSQL")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    store = PracticeStore(engine)
    now = datetime.now(UTC)
    user = store.user_id("bench", now)
    store.start(user, "dana", now=now, seed=1, minutes=20)
    updates = itertools.count(1)
    sessions = sessionmaker(engine, expire_on_commit=False)
    visit, insert = Direct(VISIT_CLAIMING_LOCKING), Direct(_INSERT)

    def visit_values() -> dict[str, object]:
        return {"user_id": user, "bot_id": 1, "update_id": next(updates), "now": now, "sent": []}

    def outbox_values() -> dict[str, object]:
        return {
            "user_id": user,
            "chat_id": 1,
            "update_id": None,
            "bot_id": None,
            "html": "A line of the contact's, about as long as one.",
            "buttons": [[["Yes", "y"], ["No", "n"]]],
            "status": "pending",
            "attempts": 1,
            "due_at": now + timedelta(seconds=30),
            "created_at": now,
        }

    def visit_sqlalchemy() -> None:
        with engine.begin() as conn:
            list(conn.execute(VISIT_CLAIMING_LOCKING, visit_values()))

    def visit_direct() -> None:
        with engine.begin() as conn:
            visit.execute(conn, visit_values())

    def outbox_sqlalchemy() -> None:
        with engine.begin() as conn:
            conn.execute(_INSERT, outbox_values()).scalar_one()

    def outbox_direct() -> None:
        with engine.begin() as conn:
            insert.execute(conn, outbox_values())

    def in_session() -> None:
        with sessions.begin() as db:
            db.connection().exec_driver_sql("SELECT 1")

    def in_connection() -> None:
        with engine.begin() as conn:
            conn.exec_driver_sql("SELECT 1")

    pairs: list[tuple[str, Callable[[], None], Callable[[], None]]] = [
        ("visit", visit_sqlalchemy, visit_direct),
        ("outbox", outbox_sqlalchemy, outbox_direct),
        ("session -> connection", in_session, in_connection),
    ]
    costs: dict[str, list[float]] = {}
    print(f"calibration loop {calibration_us():6.0f} us")
    for _ in range(args.rounds):
        for name, before, after in pairs:
            for label, case in (("before", before), ("after", after)):
                for _ in range(20):  # warm: prepared statements, the pool
                    case()
                start = time.process_time()
                for _ in range(args.count):
                    case()
                cost = (time.process_time() - start) / args.count * 1e6
                costs.setdefault(f"{name}|{label}", []).append(cost)
    print(f"CPU per transaction, median of {args.rounds} rounds of {args.count} (this process)")
    for name, *_ in pairs:
        old = statistics.median(costs[f"{name}|before"])
        new = statistics.median(costs[f"{name}|after"])
        print(
            f"  {name:22s} {old:7.0f} us -> {new:7.0f} us   "
            f"ratio {new / old:.2f}  (saves {old - new:.0f} us)"
        )
    engine.dispose()


if __name__ == "__main__":
    main()
