"""A scripted practice that may be SIGKILLed anywhere and restarted: for test_crash_safety.

Run it as ``python -m tests.store.crash_driver [--die MODE]`` with ``DATABASE_URL`` set.
It opens the store, finds the user's practice (starting it if there is none) and carries
on with the script. What to send next is read from the database (how many user turns are
stored), never from what an earlier, killed run printed: a line whose commit happened
just before the kill is not sent again.

Before each line, one dispatcher pass delivers the nudges due by then. Time is virtual
and the same on every run: line ``n`` is sent at ``message_time(n)``, and its pass runs a
little earlier, after every claim a killed run left behind has expired (a restart that
took at least the lease). So a crashed and restarted practice must end up exactly like
one that was never interrupted.

Output, flushed line by line: ``READY`` once started, ``NUDGE <kind>`` after a nudge's
delivery committed, ``ACK <n>`` after line ``n`` committed, and ``DONE`` at the end.

``--die`` makes the process kill itself at a precise point: ``before-commit:N`` (the
N-th transaction is written but not committed), ``after-commit:N`` (committed, nothing
printed yet) or ``after-claim`` (nudges claimed, none delivered).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session as DbSession

from bot.store.db import make_engine
from bot.store.dispatcher import Dispatcher
from bot.store.models import NudgeRow, TurnRow
from bot.store.practices import Delivery, PracticeStore
from bot.store.schema import ensure_current
from flows.engine import CHECK_BACK_AFTER
from flows.engine import Engine as Flow

USER = "local"
PERSONA = "dana"
SEED = 11
SCENARIO = {"tangent": "yes", "stay": "yes", "referrals": "undecided"}
MINUTES = 15.0
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
STEP = timedelta(minutes=5)
"""Lines are this far apart (plus any waits). Every due time falls on this grid."""
PASS_LEAD = timedelta(seconds=290)
"""A line's dispatcher pass runs this long before it (later if old claims must expire)."""
FINAL_PASS = timedelta(days=1)

NO_WAIT = timedelta()
# (wait before the line, the line)
SCRIPT: list[tuple[timedelta, str]] = [
    (NO_WAIT, "Good morning! I got here about fifteen minutes early."),
    (
        NO_WAIT,
        "I'm wearing my charcoal suit, and I have a notebook and pen plus a printed copy "
        "of the questions I emailed you.",
    ),
    (
        NO_WAIT,
        "Thank you so much for making the time to meet me. How did you get started in software?",
    ),
    (NO_WAIT, "What do you like best and least about the work?"),
    (NO_WAIT, "That sounds fascinating, tell me more about that!"),
    (NO_WAIT, "What qualifications do you think it takes to be successful in this industry?"),
    (NO_WAIT, "How well would someone with my background in teaching fit into the industry?"),
    (NO_WAIT, "What are the strengths and weaknesses of my resume?"),
    (NO_WAIT, "I notice our time is nearly up, and I want to respect your time."),
    (NO_WAIT, "I'd love to stay a few more minutes, thank you!"),
    (
        NO_WAIT,
        "By the way, I came across a report on warehouse automation trends last week; "
        "I'd be happy to send it to you.",
    ),
    (NO_WAIT, "What does a typical week look like for you?"),
    (NO_WAIT, "Which skills should I build first?"),
    (NO_WAIT, "How do you see the field changing over the next five years?"),
    (NO_WAIT, "I see our time is up, thank you for being so generous with it."),
    (NO_WAIT, "How did I come across today? Any feedback on my presentation?"),
    (NO_WAIT, "Is there anyone else you would recommend I speak with?"),
    (NO_WAIT, "Would it be alright if I checked back with you in a day or two?"),
    (
        NO_WAIT,
        "And of course I won't ask anyone you suggest for a job, I just want to learn from them.",
    ),
    (NO_WAIT, "Thank you, goodbye!"),
    # The check-back asked for three lines up falls due just before this line.
    (CHECK_BACK_AFTER - 2 * STEP, "Hi, I'm just checking back about the names you mentioned."),
    (NO_WAIT, "Thank you so much, I'll reach out to them this week."),
]
LINES = [line for _, line in SCRIPT]


def message_time(n: int) -> datetime:
    """When line ``n`` is sent: the same on every run."""
    return START + STEP * (n + 1) + sum((wait for wait, _ in SCRIPT[: n + 1]), timedelta())


