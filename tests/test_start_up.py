"""Start-up against a database that is not there yet: wait with a growing pause, then exit
with the retryable status 75 (a configuration mistake keeps status 2)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from bot.cli import EX_TEMPFAIL, TransientStartError, UsageError
from bot.cli.database import _when_reachable
from bot.store.schema import OutdatedSchema
from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[1]


def refused() -> OperationalError:
    return OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))


def test_a_database_that_comes_up_is_waited_for() -> None:
    tries: list[int] = []
    pauses: list[float] = []

    def connect() -> None:
        tries.append(1)
        if len(tries) < 3:
            raise refused()

    _when_reachable(connect, 60, sleep=pauses.append)
    assert len(tries) == 3 and pauses == [1.0, 2.0]


def test_a_database_that_stays_down_gives_up_after_the_wait() -> None:
    pauses: list[float] = []

    def connect() -> None:
        raise refused()

    with pytest.raises(TransientStartError, match="waited 10 s"):
        _when_reachable(connect, 10, sleep=pauses.append)
    assert pauses == [1.0, 2.0, 4.0, 3.0]  # growing, and never past the wait in all


def test_an_outdated_schema_is_a_usage_error_not_a_wait() -> None:
    def connect() -> None:
        raise OutdatedSchema("the database schema is older than this version")

    with pytest.raises(UsageError):
        _when_reachable(connect, 60, sleep=lambda _s: pytest.fail("must not wait"))


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "RAPPORT_"))}
    full.update(env)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=full,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("command", [["migrate"], ["serve"]])
def test_no_database_at_start_exits_75_with_one_clear_line(command: list[str]) -> None:
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/test"
    token = "123456:" + "A" * 35
    done = run(*command, DATABASE_URL=url, RAPPORT_START_WAIT="1", TELEGRAM_BOT_TOKEN=token)
    assert done.returncode == EX_TEMPFAIL, done.stderr
    assert "Traceback" not in done.stderr and token not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert lines[0].startswith("rapport: the database is not reachable yet")
    assert "cannot reach the database" in lines[-1] and "status 75" in lines[-1]


def test_a_malformed_database_url_is_still_a_configuration_error() -> None:
    done = run("migrate", DATABASE_URL="nonsense://", RAPPORT_START_WAIT="1")
    assert done.returncode == 2 and "Traceback" not in done.stderr
