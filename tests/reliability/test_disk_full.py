"""The disk under SQLite fills up (a real one: a tmpfs filled to the last byte): every
message sent meanwhile is answered exactly once after space is freed, none while full,
and /readyz says 503. CI size: 10 chats for 10 s; ``python3 -m tests.reliability --full``
runs 50 chats for 30 s. Needs root or CAP_SYS_ADMIN to mount the tmpfs (skipped, with
the reason, without them)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.reliability.diskfull import disk_full
from tests.reliability.figures import Figures


def test_messages_sent_while_the_disk_is_full_are_answered_once_after(
    workdir: Path, record: Callable[[Figures], Figures]
) -> None:
    figures = record(disk_full(10, 10.0, workdir=workdir))
    if figures.skipped:
        pytest.skip(figures.skipped)
    assert figures.lost == 0 and figures.duplicated == 0, figures.report()
    assert not figures.notes, figures.report()  # the disk really was full
    assert figures.ok, figures.report()