def say(out: Any, text: str) -> None:
    out.write(text + "\n")
    out.flush()


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def install_death(store: PracticeStore, mode: str | None) -> bool:
    """Arrange for ``--die MODE``; returns True for ``after-claim`` (done by the pass).

    ``before-commit:N`` and ``after-commit:N`` count only transactions that wrote
    something (read-only ones are not worth dying in).
    """
    if mode is None:
        return False
    if mode == "after-claim":
        return True
    where, _, count = mode.partition(":")
    if where not in ("before-commit", "after-commit"):
        raise SystemExit(f"unknown --die mode {mode!r}")
    target = int(count)
    state = {"wrote": False, "writes": 0}

    def flushed(*_args: Any) -> None:
        state["wrote"] = True

    def committing(*_args: Any) -> None:
        if state["wrote"]:
            state["writes"] += 1
            if where == "before-commit" and state["writes"] == target:
                die()

    def committed(*_args: Any) -> None:
        if state["wrote"]:
            state["wrote"] = False
            if where == "after-commit" and state["writes"] == target:
                die()

    def rolled_back(*_args: Any) -> None:
        state["wrote"] = False

    event.listen(DbSession, "after_flush", flushed)
    event.listen(store.engine, "commit", committing)
    event.listen(DbSession, "after_commit", committed)
    event.listen(DbSession, "after_rollback", rolled_back)
    return False


def practice_id(store: PracticeStore, user_id: int) -> int:
    """The user's practice; started on the first run only."""
    existing = store.practices(user_id)
    if existing:
        return existing[0].id
    return store.start(
        user_id, PERSONA, now=START, seed=SEED, minutes=MINUTES, scenario=SCENARIO
    ).session_id


def lines_sent(store: PracticeStore, session_id: int) -> int:
    with store.transaction() as db:
        return int(
            db.scalar(
                select(func.count())
                .select_from(TurnRow)
                .where(TurnRow.session_id == session_id, TurnRow.speaker == "user")
            )
            or 0
        )


def pass_time(store: PracticeStore, latest: datetime) -> datetime:
    """``latest`` minus the lead, or just after the last claim a killed run left expires."""
    with store.transaction() as db:
        stale = db.scalar(
            select(func.max(NudgeRow.claimed_until)).where(NudgeRow.status == "claimed")
        )
    now = latest - PASS_LEAD
    if stale is not None and stale >= now:
        now = stale + timedelta(seconds=1)
    return now


class DyingDispatcher(Dispatcher):
    """A dispatcher that can be made to die right after it claimed something."""

    die_after_claim = False

    def claim(self, now: datetime) -> list[int]:
        claimed = super().claim(now)
        if claimed and self.die_after_claim:
            die()
        return claimed


def dispatch(store: PracticeStore, latest: datetime, die_after_claim: bool, out: Any) -> None:
    now = pass_time(store, latest)
    if now >= latest:
        raise SystemExit(f"too many expired claims to deliver before {latest:%c}")

    def deliver(delivery: Delivery) -> None:
        say(out, f"NUDGE {delivery.nudge.kind}")

    dispatcher = DyingDispatcher(store, deliver)
    dispatcher.die_after_claim = die_after_claim
    dispatcher.run_once(now)


def flow() -> Flow:
    return Flow()


def run(url: str, mode: str | None, out: Any) -> None:
    engine = make_engine(url)
    try:
        ensure_current(engine)  # SQLite migrates itself; PostgreSQL was migrated by the test
        store = PracticeStore(engine, flow())
        die_after_claim = install_death(store, mode)
        say(out, "READY")
        user_id = store.user_id(USER, START)
        session_id = practice_id(store, user_id)
        while (n := lines_sent(store, session_id)) < len(LINES):
            dispatch(store, message_time(n), die_after_claim, out)
            store.message(session_id, LINES[n], message_time(n))
            say(out, f"ACK {n}")
        dispatch(store, message_time(len(LINES) - 1) + FINAL_PASS, die_after_claim, out)
        say(out, "DONE")
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--die", metavar="MODE")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    run(os.environ["DATABASE_URL"], args.die, sys.stdout)


if __name__ == "__main__":
    main()
