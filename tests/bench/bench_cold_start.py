"""Benchmark: cold start, from launching a process to its first useful act.

    python3 -m tests.bench.bench_cold_start               # 7 rounds
    python3 -m tests.bench.bench_cold_start --rounds 11 [--postgresql]

Prints figures only; it asserts nothing. Each round launches, in turn (the order swapped
every round, so a busy spell of the shared machine falls on both alike):

* ``echo``: the bare python-telegram-bot echo bot (``tests/bench/echo_bot.py``);
* ``rapport``: the real ``python -m bot serve`` (what ``rapport serve`` runs), on an SQLite
  file migrated once before the first round (a restart, not a first install; with
  ``--postgresql``: on ``RAPPORT_TEST_DATABASE_URL``, whose public schema is DROPPED and
  migrated once);

each against a fresh fake Bot API server (``tests/fake_telegram``, real HTTP on loopback),
and measures:

* *to first getUpdates*: from just before ``Popen`` to the fake's record of the first
  getUpdates request (the bot is now fetching its users' messages);
* *to first answer*: a user then sends ``/practice dana 20`` and, once answered, a question
  (the same two texts go to the echo bot); from launch to the reply to the question. This
  keeps the first figure honest: work moved to after the first getUpdates (the
  understanding rules are compiled in the background) shows up here.

Then the command line, interleaved the same way, wall time of the whole process from
``Popen`` to exit: ``python -c pass`` (the interpreter alone), ``rapport personas list``,
and ``rapport understand`` on one question (which needs the sentence encoder: the learned
topic reader reads every question), the same with ``RAPPORT_LEARNED_UNDERSTANDING=0`` (the
rules alone) and on one line that asks nothing (rules only: the encoder is not loaded).

Targets (issue 14): ``rapport serve`` to its first getUpdates <= 2x the echo bot's;
``rapport understand`` (one line) and ``rapport personas list`` <= 0.5 s. Medians are
printed with the spread (min-max) and a calibration loop timed in the same run.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text as sql

from bot.store.db import make_engine
from bot.store.schema import upgrade
from tests.bench.bench_telegram import ECHO, PG_ENV, RAPPORT, BotSpec, proc_cpu_s, stop_bot
from tests.bench.figures import calibration_us
from tests.fake_telegram import FakeTelegram

ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT_S = 60.0
STALL_S = 30.0
QUESTION = "what does a normal week look like?"
REMARK = "thanks, that was really useful"
PRACTICE = "/practice dana 20"
SERVE_TARGET = 2.0
"""rapport serve to its first getUpdates, over the echo bot's: at most this."""
CLI_TARGET_S = 0.5


@dataclass
class Launches:
    to_updates: list[float] = field(default_factory=list)
    cpu_to_updates: list[float] = field(default_factory=list)
    """CPU seconds the bot had used when its first getUpdates was seen (a few ms late)."""
    to_answer: list[float] = field(default_factory=list)


@dataclass
class Runs:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)


def prepare_database(workdir: Path, pg: bool) -> str:
    """The database rapport serves from, migrated once: every launch is a restart."""
    url = os.environ[PG_ENV] if pg else f"sqlite:///{workdir / 'cold.sqlite3'}"
    engine = make_engine(url)
    if pg:
        with engine.begin() as connection:
            connection.execute(sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade(engine)
    engine.dispose()
    return url


def launch(
    spec: BotSpec, database: str, workdir: Path, into: Launches, number: int, tree: Path
) -> None:
    """Start ``spec`` against a fresh fake, time it to its first getUpdates and to its
    answer to a first question, then stop it. Launch ``number`` has update ids and a user
    of its own (rapport remembers the updates it handled, and the user's practices)."""
    with FakeTelegram(first_update_id=100_000_001 + 1000 * number) as fake:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": fake.token,
            "TELEGRAM_API_BASE_URL": fake.url,
            "DATABASE_URL": database,
            "TELEGRAM_SEND_RATE": "0",
        }
        log_path = workdir / f"{spec.name}.log"
        with log_path.open("ab") as log:
            launched = time.time()
            proc = subprocess.Popen(
                [sys.executable, "-m", spec.module, *spec.args],
                cwd=tree if spec is RAPPORT else ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            deadline = time.monotonic() + READY_TIMEOUT_S
            while not (polls := fake.calls("getUpdates")):
                if proc.poll() is not None or time.monotonic() > deadline:
                    text = log_path.read_text(errors="replace")
                    raise RuntimeError(f"the {spec.name} bot did not start:\n{text[-3000:]}")
                time.sleep(0.005)
            into.cpu_to_updates.append(proc_cpu_s(proc.pid) or 0.0)
            into.to_updates.append(polls[0].time - launched)
            user = fake.user(900_001 + number, "First")
            cursor = len(fake.sent())
            fake.send_command(user, PRACTICE)
            answered(fake, proc, cursor)  # rapport: the scene; the echo bot: the command
            cursor = len(fake.sent())
            fake.send_text(user, QUESTION)
            into.to_answer.append(answered(fake, proc, cursor) - launched)
        finally:
            stop_bot(proc)


def answered(fake: FakeTelegram, proc: subprocess.Popen[bytes], cursor: int) -> float:
    """When (the fake's clock) the bot sent its first message from ``cursor`` on."""
    deadline = time.monotonic() + STALL_S
    while time.monotonic() < deadline and proc.poll() is None:
        new = fake.sent_after(cursor, 0.2)
        cursor += len(new)
        for message in new:
            if message.kind != "chat_action":
                return message.time
    raise RuntimeError("the bot did not answer its first practice")


def run_cli(
    tree: Path, into: Runs, args: list[str], stdin: str = "", env: dict[str, str] | None = None
) -> None:
    """Wall and CPU seconds of one command in ``tree``, from Popen to exit (it must succeed)."""
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, *args],
        cwd=tree,
        input=stdin.encode(),
        capture_output=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
    into.wall.append(time.perf_counter() - began)
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    into.cpu.append(
        cpu_after.ru_utime + cpu_after.ru_stime - cpu_before.ru_utime - cpu_before.ru_stime
    )
    if done.returncode != 0:
        raise RuntimeError(f"{args} failed: {done.stderr.decode(errors='replace')[-2000:]}")


