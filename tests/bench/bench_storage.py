"""Benchmark: what keeping a practice in the database costs per message.

    python3 -m tests.bench.bench_storage [--rounds N] [--warmup N]
    RAPPORT_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        python3 -m tests.bench.bench_storage

Prints figures only; it asserts nothing. Every script in ``tests/scripts`` is played, for
every contact and ``--rounds`` seeds, message by message through three backends,
interleaved practice by practice so that a busy machine slows them alike:

* ``memory``: :class:`~bot.terminal.practice.LocalPractice`, the baseline;
* ``sqlite``: :class:`~bot.store.practices.PracticeStore` on a fresh temporary SQLite file;
* ``postgresql``: the same store on a freshly reset ``public`` schema of the database
  named by ``RAPPORT_TEST_DATABASE_URL`` (skipped, with a note, when it is unset). The
  schema is DROPPED and recreated, as ``tests/store/conftest.py`` does: never point it
  at a database you care about, nor at one a store test run is using at the same time.

``@wait`` lines advance a virtual clock; nudges that fall due are delivered at their due
time (the stored backends claim them and go through ``Dispatcher.deliver_one``). Only
user messages and commands are timed (understanding caches are cleared before each, so
every backend reads cold). The overhead is the stored median minus the in-memory
median. Target: median < 5 ms per message on SQLite. A calibration loop is timed in the
same run so figures from a busy, shared machine can be compared.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, select, text

from bot.store.db import make_engine
from bot.store.dispatcher import LEASE, Dispatcher
from bot.store.models import NudgeRow
from bot.store.practices import PracticeStore
from bot.store.schema import upgrade
from bot.terminal.practice import LocalPractice
from bot.terminal.script import SCRIPT_EPOCH, Command, Step, Wait, parse_script
from flows.engine import Engine as Flow
from flows.session import Turn
from flows.understanding import clear_cache
from tests.bench.figures import calibration_us, pct

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "tests" / "scripts"
PG_ENV = "RAPPORT_TEST_DATABASE_URL"
MINUTES = 20.0
TARGET_SQLITE_MS = 5.0


@contextmanager
def timed(costs: list[float] | None) -> Iterator[None]:
    clear_cache()  # a cold read, as for a new message, on every backend alike
    start = time.perf_counter()
    yield
    if costs is not None:
        costs.append(time.perf_counter() - start)


TranscriptKey = tuple[datetime, str, str, str, tuple[str, ...], str]


def transcript(turns: list[Turn]) -> list[TranscriptKey]:
    return [(t.at, t.speaker, t.stage, t.text, tuple(t.acts), t.kind) for t in turns]


@dataclass
class Figures:
    name: str
    messages: list[float] = field(default_factory=list)
    nudges: list[float] = field(default_factory=list)
    starts: list[float] = field(default_factory=list)
    transcripts: list[list[TranscriptKey]] = field(default_factory=list)


# -- the backends -----------------------------------------------------------------------------


def play_memory(
    flow: Flow, persona: str, seed: int, steps: list[Step], figures: Figures | None
) -> list[TranscriptKey]:
    """The same steps as ``run_script``, timing each message and command."""
    start = time.perf_counter()
    session, _ = flow.start(persona, now=SCRIPT_EPOCH, seed=seed, minutes=MINUTES)
    practice = LocalPractice(flow, session)
    if figures is not None:
        figures.starts.append(time.perf_counter() - start)
    messages = figures.messages if figures is not None else None
    now = SCRIPT_EPOCH
    for step in steps:
        if isinstance(step, Wait):
            now += step.delta
            while (nxt := practice.next_due()) is not None and nxt[1] <= now:
                began = time.perf_counter()
                practice.deliver_due(nxt[1], at_due_time=True)
                if figures is not None:
                    figures.nudges.append(time.perf_counter() - began)
        elif isinstance(step, Command):
            with timed(messages):
                practice.command(step.name, step.argument, now)
        else:
            with timed(messages):
                practice.message(step.text, now)
    if not practice.session.finished:
        with timed(messages):
            practice.command("end", "", now)
    return transcript(practice.session.turns)


def deliver_due_stored(
    store: PracticeStore, dispatcher: Dispatcher, session_id: int, now: datetime
) -> list[float]:
    """Deliver this practice's nudges due by ``now``, each at its due time.

    Claims as the dispatcher does (but only this practice's nudges, so the finished
    practices' pending check-backs are left alone), then ``Dispatcher.deliver_one``.
    """
    costs: list[float] = []
    while True:
        began = time.perf_counter()
        with store.transaction() as db:
            row = db.scalar(
                select(NudgeRow)
                .where(
                    NudgeRow.session_id == session_id,
                    NudgeRow.status == "pending",
                    NudgeRow.due_at <= now,
                )
                .order_by(NudgeRow.due_at)
                .limit(1)
            )
            if row is None:
                return costs
            due = row.due_at
            row.status, row.claimed_by = "claimed", dispatcher.worker_id
            row.claimed_until, row.attempts = due + LEASE, row.attempts + 1
            nudge_id = row.id
        dispatcher.deliver_one(nudge_id, due)
        costs.append(time.perf_counter() - began)


def play_stored(
    store: PracticeStore,
    user_id: int,
    persona: str,
    seed: int,
    steps: list[Step],
    figures: Figures | None,
) -> list[TranscriptKey]:
    dispatcher = Dispatcher(store, lambda _delivery: None, worker_id="bench")
    start = time.perf_counter()
    outcome = store.start(user_id, persona, now=SCRIPT_EPOCH, seed=seed, minutes=MINUTES)
    if figures is not None:
        figures.starts.append(time.perf_counter() - start)
    sid = outcome.session_id
    messages = figures.messages if figures is not None else None
    finished = outcome.session.finished
    now = SCRIPT_EPOCH
    for step in steps:
        if isinstance(step, Wait):
            now += step.delta
            costs = deliver_due_stored(store, dispatcher, sid, now)
            if figures is not None:
                figures.nudges += costs
            continue
        with timed(messages):
            if isinstance(step, Command):
                outcome = store.command(sid, step.name, step.argument, now)
            else:
                outcome = store.message(sid, step.text, now)
        finished = outcome.session.finished
    if not finished:
        with timed(messages):
            store.command(sid, "end", "", now)
    return transcript(store.load(sid).turns)


# -- setting up the databases -----------------------------------------------------------------


def reset_postgres(engine: Engine) -> None:
    """Exactly what tests/store/conftest.py does before each PostgreSQL test."""
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


def open_store(url: str, flow: Flow, *, postgres: bool) -> PracticeStore:
    engine = make_engine(url)
    if postgres:
        reset_postgres(engine)
    upgrade(engine)
    return PracticeStore(engine, flow)


# -- the run ----------------------------------------------------------------------------------


def report(figures: Figures, baseline: Figures | None, target: str) -> None:
    msgs = figures.messages
    median = statistics.median(msgs) * 1e3
    print(f"-- {figures.name}")
    print(f"   messages timed   {len(msgs)}")
    print(f"   median           {median:.3f} ms per message{target}")
    print(f"   p99              {pct(msgs, 0.99) * 1e3:.3f} ms")
    if baseline is not None:
        overhead = median - statistics.median(baseline.messages) * 1e3
        p99_over = (pct(msgs, 0.99) - pct(baseline.messages, 0.99)) * 1e3
        print(f"   overhead         {overhead:.3f} ms (median)   {p99_over:.3f} ms (p99)")
    if figures.nudges:
        print(
            f"   nudge delivery   {len(figures.nudges)} timed, median "
            f"{statistics.median(figures.nudges) * 1e3:.3f} ms"
        )
    print(f"   practice start   median {statistics.median(figures.starts) * 1e3:.3f} ms")
    if baseline is not None:
        same = sum(a == b for a, b in zip(figures.transcripts, baseline.transcripts, strict=True))
        print(f"   transcripts      {same}/{len(figures.transcripts)} identical to memory")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="seeds per contact and script")
    parser.add_argument("--warmup", type=int, default=1, help="untimed rounds first")
    args = parser.parse_args()

    flow = Flow()
    scripts = [
        (path.stem, parse_script(path.read_text(encoding="utf-8").splitlines()))
        for path in sorted(SCRIPTS.glob("*.txt"))
    ]
    pg_url = os.environ.get(PG_ENV, "").strip()
    began = time.perf_counter()

    with tempfile.TemporaryDirectory(prefix="rapport-bench-") as folder:
        sqlite = open_store(f"sqlite:///{Path(folder) / 'bench.sqlite3'}", flow, postgres=False)
        postgres = open_store(pg_url, flow, postgres=True) if pg_url else None
        users = {
            name: store.user_id("bench", SCRIPT_EPOCH)
            for name, store in (("sqlite", sqlite), ("postgresql", postgres))
            if store is not None
        }
        memory = Figures("memory (LocalPractice, the baseline)")
        on_sqlite = Figures("sqlite (PracticeStore, temp file, WAL, synchronous=FULL)")
        on_postgres = Figures("postgresql (PracticeStore)")
        calib = calibration_us()

        for round_ in range(args.warmup + args.rounds):
            warm = round_ < args.warmup
            seed = round_ - args.warmup if not warm else 1000 + round_
            for persona in flow.personas:
                for _name, steps in scripts:
                    # Interleaved practice by practice: a busy spell slows every backend.
                    result = play_memory(flow, persona, seed, steps, None if warm else memory)
                    if not warm:
                        memory.transcripts.append(result)
                    for figures, store in ((on_sqlite, sqlite), (on_postgres, postgres)):
                        if store is None:
                            continue
                        user = users[figures.name.split()[0]]
                        keep = None if warm else figures
                        result = play_stored(store, user, persona, seed, steps, keep)
                        if keep is not None:
                            keep.transcripts.append(result)
        sqlite.engine.dispose()
        if postgres is not None:
            postgres.engine.dispose()

    print("== Storage cost per user message (full scripted practices) ==")
    print(
        f"practices per backend {args.rounds} rounds x {len(flow.personas)} contacts x "
        f"{len(scripts)} scripts = {args.rounds * len(flow.personas) * len(scripts)}"
        f"   ({args.warmup} untimed warm-up round(s) first)"
    )
    report(memory, None, "")
    report(on_sqlite, memory, f"   (target: median < {TARGET_SQLITE_MS:g} ms on SQLite)")
    if postgres is not None:
        report(on_postgres, memory, "")
    else:
        print(f"-- postgresql: skipped ({PG_ENV} is not set)")
    print(
        f"calibration loop      {calib:.0f} us  (same run; sqlite median = "
        f"{statistics.median(on_sqlite.messages) * 1e6 / calib:.2f}x calibration)"
    )
    print(f"total run time        {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()
