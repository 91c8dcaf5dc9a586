"""Scenario: connections that open and send nothing (slow loris), and request bodies too
large or never finished, against the webhook's limits (``bot.telegram.listener``).

``idle`` connections are opened to the replica and held without a byte sent, past its
``WEBHOOK_MAX_CONNECTIONS``; meanwhile a user's update, delivered by the fake Telegram
with the secret, must still be answered (once). Every idle connection must then be closed
by the server (the oldest to make room, the rest after ``WEBHOOK_HEADER_TIMEOUT``), and
the log must say so in a few lines, not one per connection. A body over
``WEBHOOK_MAX_BODY_BYTES`` gets 413 (declared, or sent chunked); one never finished gets
408 after ``WEBHOOK_BODY_TIMEOUT``. ``nofile`` runs the replica under that open-file
limit with the default cap (the issue's case: 1,100 idle connections against 1,024).
"""

from __future__ import annotations

import contextlib
import re
import selectors
import socket
import time
from collections import Counter
from pathlib import Path

from tests.reliability.figures import Figures
from tests.reliability.harness import (
    SECRET,
    Cluster,
    database_for,
    scan_logs,
    wait_acked,
    wait_quiet,
)
from tests.reliability.scenarios import FIRST_CHAT, workspace

MAX_BODY = 65_536
HEADER_TIMEOUT = 2.0
BODY_TIMEOUT = 2.0
LOG_INTERVAL = 2.0
LOG_COUNTS = {
    "evicted": re.compile(r"webhook: (\d+) idle connections closed to make room"),
    "timed out": re.compile(r"webhook: (\d+) connections closed for sending no request headers"),
    "refused": re.compile(r"webhook: (\d+) connections closed as soon as accepted"),
    "accept failed": re.compile(r"accept\(\) failed for want of resources .*? (\d+) times"),
}


def open_idle(port: int, count: int) -> list[socket.socket]:
    """``count`` connections that send nothing (a refused one is simply not kept)."""
    held = []
    for _ in range(count):
        try:
            held.append(socket.create_connection(("127.0.0.1", port), timeout=10))
        except OSError:
            continue
    return held


def wait_closed(socks: list[socket.socket], timeout: float) -> dict[socket.socket, float]:
    """When the server closed each connection (EOF or reset), in monotonic seconds;
    those still open after ``timeout`` are missing."""
    closed: dict[socket.socket, float] = {}
    by_fd = {sock.fileno(): sock for sock in socks}
    with selectors.DefaultSelector() as selector:
        for sock in socks:
            sock.setblocking(False)
            selector.register(sock, selectors.EVENT_READ)
        deadline = time.monotonic() + timeout
        while len(closed) < len(socks) and time.monotonic() < deadline:
            for key, _ in selector.select(timeout=0.5):
                sock = by_fd[key.fd]
                try:
                    data = sock.recv(4096)
                except BlockingIOError:
                    continue
                except OSError:
                    data = b""
                if not data:  # the server sends nothing before closing an idle one
                    closed[sock] = time.monotonic()
                    selector.unregister(sock)
    return closed


