"""Two dispatcher processes on one PostgreSQL database: 5,000 due nudges, each delivered once.

The practices are written straight into the tables (bulk inserts of what the flow needs
to deliver a wrap-up nudge: a practice in ``converse`` whose clock has started, and a
live nudge). Both workers start together and claim with ``FOR UPDATE SKIP LOCKED`` at the
same fixed time, so no lease ever expires: any nudge seen twice would be a double claim.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, insert, select

from bot.store.db import make_engine
from bot.store.models import NudgeRow, PracticeSession, TurnRow, User
from bot.store.schema import upgrade

REPO = Path(__file__).resolve().parents[2]
NUDGES = 5_000
WORKERS = ("dispatcher-a", "dispatcher-b")
DUE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WINDOW = timedelta(seconds=50)
"""The nudges fall due across this window after ``DUE``."""
NOW = DUE + WINDOW + timedelta(minutes=1)
"""The workers' clock: every nudge is due, and no claim's lease can expire."""
TIMEOUT = 600.0


@pytest.fixture
def pg_engine(db_url: str) -> Any:
    if not db_url.startswith("postgresql"):
        pytest.skip("two dispatchers racing with SKIP LOCKED is a PostgreSQL matter")
    engine = make_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def seed_due_nudges(engine: Engine) -> None:
    started = DUE - timedelta(minutes=20)
    ids = range(1, NUDGES + 1)
    with engine.begin() as db:
        users = [{"id": i, "key": f"load:{i}", "created_at": started} for i in ids]
        db.execute(insert(User), users)
        db.execute(
            insert(PracticeSession),
            [
                {
                    "id": i,
                    "user_id": i,
                    "persona_id": "dana",
                    "scenario": {"tangent": False, "stay": False, "referrals": "names"},
                    "seed": i,
                    "state": "converse",
                    "meeting_minutes": 20.0,
                    "prepared_questions": [],
                    "started_at": started,
                    "clock_started_at": started,
                    "updated_at": started,
                }
                for i in ids
            ],
        )
        db.execute(
            insert(NudgeRow),
            [
                {
                    "user_id": i,
                    "session_id": i,
                    "kind": "wrap_up",
                    "due_at": DUE + WINDOW * (i / NUDGES),
                    "created_at": started,
                }
                for i in ids
            ],
        )


def start_worker(url: str, worker_id: str, stderr: Path) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    with stderr.open("w") as err:
        return subprocess.Popen(
            [sys.executable, "-m", "tests.store.dispatch_worker", worker_id, NOW.isoformat()],
            cwd=REPO,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
        )


def test_two_dispatcher_processes_deliver_5000_nudges_once_each(
    pg_engine: Engine, db_url: str, tmp_path: Path
) -> None:
    began = time.monotonic()
    seed_due_nudges(pg_engine)
    seeded = time.monotonic()
    workers = [start_worker(db_url, w, tmp_path / f"{w}.stderr") for w in WORKERS]
    reports: list[dict[str, Any]] = []
    try:
        for worker in workers:  # both started and connected before either begins
            assert worker.stdout is not None and worker.stdout.readline().strip() == "READY"
        raced = time.monotonic()
        for worker in workers:
            assert worker.stdin is not None
            worker.stdin.write("GO\n")
            worker.stdin.flush()
        for worker, name in zip(workers, WORKERS, strict=True):
            out, _ = worker.communicate(timeout=TIMEOUT)
            errors = (tmp_path / f"{name}.stderr").read_text()
            assert worker.returncode == 0, errors
            assert "Traceback" not in errors, errors
            reports.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    finished = time.monotonic()

    with pg_engine.connect() as db:
        nudges = list(db.execute(select(NudgeRow.id, NudgeRow.status, NudgeRow.claimed_by)))
        attempts = Counter(db.scalars(select(NudgeRow.attempts)))
        per_practice = Counter(
            db.scalars(select(TurnRow.session_id).where(TurnRow.speaker == "nudge"))
        )
        turns = db.scalar(select(func.count()).select_from(TurnRow))
        states = Counter(db.scalars(select(PracticeSession.state)))
    print(
        f"\nseeded {NUDGES} in {seeded - began:.1f}s, delivered in {finished - raced:.1f}s: "
        + ", ".join(f"{r['worker']} {len(r['delivered'])} in {r['passes']} passes" for r in reports)
    )

    # Every nudge sent, claimed once: nothing pending or claimed is left behind.
    assert len(nudges) == NUDGES
    assert Counter(status for _, status, _ in nudges) == {"sent": NUDGES}
    assert attempts == {1: NUDGES}
    # Each practice shows exactly one nudge, and nothing else was written.
    assert len(per_practice) == NUDGES and set(per_practice.values()) == {1}
    assert turns == NUDGES
    assert states == {"converse": NUDGES}
    # Both workers took part, and each delivered exactly the nudges it claimed.
    by_worker = {r["worker"]: r["delivered"] for r in reports}
    assert all(by_worker.values()), {w: len(ids) for w, ids in by_worker.items()}
    assert sorted(by_worker[WORKERS[0]] + by_worker[WORKERS[1]]) == sorted(n[0] for n in nudges)
    for name in WORKERS:
        assert sorted(by_worker[name]) == sorted(i for i, _, w in nudges if w == name)
    assert Counter(w for _, _, w in nudges).keys() == set(WORKERS)
    assert [r["errors"] for r in reports] == [[], []]
