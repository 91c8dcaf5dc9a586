"""Connections that send nothing (slow loris) past the webhook's connection cap, and
request bodies too large or never finished: a user's update is still answered once, every
idle connection is closed by the server, the log says so in a few lines (not one per
connection), and the bodies get 413 and 408. CI size: 200 idle connections against
``WEBHOOK_MAX_CONNECTIONS=50``; ``python3 -m tests.reliability --full`` runs the issue's
case, 1,100 against the default cap under a 1,024-file limit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.reliability.connections import idle_connections
from tests.reliability.figures import Figures


def test_idle_connections_past_the_cap_leave_room_for_telegram_and_are_closed(
    workdir: Path, record: Callable[[Figures], Figures]
) -> None:
    figures = record(idle_connections(200, 50, workdir=workdir))
    assert figures.lost == 0 and figures.duplicated == 0, figures.report()
    assert not figures.failures("body"), figures.report()
    assert not figures.failures("logs"), figures.report()
    assert figures.ok, figures.report()
