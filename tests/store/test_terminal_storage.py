"""The terminal on top of storage, driven through the real command as a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest


def rapport(
    db_url: str,
    *args: str,
    stdin: str = "",
    check: bool = True,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": db_url, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=check,
    )


@pytest.fixture
def migrated(db_url: str) -> str:
    """PostgreSQL is migrated deliberately; SQLite migrates itself (migrate is a no-op)."""
    assert "Schema at" in rapport(db_url, "migrate").stdout
    return db_url


def test_an_unmigrated_postgres_is_refused_clearly(db_url: str) -> None:
    if db_url.startswith("sqlite"):
        pytest.skip("SQLite is migrated automatically")
    result = rapport(db_url, "history", check=False)
    assert result.returncode == 2
    assert "run `rapport migrate` first" in result.stderr


def test_leave_resume_history_report_export_delete(migrated: str, tmp_path: Path) -> None:
    db_url = migrated
    first = rapport(
        db_url,
        "chat",
        "--persona",
        "priya",
        "--seed",
        "4",
        stdin="Hello, I'm ready.\nHow did you get into nursing?\n",
    )
    assert "Priya:" in first.stdout
    assert "Continue it with `rapport chat --resume`" in first.stdout
    history = rapport(db_url, "history").stdout
    assert "priya" in history and "arrive" not in history and "converse" in history

    resumed = rapport(
        db_url,
        "chat",
        "--resume",
        stdin="What do you like least?\nThanks, goodbye!\nNo, that's everything. Bye!\n",
    )
    assert "Resuming practice 1 with Priya Natarajan" in resumed.stdout
    assert "Scorecard:" in resumed.stdout
    assert "done" in rapport(db_url, "history").stdout

    card = json.loads(rapport(db_url, "report", "--json").stdout)
    assert card["score"] == json.loads(rapport(db_url, "report", "1", "--json").stdout)["score"]
    evidence = " ".join(item["evidence"] for item in card["items"])
    assert "How did you get into nursing?" in evidence  # quoted across the restart

    out = tmp_path / "export.json"
    rapport(db_url, "export", "--output", str(out))
    exported = json.loads(out.read_text(encoding="utf-8"))
    texts = [t["text"] for t in exported["practices"][0]["transcript"]]
    assert "What do you like least?" in texts and "Hello, I'm ready." in texts

    refused = rapport(db_url, "delete", check=False)
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert "deleted" in rapport(db_url, "delete", "--yes").stdout
    assert "No practices yet" in rapport(db_url, "history").stdout


def test_a_nudge_due_while_the_chat_was_closed_arrives_once_on_resume(migrated: str) -> None:
    db_url = migrated
    rapport(
        db_url,
        "chat",
        "--persona",
        "tomas",
        "--minutes",
        "0.02",
        "--scenario",
        "stay=no",
        stdin="Good morning, I'm ready.\n",
    )
    time.sleep(1.5)  # the 1.2-second mark passes while nobody is running
    resumed = rapport(db_url, "chat", "--resume", stdin="")
    assert resumed.stdout.count("[nudge]") == 1
    again = rapport(db_url, "chat", "--resume", stdin="")
    assert "[nudge]" in again.stdout  # shown again as context ...
    export = json.loads(rapport(db_url, "export").stdout)
    assert [n["status"] for n in export["nudges"]] == ["sent"]  # ... but delivered once
    nudges = [t for t in export["practices"][0]["transcript"] if t["speaker"] == "nudge"]
    assert len(nudges) == 1


def test_resume_with_nothing_to_resume_says_so(migrated: str) -> None:
    db_url = migrated
    result = rapport(db_url, "chat", "--resume", check=False)
    assert result.returncode == 2
    assert "no unfinished practice" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_database_url_is_one_clear_line() -> None:
    result = rapport("mysql://nobody@nowhere/db", "history", check=False)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "not supported" in result.stderr
