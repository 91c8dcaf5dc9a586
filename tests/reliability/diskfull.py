"""Scenario: the disk under an SQLite database fills up; every message sent while it is
full is answered exactly once after space is freed, none while full, and /readyz says 503
meanwhile.

The disk is real: a small tmpfs mounted for the scenario (root or CAP_SYS_ADMIN needed;
without them the scenario is skipped with the reason). The bot's SQLite file lives on it;
with the users in a practice, the write-ahead log is checkpointed and truncated (so no
write can reuse its space) and a ballast file fills every byte left, so the next write
fails with ENOSPC, which SQLite reports as SQLITE_FULL ("database or disk is full").
Deleting the ballast frees the space.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from tests.reliability.figures import Figures
from tests.reliability.harness import Cluster
from tests.reliability.outage import QUESTIONS, through_outage
from tests.reliability.scenarios import workspace

DISK_MB = 32
"""The tmpfs's size: room for the database and a write-ahead log that grows up to 4 MB
between checkpoints."""


@contextlib.contextmanager
def small_disk(path: Path, megabytes: int = DISK_MB) -> Iterator[str | None]:
    """A tmpfs of ``megabytes`` mounted on ``path`` for the block: yields None, or why it
    could not be mounted."""
    path.mkdir(parents=True, exist_ok=True)
    if shutil.which("mount") is None or shutil.which("umount") is None:
        yield "no mount command"
        return
    size = f"size={megabytes}m,mode=0700"
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", size, "tmpfs", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        reason = done.stderr.strip() or f"exit status {done.returncode}"
        yield f"cannot mount a tmpfs (needs root or CAP_SYS_ADMIN): {reason}"
        return
    try:
        yield None
    finally:
        for flags in ([], ["-l"]):  # lazily if something still holds a file there
            if subprocess.run(["umount", *flags, str(path)], check=False).returncode == 0:
                break
            time.sleep(1.0)


def fill(path: Path) -> int:
    """Write ``path`` until the disk has not one byte left; returns the bytes written."""
    written = 0
    with path.open("wb", buffering=0) as ballast:
        for size in (1 << 20, 4096, 1):
            block = bytes(size)
            while True:
                try:
                    written += ballast.write(block) or 0
                except OSError as exc:
                    if exc.errno != errno.ENOSPC:
                        raise
                    break
    return written


def truncate_wal(db_file: Path) -> int:
    """Checkpoint the write-ahead log into the database file and truncate it to 0 bytes
    (retried while the bot holds it); returns the pages left in it."""
    db = sqlite3.connect(db_file, isolation_level=None, timeout=10)
    try:
        for _ in range(50):
            busy, frames, _done = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if not busy:
                break
            time.sleep(0.1)
        return int(frames)
    finally:
        db.close()


def disk_full(
    chats: int = 20,
    seconds: float = 30.0,
    per_chat: int = len(QUESTIONS),
    *,
    workdir: Path | None = None,
) -> Figures:
    figures = Figures(f"disk full for {seconds:g} s (SQLite on a full tmpfs)")
    with workspace(workdir, "disk_full") as work:
        disk = work / "disk"
        with small_disk(disk) as unavailable:
            if unavailable:
                figures.skipped = unavailable
                return figures
            db_file = disk / "rapport.sqlite3"
            db_url = f"sqlite:///{db_file}"
            ballast = disk / "ballast"
            state: dict[str, object] = {}

            def fill_disk() -> None:
                state["wal pages left"] = truncate_wal(db_file)
                state["ballast"] = fill(ballast)
                state["free"] = shutil.disk_usage(disk).free

            def free_disk() -> None:
                wal = db_file.with_name(db_file.name + "-wal")
                state["wal bytes while full"] = wal.stat().st_size if wal.exists() else 0
                ballast.unlink()

            with Cluster(work, db_url, 1) as cluster:
                sent = through_outage(
                    figures, cluster, chats, seconds, per_chat, fill_disk, free_disk
                )
            figures.load = f"1 replica, SQLite, {chats} chats, {sent} updates sent while full"
            megabytes = int(state.get("ballast", 0)) / 1_048_576  # type: ignore[call-overload]
            figures.faults = (
                f"the {DISK_MB} MB disk filled to the last byte ({megabytes:.1f} MB of ballast) "
                f"for {seconds:g} s, then freed"
            )
            figures.details["disk"] = (
                f"tmpfs, {state.get('free')} bytes free while full, write-ahead log "
                f"{state.get('wal bytes while full')} bytes ({state.get('wal pages left')} "
                "pages left after the checkpoint)"
            )
            if state.get("free") != 0 or state.get("wal bytes while full") != 0:
                figures.notes.append("the disk was not entirely full: see 'disk'")
    if os.path.ismount(disk):
        figures.problems.append(f"[disk] {disk} still mounted")
    return figures
