"""Run every reliability scenario and print a Markdown table for the README.

    python3 -m tests.reliability            # CI sizes (a few minutes)
    python3 -m tests.reliability --full     # 200 chats, 20 kills, 10,000 bad inputs...
    python3 -m tests.reliability --only replicas,faults --keep /tmp/rapport-reliability

Scenarios 1 and 2 need PostgreSQL: ``RAPPORT_TEST_DATABASE_URL`` (its schema ``public``
is dropped and recreated); without it they are reported as skipped, and the others run on
SQLite. ``disk_full`` mounts a tmpfs (root or CAP_SYS_ADMIN), else it is skipped. Exit
status 1 if any invariant broke.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from tests.reliability import scenarios
from tests.reliability.backlog import backlog
from tests.reliability.connections import idle_connections
from tests.reliability.diskfull import disk_full
from tests.reliability.figures import Figures, table
from tests.reliability.outage import database_outage

Run = Callable[[Path | None], Figures]

CI: dict[str, list[Run]] = {
    "replicas": [lambda w: scenarios.replicas(40, workdir=w)],
    "kill": [lambda w: scenarios.replicas(40, kills=5, rounds=2, workdir=w)],
    "faults": [
        lambda w: scenarios.faults(20, workdir=w),
        lambda w: scenarios.faults(20, statuses=("timeout_after",), workdir=w),
        lambda w: scenarios.retries_exhausted(workdir=w),
    ],
    "bad_input": [lambda w: scenarios.bad_input(1_000, workdir=w)],
    "security": [lambda w: scenarios.security(workdir=w)],
    "backlog": [lambda w: backlog(20, 60, workdir=w)],
    "outage": [lambda w: database_outage(10, 10.0, workdir=w)],
    "connections": [lambda w: idle_connections(200, 50, workdir=w)],
    "disk_full": [lambda w: disk_full(10, 10.0, workdir=w)],
}
FULL: dict[str, list[Run]] = {
    "replicas": [lambda w: scenarios.replicas(200, workdir=w)],
    "kill": [lambda w: scenarios.replicas(200, kills=20, rounds=2, workdir=w)],
    "faults": [
        lambda w: scenarios.faults(200, workdir=w),
        lambda w: scenarios.faults(200, statuses=("timeout_after",), workdir=w),
        lambda w: scenarios.retries_exhausted(workdir=w),
    ],
    "bad_input": [lambda w: scenarios.bad_input(10_000, workdir=w)],
    "security": [lambda w: scenarios.security(workdir=w)],
    "backlog": [lambda w: backlog(50, 120, workdir=w)],
    "outage": [lambda w: database_outage(50, 30.0, workdir=w)],
    "connections": [lambda w: idle_connections(1_100, None, nofile=1_024, workdir=w)],
    "disk_full": [lambda w: disk_full(50, 30.0, workdir=w)],
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="the full sizes (slow)")
    parser.add_argument(
        "--only", default="", help=f"comma-separated scenarios: {', '.join(CI)} (default all)"
    )
    parser.add_argument(
        "--keep", type=Path, default=None, help="keep logs and SQLite files in this folder"
    )
    args = parser.parse_args(argv)
    plan = FULL if args.full else CI
    chosen = [name.strip() for name in args.only.split(",") if name.strip()] or list(plan)
    unknown = [name for name in chosen if name not in plan]
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(unknown)}")
    results: list[Figures] = []
    began = time.monotonic()
    for name in chosen:
        for run in plan[name]:
            started = time.monotonic()
            try:
                figures = run(args.keep)
            except Exception as exc:  # report it with the others, go on
                figures = Figures(name, problems=[f"[run] crashed: {exc!r}"])
                traceback.print_exc()
            figures.details["scenario wall time"] = f"{time.monotonic() - started:.0f} s"
            results.append(figures)
            print(figures.report(), flush=True)
            print(flush=True)
    print(
        f"## Reliability ({'full' if args.full else 'CI'} sizes, "
        f"{time.monotonic() - began:.0f} s)\n"
    )
    print(table(results))
    notes = [(f.scenario, n) for f in results for n in f.notes]
    if notes:
        print()
        for scenario, note in notes:
            print(f"- *{scenario}*: {note}")
    return 0 if all(f.ok or f.skipped for f in results) else 1


if __name__ == "__main__":
    sys.exit(main())
