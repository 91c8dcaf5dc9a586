"""Benchmark: how late the durable dispatcher delivers 10,000 pending nudges.

    python3 -m tests.bench.bench_dispatch --window 1200 --measure 60   # the target's figure
    python3 -m tests.bench.bench_dispatch [--nudges N] [--window S] [--lead S] [--profile]
    RAPPORT_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        python3 -m tests.bench.bench_dispatch

Prints figures only; it asserts nothing. For each run a fresh database is filled with
``--nudges`` practices in conversation, each with one pending ``wrap_up`` nudge: the
rows ``PracticeStore.start`` plus a "ready" message would write (user, practice in state
``converse`` with its clock started, its first turns, the nudge), bulk-inserted with
SQLAlchemy core. The due times are spread uniformly over ``--window`` seconds starting
``--lead`` seconds after the insert begins. ``Dispatcher.run(stop, clock)`` then runs on
the wall clock until every nudge is settled (or ``--drain`` seconds after the window).

Runs: SQLite (a fresh temporary file) with one dispatcher thread; PostgreSQL with one
dispatcher thread, then with two dispatchers (``--pg-parallel``: separate processes by
default, as two bot processes would be; or threads). PostgreSQL runs use a freshly reset
``public`` schema of ``RAPPORT_TEST_DATABASE_URL`` (DROPPED and recreated, as
``tests/store/conftest.py`` does) and are skipped with a note when it is unset. Give it a
database nobody else is using at the same time (``createdb rapport_bench``): a store test
run resetting the same schema midway wrecks both.

Per run: nudges delivered, duplicates (a practice whose transcript holds more than one
nudge turn; must be 0), and lateness two ways: *recorded*, ``finished_at - due_at`` from
the nudges table (``finished_at`` is the clock reading at the start of the dispatcher's
pass), and *observed*, the wall time at which the adapter's ``deliver`` callback ran
(after the commit) minus ``due_at``: what a user would see. Target: p99 lateness < 1 s
with 10,000 pending nudges: ``--window 1200 --measure 60`` keeps 10,000 pending (due over
twenty minutes) and judges the ~500 that fall due in the first minute. The default
(all 10,000 due within 20 s, 500/s) is a burst test of throughput instead.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import multiprocessing as mp
import os
import pstats
import queue
import random
import statistics
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, insert, select, text

from bot.store.db import make_engine
from bot.store.dispatcher import Dispatcher
from bot.store.models import NudgeRow, PracticeSession, TurnRow, User
from bot.store.practices import Delivery as NudgeDelivery
from bot.store.practices import PracticeStore, turn_row
from bot.store.schema import upgrade
from flows.engine import WRAP_UP
from flows.engine import Engine as Flow
from flows.session import Session
from tests.bench.figures import calibration_us, pct

PG_ENV = "RAPPORT_TEST_DATABASE_URL"
MINUTES = 20.0
TARGET_P99_S = 1.0
MEASURE_GRACE_S = 2.0
"""With --measure, nudges due in the last seconds before the stop are not judged."""
CHUNK = 2000

Delivery = tuple[int, int, float]
"""(nudge id, practice id, wall-clock POSIX seconds when the adapter was told)."""


def wall_clock() -> datetime:
    return datetime.now(UTC)


# -- filling the database ---------------------------------------------------------------------


def reset_postgres(engine: Engine) -> None:
    """Exactly what tests/store/conftest.py does before each PostgreSQL test."""
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


def templates(flow: Flow, at: datetime) -> list[Session]:
    """One practice per contact just after "I'm ready": state converse, wrap-up scheduled."""
    sessions = []
    for seed, persona in enumerate(flow.personas):
        session, _ = flow.start(persona, now=at, seed=seed, minutes=MINUTES)
        flow.message(session, "Hello, I'm ready", at)
        assert session.state == "converse" and WRAP_UP in session.nudges, session.state
        sessions.append(session)
    return sessions


def insert_chunks(engine: Engine, table: Any, rows: list[dict[str, Any]]) -> None:
    with engine.begin() as connection:
        for start in range(0, len(rows), CHUNK):
            connection.execute(insert(table), rows[start : start + CHUNK])


def fill(engine: Engine, flow: Flow, count: int, lead: float, window: float) -> tuple[float, float]:
    """Insert ``count`` practices with pending wrap-up nudges; returns (base, insert seconds).

    ``base`` (POSIX seconds) is when the first nudge falls due: ``lead`` seconds after the
    nudges are inserted (the practices' own times are only roughly consistent with it).
    """
    began = time.time()
    planned = datetime.fromtimestamp(began + lead, UTC)
    meeting = timedelta(minutes=MINUTES)
    shapes = templates(flow, planned - meeting)
    users, practices, turns = [], [], []
    for i in range(1, count + 1):
        shape = shapes[i % len(shapes)]
        users.append(
            {
                "id": i,
                "key": f"bench:{i}",
                "meeting_minutes": MINUTES,
                "time_zone": "UTC",
                "heads_up": False,
                "active": True,
                "created_at": shape.started_at,
            }
        )
        practices.append(
            {
                "id": i,
                "user_id": i,
                "persona_id": shape.persona_id,
                "scenario": shape.scenario.to_dict(),
                "seed": shape.seed,
                "state": shape.state,
                "meeting_minutes": shape.meeting_minutes,
                "prepared_questions": list(shape.prepared_questions),
                "started_at": shape.started_at,
                "clock_started_at": shape.clock_started_at,
                "finished_at": None,
                "updated_at": shape.started_at,
                "score": None,
                "scorecard": None,
                "version": 2,  # inserted by start, updated by the "ready" message
            }
        )
        turns += [turn_row(i, seq, turn) for seq, turn in enumerate(shape.turns)]
    insert_chunks(engine, User.__table__, users)
    insert_chunks(engine, PracticeSession.__table__, practices)
    insert_chunks(engine, TurnRow.__table__, turns)
    if engine.dialect.name == "postgresql":  # explicit ids: move the sequences past them
        with engine.begin() as connection:
            for table in ("users", "practice_sessions"):
                connection.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {count})")
                )
    # The nudges last, so the due window starts ``lead`` seconds after they are written.
    base = time.time() + lead
    dues = [base + window * k / count for k in range(count)]
    random.Random(7).shuffle(dues)  # due order unrelated to id order
    nudges = [
        {
            "user_id": i,
            "session_id": i,
            "meeting_id": None,
            "kind": WRAP_UP,
            "due_at": datetime.fromtimestamp(due, UTC),
            "status": "pending",
            "attempts": 0,
            "claimed_by": None,
            "claimed_until": None,
            "created_at": planned - meeting,
            "finished_at": None,
            "outcome": None,
        }
        for i, due in enumerate(dues, start=1)
    ]
    insert_chunks(engine, NudgeRow.__table__, nudges)
    return base, time.time() - began


# -- the dispatchers --------------------------------------------------------------------------


def session_of(delivery: NudgeDelivery) -> int:
    return delivery.practice.session_id if delivery.practice is not None else -1


@dataclass
class Recorder:
    deliveries: list[Delivery] = field(default_factory=list)

    def __call__(self, delivery: NudgeDelivery) -> None:
        self.deliveries.append((delivery.nudge.id, session_of(delivery), time.time()))


def dispatch_thread(
    store: PracticeStore,
    recorder: Recorder,
    worker_id: str,
    stop: threading.Event,
    profile: cProfile.Profile | None,
) -> tuple[threading.Thread, Dispatcher]:
    dispatcher = Dispatcher(store, recorder, worker_id=worker_id)

    def run() -> None:
        if profile is not None:
            profile.runcall(dispatcher.run, stop, wall_clock)
        else:
            dispatcher.run(stop, wall_clock)

    thread = threading.Thread(target=run, name=worker_id, daemon=True)
    thread.start()
    return thread, dispatcher


def dispatch_process(
    url: str, worker_id: str, stop: Any, ready: Any, progress: Any, results: Any
) -> None:
    """A separate dispatcher process (spawned): its own engine, store and dispatcher."""
    engine = make_engine(url)
    store = PracticeStore(engine)
    deliveries: list[Delivery] = []

    def deliver(delivery: NudgeDelivery) -> None:
        deliveries.append((delivery.nudge.id, session_of(delivery), time.time()))
        with progress.get_lock():
            progress.value += 1

    dispatcher = Dispatcher(store, deliver, worker_id=worker_id)
    halt = threading.Event()

    def watch() -> None:
        stop.wait()
        halt.set()
        dispatcher.wake()

    threading.Thread(target=watch, daemon=True).start()
    ready.set()
    dispatcher.run(halt, wall_clock)
    results.put(deliveries)
    engine.dispose()


# -- one run ----------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    nudges: int
    insert_s: float
    deliveries: list[Delivery]
    base: float
    statuses: Counter[str]
    recorded: dict[int, float]
    due: dict[int, float]
    nudge_turns: dict[int, int]
    window: float
    profile: str = ""
    cutoff: float | None = None
    """With --measure: only nudges due before this (epoch seconds) are judged."""


def measure(engine: Engine, base: float) -> tuple[Counter[str], dict[int, float], dict[int, float]]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(NudgeRow.id, NudgeRow.status, NudgeRow.due_at, NudgeRow.finished_at)
        ).all()
    statuses: Counter[str] = Counter(row.status for row in rows)
    recorded = {
        row.id: (row.finished_at - row.due_at).total_seconds()
        for row in rows
        if row.status == "sent" and row.finished_at is not None
    }
    due = {row.id: row.due_at.timestamp() for row in rows}
    return statuses, recorded, due


def nudge_turns(engine: Engine) -> dict[int, int]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(TurnRow.session_id, func.count())
            .where(TurnRow.speaker == "nudge")
            .group_by(TurnRow.session_id)
        ).all()
    return {session_id: count for session_id, count in rows}


def run(
    name: str,
    url: str,
    args: argparse.Namespace,
    *,
    workers: int,
    mode: str,
    profile: bool = False,
) -> Result:
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        reset_postgres(engine)
    upgrade(engine)
    flow = Flow()
    base, insert_s = fill(engine, flow, args.nudges, args.lead, args.window)
    if time.time() > base:
        print(f"   note: the insert ran {time.time() - base:.1f} s past the first due time")
    deadline = base + (args.measure if args.measure else args.window + args.drain)
    expected = args.nudges if not args.measure else 10**12
    deliveries: list[Delivery] = []
    profiler = cProfile.Profile() if profile else None

    if mode == "thread":
        stop = threading.Event()
        recorders = [Recorder() for _ in range(workers)]
        store = PracticeStore(engine, flow)
        started = [
            dispatch_thread(store, rec, f"bench-{k}", stop, profiler if k == 0 else None)
            for k, rec in enumerate(recorders)
        ]
        while time.time() < deadline:
            if sum(len(r.deliveries) for r in recorders) >= expected:
                break
            time.sleep(0.1)
        stop.set()
        for thread, dispatcher in started:
            dispatcher.wake()
            thread.join(timeout=30)
        deliveries = [d for r in recorders for d in r.deliveries]
    else:
        context = mp.get_context("spawn")
        halt = context.Event()
        progress = context.Value("i", 0)
        results: Any = context.Queue()
        readies = [context.Event() for _ in range(workers)]
        processes = [
            context.Process(
                target=dispatch_process,
                args=(url, f"bench-{k}", halt, readies[k], progress, results),
                daemon=True,
            )
            for k in range(workers)
        ]
        for process in processes:
            process.start()
        for ready in readies:
            ready.wait(timeout=30)
        if time.time() > base:
            print(f"   note: the processes started {time.time() - base:.1f} s past the first due")
        while time.time() < deadline and progress.value < expected:
            time.sleep(0.1)
        halt.set()
        for _ in processes:
            try:
                deliveries += results.get(timeout=60)
            except queue.Empty:
                print("   note: a dispatcher process did not report")
        for process in processes:
            process.join(timeout=10)

    statuses, recorded, due = measure(engine, base)
    turns = nudge_turns(engine)
    engine.dispose()
    shown = ""
    if profiler is not None:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(args.profile_lines)
        shown = out.getvalue()
    return Result(
        name,
        args.nudges,
        insert_s,
        deliveries,
        base,
        statuses,
        recorded,
        due,
        turns,
        args.window,
        shown,
        base + args.measure - MEASURE_GRACE_S if args.measure else None,
    )


def report(result: Result) -> None:
    judged = {
        nid: due for nid, due in result.due.items() if result.cutoff is None or due <= result.cutoff
    }
    observed = [at - judged[nid] for nid, _sid, at in result.deliveries if nid in judged]
    recorded = [late for nid, late in result.recorded.items() if nid in judged]
    told = Counter(nid for nid, _sid, _at in result.deliveries if nid in judged)
    twice_told = sum(c - 1 for c in told.values() if c > 1)
    duplicates = sum(c - 1 for c in result.nudge_turns.values() if c > 1)
    missing = len(judged) - len(recorded)
    print(f"-- {result.name}")
    print(f"   nudges pending   {result.nudges} (bulk insert {result.insert_s:.1f} s)")
    if result.cutoff is not None:
        print(
            f"   measured         the {len(judged)} nudges due in the first "
            f"{result.cutoff - result.base:.0f} s, the rest still pending"
        )
    statuses = ", ".join(f"{k} {v}" for k, v in sorted(result.statuses.items()))
    print(f"   statuses         {statuses}")
    print(f"   delivered        {len(told)} told to the adapter, {len(recorded)} sent")
    print(
        f"   duplicates       {duplicates} practices with >1 nudge turn, {twice_told} told "
        f"twice, {missing} due but not sent   (must be 0)"
    )
    target = f"   (target: p99 lateness < {TARGET_P99_S * 1e3:g} ms)"
    if recorded:
        rec = [v * 1e3 for v in recorded]
        print(
            f"   lateness, recorded  median {statistics.median(rec):.0f} ms   "
            f"p99 {pct(rec, 0.99):.0f} ms   max {max(rec):.0f} ms{target}"
        )
    if observed:
        obs = [v * 1e3 for v in observed]
        print(
            f"   lateness, observed  median {statistics.median(obs):.0f} ms   "
            f"p99 {pct(obs, 0.99):.0f} ms   max {max(obs):.0f} ms"
        )
        times = sorted(at for _nid, _sid, at in result.deliveries)
        busy = max(times[-1] - times[0], 1e-9)
        print(
            f"   throughput       {len(times) / busy:.0f} nudges/s (first to last delivery, "
            f"{busy:.1f} s; nudges fell due at {result.nudges / result.window:.0f}/s for "
            f"{result.window:g} s)"
        )
    if result.profile:
        print("   profile of the dispatcher thread (cumulative):")
        print(result.profile)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--nudges", type=int, default=10_000)
    parser.add_argument("--window", type=float, default=20.0, help="seconds the dues span")
    parser.add_argument(
        "--measure",
        type=float,
        default=0.0,
        help="stop after this many seconds and judge only the nudges due by then "
        "(e.g. --window 1200 --measure 60: 10,000 pending, ~500 falling due)",
    )
    parser.add_argument("--lead", type=float, default=6.0, help="seconds before the first due")
    parser.add_argument(
        "--drain", type=float, default=240.0, help="seconds allowed after the window to finish"
    )
    parser.add_argument("--pg-parallel", choices=("process", "thread"), default="process")
    parser.add_argument("--profile", action="store_true", help="cProfile the SQLite dispatcher")
    parser.add_argument("--profile-lines", type=int, default=25)
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()

    plans: list[tuple[str, Callable[[], Result]]] = []
    folder = tempfile.TemporaryDirectory(prefix="rapport-bench-")
    sqlite_url = f"sqlite:///{Path(folder.name) / 'bench.sqlite3'}"
    if not args.skip_sqlite:
        plans.append(
            (
                "sqlite, 1 dispatcher thread",
                lambda: run(
                    "sqlite, 1 dispatcher thread",
                    sqlite_url,
                    args,
                    workers=1,
                    mode="thread",
                    profile=args.profile,
                ),
            )
        )
    pg_url = os.environ.get(PG_ENV, "").strip()
    if pg_url:
        plans.append(
            (
                "postgresql, 1 dispatcher thread",
                lambda: run(
                    "postgresql, 1 dispatcher thread", pg_url, args, workers=1, mode="thread"
                ),
            )
        )
        label = "postgresql, 2 dispatcher " + (
            "processes" if args.pg_parallel == "process" else "threads"
        )
        plans.append((label, lambda: run(label, pg_url, args, workers=2, mode=args.pg_parallel)))

    print(
        f"== Dispatch lateness: {args.nudges} pending wrap-up nudges due over {args.window:g} s =="
    )
    began = time.perf_counter()
    calib = [calibration_us()]
    for _name, plan in plans:
        report(plan())
        calib.append(calibration_us())
    if not pg_url:
        print(f"-- postgresql: skipped ({PG_ENV} is not set)")
    folder.cleanup()
    print(
        "calibration loop " + " / ".join(f"{c:.0f}" for c in calib) + " us (before and after "
        "each run; compare with bench_engine's figure on the same machine)"
    )
    print(f"total run time   {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()
