"""One dispatcher process for test_two_dispatchers: deliver every due nudge, then report.

Run as ``python -m tests.store.dispatch_worker WORKER_ID NOW`` with ``DATABASE_URL`` set.
It prints ``READY`` once started, waits for a line on stdin (so that two workers start
together), runs dispatcher passes at the fixed time ``NOW`` until no nudge is left to
claim, and prints one JSON line: the worker id, the nudge ids it delivered, the passes it
made and the errors it logged.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from datetime import datetime

from sqlalchemy import func, or_, select

from bot.store.db import make_engine
from bot.store.dispatcher import Dispatcher
from bot.store.models import NudgeRow
from bot.store.practices import Delivery, PracticeStore
from tests.store.crash_driver import flow


class Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(self.format(record))


def claimable(store: PracticeStore, now: datetime) -> int:
    """Nudges a pass at ``now`` could still claim (the dispatcher's own condition)."""
    due = or_(
        (NudgeRow.status == "pending") & (NudgeRow.due_at <= now),
        (NudgeRow.status == "claimed") & (NudgeRow.claimed_until < now),
    )
    with store.transaction() as db:
        return int(db.scalar(select(func.count()).select_from(NudgeRow).where(due)) or 0)


def main() -> None:
    worker_id, now = sys.argv[1], datetime.fromisoformat(sys.argv[2])
    errors = Errors()
    logging.getLogger().addHandler(errors)
    engine = make_engine(os.environ["DATABASE_URL"])
    store = PracticeStore(engine, flow())
    delivered: list[int] = []

    def deliver(delivery: Delivery) -> None:
        assert delivery.effects, "delivered with nothing to show"
        delivered.append(delivery.nudge.id)

    dispatcher = Dispatcher(store, deliver, worker_id=worker_id)
    print("READY", flush=True)
    sys.stdin.readline()
    passes = 0
    while True:
        shown = dispatcher.run_once(now)
        passes += 1
        if not shown:
            if not claimable(store, now):
                break
            time.sleep(0.01)  # the rest is being claimed by the other worker right now
    engine.dispose()
    report = {"worker": worker_id, "delivered": delivered, "passes": passes}
    print(json.dumps({**report, "errors": errors.messages}), flush=True)


if __name__ == "__main__":
    main()
