"""Scenario: the database goes away for a while (PostgreSQL refusing connections); every
message sent meanwhile is answered exactly once after it comes back, and /readyz says 503
while it is down.

A loopback TCP proxy stands between the replica and PostgreSQL. ``cut`` drops every open
connection and stops listening, so new connections are refused, as when the server is
restarted or its host is unreachable; ``restore`` listens again on the same port.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import make_url

from tests.fake_telegram import FakeTelegram, User
from tests.reliability.figures import Figures
from tests.reliability.harness import SECRET, Cluster, database_for, scan_logs, wait_quiet
from tests.reliability.scenarios import FIRST_CHAT, workspace


class TcpProxy:
    """Forwards 127.0.0.1:``port`` to ``target``; can refuse connections for a while."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = 0
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()

    def __enter__(self) -> TcpProxy:
        self.restore()
        return self

    def __exit__(self, *exc: object) -> None:
        self.cut()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            # shutdown wakes the thread blocked in accept(); close alone may not, and the
            # socket would go on accepting.
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self._lock:
            doomed, self._open = self._open, set()
        for sock in doomed:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            if self._listener is not listener:  # accepted just as it was cut
                client.close()
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open |= {client, upstream}
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


QUESTIONS = ("How did you get started in software?", "What do you like least about the job?")


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def database_outage(
    chats: int = 20,
    seconds: float = 30.0,
    per_chat: int = len(QUESTIONS),
    *,
    workdir: Path | None = None,
) -> Figures:
    figures = Figures(f"database down for {seconds:g} s (PostgreSQL refusing connections)")
    with workspace(workdir, "outage") as work:
        url = make_url(database_for(work, postgres=True))
        with TcpProxy((url.host or "127.0.0.1", url.port or 5432)) as proxy:
            proxied = url.set(host="127.0.0.1", port=proxy.port)
            with Cluster(work, proxied.render_as_string(hide_password=False), 1) as cluster:
                sent = through_outage(
                    figures, cluster, chats, seconds, per_chat, proxy.cut, proxy.restore
                )
                figures.load = f"1 replica, {chats} chats, {sent} updates sent while down"
                figures.faults = (
                    f"every PostgreSQL connection dropped, new ones refused for {seconds:g} s"
                )
    return figures


def in_practice(cluster: Cluster, chats: int) -> list[User]:
    """``chats`` users in a practice with Dana, greeted by her."""
    fake = cluster.fake
    users = [fake.user(FIRST_CHAT + i, f"Outage {i}") for i in range(chats)]
    for user in users:
        fake.send_command(user, "/practice dana 30")
    wait_quiet(fake, quiet=1.0, timeout=60.0)
    for user in users:
        fake.send_text(user, "Hello, I'm here for my meeting with Dana.")
    wait_quiet(fake, quiet=1.0, timeout=60.0)
    greeted_by = time.monotonic() + 60
    while len(dana_lines(fake)) < chats and time.monotonic() < greeted_by:
        time.sleep(0.25)  # the contact greets each user a moment after the lobby
    wait_quiet(fake, quiet=1.0, timeout=60.0)
    return users


def dana_lines(fake: FakeTelegram) -> Counter[int]:
    """The contact's lines per chat: one per question asked."""
    return Counter(m.chat_id for m in fake.messages() if "Dana:" in (m.text or ""))


def through_outage(
    figures: Figures,
    cluster: Cluster,
    chats: int,
    seconds: float,
    per_chat: int,
    cut: Callable[[], object],
    restore: Callable[[], object],
) -> int:
    """Users in a practice ask ``per_chat`` questions each while the database is made
    unusable by ``cut`` for ``seconds``, then ``restore``: each question must be answered
    once, none while the database is unusable, the webhook must answer 503 (an outage,
    not a failure of the update's own) and /readyz 503 meanwhile, and 200 after. Fills
    ``figures`` (but its load and faults); returns the updates sent."""
    fake = cluster.fake
    users = in_practice(cluster, chats)
    before = dana_lines(fake)
    ready = cluster.replicas[0].health_url.replace("/healthz", "/readyz")

    cut()
    down_at, down_wall = time.monotonic(), time.time()
    for question in QUESTIONS[:per_chat]:
        for user in users:
            fake.send_text(user, question)
    readyz_during: list[int] = []
    while time.monotonic() - down_at < seconds:
        readyz_during.append(_status(ready))
        time.sleep(1.0)
    answered_in_outage = sum(dana_lines(fake).values()) - sum(before.values())
    refused = Counter(d.status for d in fake.webhook_deliveries if d.time >= down_wall)

    restore()
    up_at = time.monotonic()

    def behind() -> bool:
        per = dana_lines(fake)
        return any(per[u.id] < before[u.id] + per_chat for u in users)

    while behind() and time.monotonic() - up_at < 120:
        time.sleep(0.25)
    caught_up = time.monotonic() - up_at
    wait_quiet(fake, quiet=2.0, timeout=60.0)
    readyz_after = _status(ready)
    cluster.stop_replicas()
    after = dana_lines(fake)
    sent = [after[u.id] - before[u.id] for u in users]
    figures.inputs = chats * per_chat
    figures.lost = sum(max(per_chat - n, 0) for n in sent)
    figures.duplicated = sum(max(n - per_chat, 0) for n in sent)
    figures.details.update(
        {
            "answered while down": answered_in_outage,
            "webhook answers while down": dict(refused),
            "all answered after recovery in": f"{caught_up:.1f} s",
            "/readyz while down": dict(Counter(readyz_during)),
            "/readyz after": readyz_after,
        }
    )
    if figures.lost:
        figures.problems.append(f"[replies] {figures.lost} updates never answered")
    if figures.duplicated:
        figures.problems.append(f"[replies] {figures.duplicated} answered twice")
    if answered_in_outage:
        figures.problems.append("[replies] answers sent while the database was down")
    if set(refused) - {503, None}:  # 500 would be a failure of the update's own: set aside
        figures.problems.append(f"[webhook] answers while down other than 503: {refused}")
    if 503 not in readyz_during or 200 in readyz_during[2:]:
        figures.problems.append(f"[readyz] while down: {readyz_during}")
    if readyz_after != 200:
        figures.problems.append(f"[readyz] after recovery: {readyz_after}")
    figures.problems += scan_logs(cluster.logs, [fake.token, SECRET], [])
    return chats * per_chat