def raw_request(port: int, head: str, body: bytes = b"", wait: float = 30.0) -> int | str:
    """Send a request's ``head`` (its lines end in a newline, an empty one last) and
    ``body`` (maybe incomplete); the answer's status."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as sock:
        sock.sendall(head.replace("\n", "\r\n").encode() + body)
        answer = b""
        with contextlib.suppress(TimeoutError, OSError):
            while b"\r\n" not in answer and (chunk := sock.recv(1024)):
                answer += chunk
    match = re.match(rb"HTTP/1\.[01] (\d{3})", answer)
    return int(match.group(1)) if match else "closed without an answer"


def post_head(extra: str) -> str:
    return (
        "POST /telegram HTTP/1.1\nHost: 127.0.0.1\nContent-Type: application/json\n"
        f"X-Telegram-Bot-Api-Secret-Token: {SECRET}\n{extra}\n"
    )


def log_counts(text: str) -> dict[str, int]:
    return {kind: sum(map(int, rx.findall(text))) for kind, rx in LOG_COUNTS.items()}


def idle_connections(
    idle: int = 200,
    cap: int | None = 50,
    *,
    nofile: int | None = None,
    workdir: Path | None = None,
) -> Figures:
    limit = f" under a {nofile:,}-file limit" if nofile else ""
    figures = Figures(f"{idle:,} idle connections, bodies too big or too slow{limit}")
    env = {
        "WEBHOOK_HEADER_TIMEOUT": str(HEADER_TIMEOUT),
        "WEBHOOK_BODY_TIMEOUT": str(BODY_TIMEOUT),
        "WEBHOOK_MAX_BODY_BYTES": str(MAX_BODY),
        "WEBHOOK_LOG_INTERVAL": str(LOG_INTERVAL),
    }
    if cap is not None:
        env["WEBHOOK_MAX_CONNECTIONS"] = str(cap)
    with workspace(workdir, "idle_connections") as work:
        db_url = database_for(work, postgres=False)
        with Cluster(work, db_url, 1, env=env, nofile=nofile, concurrency=4) as cluster:
            fake, replica = cluster.fake, cluster.replicas[0]
            user = fake.user(FIRST_CHAT, "Patient")
            warm = fake.send_command(user, "/help")  # the fake holds a keep-alive connection
            wait_acked(fake, warm, 60.0)
            wait_quiet(fake, quiet=0.5)
            log_before = replica.log_path.read_text(errors="replace").count("\n")

            began = time.monotonic()
            held = open_idle(replica.port, idle)
            opened = time.monotonic()
            update = fake.send_command(user, "/help")
            through = wait_acked(fake, update, 60.0)
            wait_quiet(fake, quiet=0.5)
            answered_in = time.monotonic() - opened
            attempts = [d for d in fake.webhook_deliveries if d.update_id == update]

            big = raw_request(replica.port, post_head(f"Content-Length: {MAX_BODY + 1}\n"))
            chunk = b"x" * 16_384
            chunked = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(5))
            big_chunked = raw_request(
                replica.port, post_head("Transfer-Encoding: chunked\n"), chunked + b"0\r\n\r\n"
            )
            slow = raw_request(
                replica.port, post_head("Content-Length: 500\n"), b'{"update_id": 1, "mes'
            )

            closed = wait_closed(held, timeout=HEADER_TIMEOUT + 60.0)
            for sock in held:
                sock.close()
            wait_quiet(fake, quiet=LOG_INTERVAL + 0.5, timeout=30.0)  # the last counted lines
            cluster.stop_replicas()
            wall = time.monotonic() - began
            text = replica.log_path.read_text(errors="replace")
            during = text.count("\n") - log_before
            counts = log_counts(text)

            replies = Counter(m.chat_id for m in fake.messages() if m.chat_id == user.id)
            answers = replies[user.id] - 1  # the warm-up's
            figures.inputs = len(held) + 4
            figures.lost = int(answers < 1)
            figures.duplicated = max(answers - 1, 0)
            cap_shown = f"WEBHOOK_MAX_CONNECTIONS={cap}" if cap else "the default cap"
            figures.load = f"1 replica, {cap_shown}, {len(held):,} idle connections held"
            figures.faults = (
                f"{idle:,} connections sending nothing; a {MAX_BODY + 1:,}-byte body declared, "
                "an 80 KB chunked one, one stopped after 21 of 500 bytes"
            )
            late = sorted(t - opened for t in closed.values())
            bound = 4 * (int(wall / LOG_INTERVAL) + 2) + 12
            figures.details.update(
                {
                    "idle connections opened": f"{len(held):,} of {idle:,}",
                    "closed by the server": f"{len(closed):,}",
                    "closed to make room (log)": counts["evicted"],
                    "closed at the header timeout (log)": counts["timed out"],
                    "refused / accept() failed (log)": (
                        f"{counts['refused']} / {counts['accept failed']}"
                    ),
                    "last idle one closed after": f"{late[-1]:.1f} s" if late else "-",
                    "update answered after": f"{answered_in:.1f} s, "
                    f"{len(attempts)} delivery attempt(s)",
                    "413 / 413 chunked / 408": f"{big} / {big_chunked} / {slow}",
                    "log lines during the flood": f"{during} (bound {bound})",
                }
            )
            if not through or answers < 1:
                figures.problems.append("[webhook] the user's update was not answered")
            if answers > 1:
                figures.problems.append(f"[webhook] the user's update was answered {answers}×")
            if len(held) < idle:
                figures.problems.append(f"[idle] only {len(held)} of {idle} connections opened")
            if len(closed) < len(held):
                figures.problems.append(
                    f"[idle] {len(held) - len(closed)} idle connections never closed"
                )
            if not counts["timed out"]:
                figures.problems.append("[idle] no connection closed at the header timeout")
            if counts["evicted"] + counts["timed out"] < len(held):
                figures.problems.append(f"[logs] closures under-counted: {counts}")
            if counts["accept failed"]:
                figures.problems.append(f"[idle] accept() ran out of resources: {counts}")
            if during > bound:
                figures.problems.append(f"[logs] {during} lines during the flood (> {bound})")
            if (big, big_chunked, slow) != (413, 413, 408):
                figures.problems.append(
                    f"[body] expected 413, 413, 408; got {big}, {big_chunked}, {slow}"
                )
            figures.problems += scan_logs(cluster.logs, [fake.token, SECRET], [])
    return figures
