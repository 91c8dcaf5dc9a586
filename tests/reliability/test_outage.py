"""The database goes away (PostgreSQL refusing connections): every message sent meanwhile is
answered exactly once after it comes back, none while it is down, and /readyz says 503.
CI size: 10 chats for 10 s; ``python3 -m tests.reliability --full`` runs 50 chats for 30 s.
Needs PostgreSQL (``RAPPORT_TEST_DATABASE_URL``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.reliability.figures import Figures
from tests.reliability.outage import database_outage


def test_messages_sent_while_the_database_is_down_are_answered_once_after(
    postgres: str, workdir: Path, record: Callable[[Figures], Figures]
) -> None:
    figures = record(database_outage(10, 10.0, workdir=workdir))
    assert figures.lost == 0 and figures.duplicated == 0, figures.report()
    assert figures.ok, figures.report()