CLI: dict[str, tuple[list[str], str, dict[str, str]]] = {
    "python -c pass (the interpreter alone)": (["-c", "pass"], "", {}),
    "rapport personas list": (["-m", "bot", "personas", "list"], "", {}),
    "rapport understand, one question": (["-m", "bot", "understand"], QUESTION + "\n", {}),
    "  the same, RAPPORT_LEARNED_UNDERSTANDING=0": (
        ["-m", "bot", "understand"],
        QUESTION + "\n",
        {"RAPPORT_LEARNED_UNDERSTANDING": "0"},
    ),
    "rapport understand, one line asking nothing": (["-m", "bot", "understand"], REMARK + "\n", {}),
}


def spread(values: list[float], cpu: list[float] | None = None) -> str:
    text = (
        f"median {statistics.median(values):5.2f} s  "
        f"(min {min(values):.2f}, max {max(values):.2f}, n={len(values)})"
    )
    return text + (f"   CPU {statistics.median(cpu):5.2f} s" if cpu else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="launches of each bot / command")
    parser.add_argument(
        "--postgresql",
        action="store_true",
        help=f"Rapport on the database of {PG_ENV} (its public schema is DROPPED) not SQLite",
    )
    parser.add_argument(
        "--against",
        type=Path,
        metavar="TREE",
        help="also run Rapport from this source tree (say, `git archive` of an older commit)",
    )
    args = parser.parse_args()
    began = time.perf_counter()
    trees = {"rapport": ROOT}
    if args.against is not None:
        trees[f"rapport ({args.against.name})"] = args.against.resolve()
        # its bytecode compiled now, not in its first measured launch
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(args.against)], check=True)
    print(f"== Cold start: {args.rounds} rounds, bots and commands interleaved ==")
    print(f"calibration loop   {calibration_us():.0f} us   ({os.cpu_count()} CPUs)")
    runners: list[tuple[str, BotSpec, Path]] = [("echo bot", ECHO, ROOT)]
    runners += [(name, RAPPORT, tree) for name, tree in trees.items()]
    bots = {name: Launches() for name, _, _ in runners}
    with tempfile.TemporaryDirectory(prefix="bench_cold_") as tmp:
        workdir = Path(tmp)
        database = prepare_database(workdir, args.postgresql)
        for round_no in range(args.rounds):
            order = runners if round_no % 2 == 0 else runners[::-1]
            for number, (name, spec, tree) in enumerate(order):
                launch(spec, database, workdir, bots[name], round_no * 10 + number, tree)
    cli = {(name, tree_name): Runs() for name in CLI for tree_name in trees}
    for round_no in range(args.rounds):
        keys = list(cli) if round_no % 2 == 0 else list(cli)[::-1]
        for name, tree_name in keys:
            argv, stdin, env = CLI[name]
            run_cli(trees[tree_name], cli[name, tree_name], argv, stdin, env)

    where = "PostgreSQL" if args.postgresql else "SQLite"
    echo = bots["echo bot"]
    print(f"-- launch to the first getUpdates (rapport serve on {where})")
    for name, launches in bots.items():
        print(f"   {name:24s} {spread(launches.to_updates, launches.cpu_to_updates)}")
    print("-- launch to the answer to a first question (/practice, then a question)")
    for name, launches in bots.items():
        print(f"   {name:24s} {spread(launches.to_answer)}")
    for tree_name in trees:
        print(f"-- command line, Popen to exit: {tree_name}")
        for name in CLI:
            runs = cli[name, tree_name]
            print(f"   {name:44s} {spread(runs.wall, runs.cpu)}")
    print("== Figures against the targets ==")
    for tree_name in trees:
        launches = bots[tree_name]
        ratio = statistics.median(launches.to_updates) / statistics.median(echo.to_updates)
        cpu = statistics.median(launches.cpu_to_updates) / statistics.median(echo.cpu_to_updates)
        answer = statistics.median(launches.to_answer) / statistics.median(echo.to_answer)
        print(
            f"{tree_name} / echo bot, to first getUpdates: {ratio:.2f}x (CPU {cpu:.2f}x; "
            f"target <= {SERVE_TARGET:g}x); to the first answer: {answer:.2f}x"
        )
        for name in ("rapport understand, one question", "rapport personas list"):
            runs = cli[name, tree_name]
            print(
                f"   {name:36s} {statistics.median(runs.wall):.2f} s "
                f"(CPU {statistics.median(runs.cpu):.2f} s; target <= {CLI_TARGET_S} s)"
            )
    print(f"total run time     {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()
