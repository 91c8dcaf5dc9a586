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
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text as sql

from bot.store.db import make_engine
from bot.store.schema import upgrade
from tests.bench.bench_telegram import ECHO, PG_ENV, RAPPORT, BotSpec, stop_bot
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
    to_answer: list[float] = field(default_factory=list)


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


def launch(spec: BotSpec, database: str, workdir: Path, into: Launches, number: int) -> None:
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
                cwd=ROOT,
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


def run_cli(args: list[str], stdin: str = "", env: dict[str, str] | None = None) -> float:
    """Wall seconds of one command, from Popen to exit (it must succeed)."""
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        input=stdin.encode(),
        capture_output=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
    took = time.perf_counter() - began
    if done.returncode != 0:
        raise RuntimeError(f"{args} failed: {done.stderr.decode(errors='replace')[-2000:]}")
    return took


CLI: dict[str, Callable[[], float]] = {
    "python -c pass (the interpreter alone)": lambda: run_cli(["-c", "pass"]),
    "rapport personas list": lambda: run_cli(["-m", "bot", "personas", "list"]),
    "rapport understand, one question": lambda: run_cli(
        ["-m", "bot", "understand"], QUESTION + "\n"
    ),
    "  the same, RAPPORT_LEARNED_UNDERSTANDING=0": lambda: run_cli(
        ["-m", "bot", "understand"], QUESTION + "\n", {"RAPPORT_LEARNED_UNDERSTANDING": "0"}
    ),
    "rapport understand, one line asking nothing": lambda: run_cli(
        ["-m", "bot", "understand"], REMARK + "\n"
    ),
}


def spread(values: list[float]) -> str:
    return (
        f"median {statistics.median(values):6.2f} s   "
        f"(min {min(values):.2f}, max {max(values):.2f}, n={len(values)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="launches of each bot / command")
    parser.add_argument(
        "--postgresql",
        action="store_true",
        help=f"Rapport on the database of {PG_ENV} (its public schema is DROPPED) not SQLite",
    )
    args = parser.parse_args()
    began = time.perf_counter()
    print(f"== Cold start: {args.rounds} rounds, bots and commands interleaved ==")
    print(f"calibration loop   {calibration_us():.0f} us   ({os.cpu_count()} CPUs)")
    bots = {ECHO.name: Launches(), RAPPORT.name: Launches()}
    with tempfile.TemporaryDirectory(prefix="bench_cold_") as tmp:
        workdir = Path(tmp)
        database = prepare_database(workdir, args.postgresql)
        specs = [ECHO, RAPPORT]
        for round_no in range(args.rounds):
            for spec in specs if round_no % 2 == 0 else specs[::-1]:
                launch(spec, database, workdir, bots[spec.name], round_no)
    cli: dict[str, list[float]] = {name: [] for name in CLI}
    for round_no in range(args.rounds):
        names = list(CLI) if round_no % 2 == 0 else list(CLI)[::-1]
        for name in names:
            cli[name].append(CLI[name]())

    echo, rapport = bots[ECHO.name], bots[RAPPORT.name]
    where = "PostgreSQL" if args.postgresql else "SQLite"
    print("-- launch to the first getUpdates")
    print(f"   echo bot                  {spread(echo.to_updates)}")
    print(f"   rapport serve ({where:10s}) {spread(rapport.to_updates)}")
    print("-- launch to the answer to a first question (/practice, then a question)")
    print(f"   echo bot                  {spread(echo.to_answer)}")
    print(f"   rapport serve ({where:10s}) {spread(rapport.to_answer)}")
    print("-- command line, Popen to exit")
    for name, values in cli.items():
        print(f"   {name:44s} {spread(values)}")
    ratio = statistics.median(rapport.to_updates) / statistics.median(echo.to_updates)
    answer_ratio = statistics.median(rapport.to_answer) / statistics.median(echo.to_answer)
    print("== Figures against the targets ==")
    print(f"rapport serve / echo bot, to first getUpdates   {ratio:.2f}x  (target <= 2x)")
    print(f"rapport serve / echo bot, to first answer       {answer_ratio:.2f}x")
    for name in ("rapport understand, one question", "rapport personas list"):
        print(f"{name:48s} {statistics.median(cli[name]):.2f} s  (target <= {CLI_TARGET_S} s)")
    print(f"total run time     {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()
