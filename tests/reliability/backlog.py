"""Scenario: sustained load at the default send rate, a backlog of minutes behind the
rate limiter; every answer reaches its chat exactly once.

Each chat sends ``per_chat`` /help commands as fast as Telegram lets it (the fake delivers
one update per chat at a time); the replica answers each with one message, but may send
only ``TELEGRAM_SEND_RATE`` (30, the default) Bot API calls a second, typing actions
included. So answers queue behind the limiter far longer than an outbox lease (30 s):
a sender that let others (or its own loop) take rows it still holds would send them twice.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

from tests.reliability.figures import Figures
from tests.reliability.harness import (
    SECRET,
    Cluster,
    database_for,
    scan_logs,
    wait_for_outbox,
    wait_quiet,
)
from tests.reliability.scenarios import FIRST_CHAT, workspace

RATE = 30


def backlog(
    chats: int = 50,
    per_chat: int = 120,
    *,
    workdir: Path | None = None,
    postgres: bool | None = None,
    timeout: float = 1200.0,
) -> Figures:
    expected = chats * per_chat
    figures = Figures(f"sustained load at TELEGRAM_SEND_RATE={RATE}")
    with workspace(workdir, "backlog") as work:
        db_url = database_for(work, postgres)
        env = {"TELEGRAM_SEND_RATE": str(RATE)}
        with Cluster(work, db_url, 1, env=env, concurrency=chats) as cluster:
            fake = cluster.fake
            users = [fake.user(FIRST_CHAT + i, f"Load {i}") for i in range(chats)]
            began, deadline = time.time(), time.monotonic() + timeout
            for _ in range(per_chat):
                for user in users:
                    fake.send_command(user, "/help")

            def behind() -> bool:
                per = Counter(m.chat_id for m in fake.messages())
                return any(per[u.id] < per_chat for u in users)

            while time.monotonic() < deadline and behind():
                time.sleep(0.5)
            engine = cluster.engine()
            try:
                waiting = wait_for_outbox(engine, timeout=60.0)
            finally:
                engine.dispose()
            wait_quiet(fake, quiet=2.0, timeout=60.0)
            answered = max((m.time for m in fake.messages()), default=began) - began
            cluster.stop_replicas()
            per = Counter(m.chat_id for m in fake.messages())
            lost = sum(max(per_chat - per[u.id], 0) for u in users)
            doubled = sum(max(per[u.id] - per_chat, 0) for u in users)
            calls = len(fake.sent())
            figures.inputs = expected
            figures.lost = lost
            figures.duplicated = doubled
            figures.load = (
                f"1 replica, {chats} chats × {per_chat} updates; "
                f"backlog of {expected / RATE:.0f} s at the rate, drained in {answered:.0f} s"
            )
            figures.details.update(
                {
                    "messages sent / updates": f"{len(fake.messages()):,} / {expected:,}",
                    "Bot API sends (incl. typing)": f"{calls:,}",
                    "backlog drained": f"{answered:.0f} s",
                    "outbox still pending": waiting,
                }
            )
            if lost:
                figures.problems.append(f"[replies] {lost} answers never reached their chat")
            if doubled:
                figures.problems.append(f"[replies] {doubled} answers reached their chat twice")
            if waiting:
                figures.problems.append(f"[outbox] {waiting} messages still pending")
            figures.problems += scan_logs(cluster.logs, [fake.token, SECRET], [])
    return figures
