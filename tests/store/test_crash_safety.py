"""Crash safety: SIGKILL a practice at many points, restart it, and nothing is lost or doubled.

``crash_driver`` plays a scripted practice against ``DATABASE_URL`` and acknowledges each
line after its commit. This test kills it again and again (a seeded mix of precise points:
before or after a commit, right after claiming a nudge; and blunt ones: after k
acknowledgements, after a random delay), restarts it until the script is finished, and
then checks the database against the same practice played once without interruption.
"""

from __future__ import annotations

import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from io import StringIO
from pathlib import Path
from typing import IO

import pytest
from sqlalchemy import Engine, select

from bot.store.db import make_engine
from bot.store.dispatcher import LEASE
from bot.store.models import NudgeRow, PracticeSession, TurnRow
from bot.store.schema import upgrade
from tests.store import crash_driver

REPO = Path(__file__).resolve().parents[2]
KILLS = 9
"""Kills per database (fewer if the script finishes first)."""
MIN_KILLS = 6
RUN_TIMEOUT = 90.0
"""Seconds one driver run may take before the test gives up on it (never expected)."""


class Driver:
    """One run of the driver process, its stdout read line by line on a thread."""

    def __init__(self, url: str, die: str | None, stderr: IO[str]) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        }
        command = [sys.executable, "-m", "tests.store.crash_driver"]
        self.proc = subprocess.Popen(
            [*command, *(["--die", die] if die else [])],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
        self.deadline = time.monotonic() + RUN_TIMEOUT
        self.output: list[str] = []
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.put(line.rstrip("\n"))
        self._lines.put(None)

    def next_line(self) -> str | None:
        """The next line printed, or None once the process closed its output."""
        try:
            line = self._lines.get(timeout=max(0.1, self.deadline - time.monotonic()))
        except queue.Empty:
            self.kill()
            pytest.fail(f"the driver printed nothing for {RUN_TIMEOUT}s: {self.output}")
        if line is not None:
            self.output.append(line)
        return line

    def read_until(self, want: str, count: int = 1) -> None:
        """Read until ``count`` lines starting with ``want`` (or the end of the output)."""
        seen = 0
        while seen < count and (line := self.next_line()) is not None:
            seen += line.startswith(want)

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)

    def finish(self) -> int:
        while self.next_line() is not None:
            pass
        return self.proc.wait(timeout=max(1.0, self.deadline - time.monotonic()))

    @property
    def acks(self) -> list[int]:
        return [int(line.split()[1]) for line in self.output if line.startswith("ACK ")]


@dataclass
class Kill:
    mode: str
    acks: list[int]
    nudges: int

    def __str__(self) -> str:
        last = self.acks[-1] if self.acks else "-"
        return f"{self.mode} (last ack {last}, {self.nudges} nudge(s))"


@dataclass
class Crashes:
    kills: list[Kill] = field(default_factory=list)
    acked: list[int] = field(default_factory=list)
    runs: int = 0


def modes(rng: random.Random) -> list[str]:
    """The kill plan: one blunt kill first, then a nudge claim, then a seeded mix."""
    plan = ["ack:1", "after-claim"]
    while len(plan) < KILLS:
        kind = rng.choice(["ack", "delay", "before-commit", "after-commit", "after-claim"])
        if kind == "ack":
            plan.append(f"ack:{rng.randint(1, 2)}")
        elif kind == "delay":
            plan.append(f"delay:{rng.uniform(0.0, 0.25):.3f}")
        elif kind == "after-claim":
            plan.append(kind)
        else:
            plan.append(f"{kind}:{rng.randint(1, 3)}")
    return plan


def crash_and_restart(url: str, rng: random.Random, logs: Path) -> Crashes:
    crashes = Crashes()
    plan = modes(rng)
    finished = False
    while not finished:
        mode = plan[len(crashes.kills)] if len(crashes.kills) < len(plan) else None
        kind, _, arg = (mode or "").partition(":")
        self_kill = mode if kind in ("before-commit", "after-commit", "after-claim") else None
        with (logs / f"run-{crashes.runs}.stderr").open("w") as stderr:
            driver = Driver(url, self_kill, stderr)
            crashes.runs += 1
            if kind == "ack":
                driver.read_until("ACK ", int(arg))
                driver.kill()
            elif kind == "delay":
                driver.read_until("READY")
                time.sleep(float(arg))
                driver.kill()
            code = driver.finish()
        errors = (logs / f"run-{crashes.runs - 1}.stderr").read_text()
        assert "Traceback" not in errors and "failed" not in errors, errors
        crashes.acked += driver.acks
        finished = "DONE" in driver.output
        if finished:
            assert code == 0, errors
        else:
            assert code == -signal.SIGKILL, f"run {mode} exited {code}: {errors}"
            assert mode is not None, "a run without a kill did not finish"
            nudges = sum(line.startswith("NUDGE") for line in driver.output)
            crashes.kills.append(Kill(mode, driver.acks, nudges))
        assert crashes.runs <= KILLS + 3, "the practice never finished"
    return crashes


