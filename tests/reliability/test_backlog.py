"""Sustained load at the default TELEGRAM_SEND_RATE, with a backlog longer than an outbox
lease: every answer exactly once. CI size: 20 chats × 60 updates (about a minute of
backlog, twice the lease); ``python3 -m tests.reliability --full`` runs 50 × 120."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.reliability.backlog import backlog
from tests.reliability.figures import Figures


def test_a_backlog_behind_the_rate_limiter_answers_everything_once(
    workdir: Path, record: Callable[[Figures], Figures]
) -> None:
    figures = record(backlog(20, 60, workdir=workdir))
    assert figures.lost == 0 and figures.duplicated == 0, figures.report()
    assert figures.ok, figures.report()