@dataclass(frozen=True)
class Stored:
    turns: list[tuple[int, str, str, str, str, datetime | None]]
    """seq, speaker, stage, kind, text, and when (None for nudges: delivered a bit late
    when an expired claim had to be taken over)."""
    nudges: list[tuple[str, datetime, str]]
    nudge_attempts: list[int]
    state: str
    score: int | None
    finished: bool


def stored(engine: Engine) -> Stored:
    with engine.connect() as db:
        turns = [
            (t.seq, t.speaker, t.stage, t.kind, t.text, None if t.speaker == "nudge" else t.at)
            for t in db.execute(select(TurnRow).order_by(TurnRow.session_id, TurnRow.seq))
        ]
        nudges = list(db.execute(select(NudgeRow).order_by(NudgeRow.due_at, NudgeRow.id)))
        practices = list(db.execute(select(PracticeSession)))
    assert len(practices) == 1
    row = practices[0]
    return Stored(
        turns=turns,
        nudges=[(n.kind, n.due_at, n.status) for n in nudges],
        nudge_attempts=[n.attempts for n in nudges],
        state=row.state,
        score=row.score,
        finished=row.finished_at is not None and row.scorecard is not None,
    )


def uninterrupted(tmp_path: Path) -> Stored:
    """The same practice played once, in this process, on a fresh SQLite file."""
    url = f"sqlite:///{tmp_path / 'uninterrupted.sqlite3'}"
    out = StringIO()
    crash_driver.run(url, None, out)
    assert out.getvalue().splitlines()[-1] == "DONE"
    engine = make_engine(url)
    try:
        return stored(engine)
    finally:
        engine.dispose()


def test_killed_anywhere_and_restarted_nothing_is_lost_or_doubled(
    db_url: str, tmp_path: Path
) -> None:
    engine = make_engine(db_url)
    try:
        if engine.dialect.name == "postgresql":
            upgrade(engine)  # shared databases are migrated deliberately
        logs = tmp_path / "logs"
        logs.mkdir()
        rng = random.Random(f"crash-safety-{engine.dialect.name}")
        started = time.monotonic()
        crashes = crash_and_restart(db_url, rng, logs)
        elapsed = time.monotonic() - started
        got = stored(engine)
    finally:
        engine.dispose()
    print(
        f"\n{engine.dialect.name}: {len(crashes.kills)} kills in {crashes.runs} runs, "
        f"{elapsed:.1f}s:\n  " + "\n  ".join(str(k) for k in crashes.kills)
    )
    want = uninterrupted(tmp_path)
    lines = crash_driver.LINES

    # The test did what it says: many kills, at the precise points and the blunt ones.
    assert len(crashes.kills) >= MIN_KILLS
    assert {k.mode.partition(":")[0] for k in crashes.kills} >= {"ack", "after-claim"}

    # Every acknowledged line is stored exactly once, in order, each followed by a reply.
    user = [(seq, text) for seq, speaker, _, _, text, _ in got.turns if speaker == "user"]
    assert [text for _, text in user] == lines
    assert set(crashes.acked) <= set(range(len(lines)))
    for n in set(crashes.acked):
        assert [text for _, text in user].count(lines[n]) == 1
    for seq, _ in user:
        assert got.turns[seq + 1][1] != "user", f"no reply after turn {seq}"
    assert [t[0] for t in got.turns] == list(range(len(got.turns)))

    # The practice ended as an uninterrupted one does: done, scored, same transcript.
    assert got.state == want.state == "done"
    assert got.score is not None and got.score == want.score and got.finished
    assert got.turns == want.turns

    # Every nudge that fell due was delivered once: one turn per sent nudge, none left.
    assert [status for _, _, status in got.nudges] == ["sent"] * len(got.nudges)
    assert got.nudges == want.nudges
    assert {kind for kind, _, _ in got.nudges} == {"wrap_up", "check_back"}
    sent = Counter(kind for kind, _, _ in got.nudges)
    assert Counter(t[3] for t in got.turns if t[1] == "nudge") == sent
    # ... including the ones claimed by a run that was killed before delivering them.
    assert max(got.nudge_attempts) >= 2
    assert LEASE.total_seconds() < crash_driver.PASS_LEAD.total_seconds()
