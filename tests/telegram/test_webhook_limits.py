"""The webhook's connection guard (``bot.telegram.listener``): headers a byte at a time are
cut off, a process out of descriptors keeps answering and says so in one line, the cap
fits under the open-file limit, and throttled logging counts everything it holds back.

The end-to-end case (hundreds of idle connections against the real bot, bodies too large
or too slow) is a row of the reliability suite: ``tests/reliability/test_connections.py``.
"""

from __future__ import annotations

import asyncio
import logging
import re
import resource
import socket
import subprocess
import sys
import urllib.request
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from aiohttp import web

from bot.logs import Throttled
from bot.telegram.listener import FD_RESERVE, Limits, Listener, connection_budget, open_descriptors
from tests.ports import free_port

REPO = Path(__file__).resolve().parents[2]


@asynccontextmanager
async def guarded(limits: Limits) -> AsyncIterator[Listener]:
    async def ping(_request: web.Request) -> web.Response:
        return web.Response(text="pong")

    listener = Listener(limits)
    app = web.Application(middlewares=[listener.middleware])
    app.router.add_get("/ping", ping)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    assert runner.server is not None
    await listener.start(runner.server, "127.0.0.1", 0)
    try:
        yield listener
    finally:
        await listener.close()
        await runner.cleanup()


async def closed_by_server(reader: asyncio.StreamReader, within: float) -> bool:
    try:
        return await asyncio.wait_for(reader.read(), within) == b""
    except TimeoutError:
        return False


def test_headers_sent_a_byte_at_a_time_are_cut_off_and_idle_keep_alive_ends() -> None:
    async def scenario() -> None:
        async with guarded(Limits(header_timeout=1.0, max_connections=10)) as listener:
            # slow loris: a byte of the request line every 0.2 s, never finishing
            reader, writer = await asyncio.open_connection("127.0.0.1", listener.port)
            sent = 0
            for byte in b"GET /ping HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 60:
                if writer.is_closing() or reader.at_eof():
                    break
                try:
                    writer.write(bytes([byte]))
                    await writer.drain()
                except ConnectionError:
                    break
                sent += 1
                await asyncio.sleep(0.2)
            assert await closed_by_server(reader, 10.0)
            assert sent < 80, "the server kept reading headers far past the timeout"
            writer.close()

            # a well-behaved keep-alive connection: two requests answered, then closed
            reader, writer = await asyncio.open_connection("127.0.0.1", listener.port)
            for _ in range(2):
                writer.write(b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
                await writer.drain()
                head = await reader.readuntil(b"\r\n\r\n")
                assert head.startswith(b"HTTP/1.1 200")
                length = int(re.search(rb"Content-Length: (\d+)", head).group(1))  # type: ignore[union-attr]
                assert await reader.readexactly(length) == b"pong"
            assert await closed_by_server(reader, 10.0)
            writer.close()
            assert listener.timed_out.total == 1  # the keep-alive one is not a complaint
            assert not listener.open

    asyncio.run(scenario())


def test_past_the_cap_the_oldest_idle_connection_makes_room() -> None:
    async def scenario() -> None:
        async with guarded(Limits(header_timeout=60.0, max_connections=5)) as listener:
            idle = [await asyncio.open_connection("127.0.0.1", listener.port) for _ in range(8)]
            reader, writer = await asyncio.open_connection("127.0.0.1", listener.port)
            writer.write(b"GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            answer = await asyncio.wait_for(reader.read(), 10.0)
            assert answer.startswith(b"HTTP/1.1 200") and answer.endswith(b"pong")
            # the first four made room for the rest; the last four are still open
            oldest = [await closed_by_server(r, 5.0) for r, _ in idle[:4]]
            assert all(oldest)
            assert len(listener.open) <= 5 and listener.evicted.total == 4
            for _, w in idle:
                w.close()

    asyncio.run(scenario())


def test_out_of_descriptors_it_frees_an_idle_connection_and_logs_one_line(
    tmp_path: Path,
) -> None:
    port = free_port()
    log = tmp_path / "server.log"

    def limit() -> None:
        _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))

    with log.open("w") as stderr:
        server = subprocess.Popen(
            [sys.executable, "-m", "tests.telegram.listener_server", str(port), "4"],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            preexec_fn=limit,
        )
    try:
        assert server.stdout is not None and server.stdout.readline().strip() == "ready"
        idle = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(60)]
        for attempt in range(3):  # the accept loop may be pausing a moment
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=10) as r:
                    assert r.read() == b"pong"
                break
            except OSError:
                assert attempt < 2
        for sock in idle:
            sock.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
    text = log.read_text()
    failed = re.findall(r"accept\(\) failed for want of resources .*? (\d+) times", text)
    assert failed and sum(map(int, failed)) >= 50, text  # it did run out, many times
    assert len(failed) <= 2, text  # once when it began, once with the count at shutdown
    assert "out of system resource" not in text
    assert text.count("\n") <= 6, text


def test_the_cap_fits_under_the_open_file_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    low = open_descriptors() + FD_RESERVE + 40
    resource.setrlimit(resource.RLIMIT_NOFILE, (low, hard))
    try:
        budget = connection_budget(10_000)
        assert 1 <= budget <= 40 + 2  # give or take descriptors the check itself opens
        assert connection_budget(10) == 10
        resource.setrlimit(resource.RLIMIT_NOFILE, (open_descriptors() + 5, hard))
        assert connection_budget(10_000) == 1
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_a_flood_of_events_is_a_line_per_interval_with_the_full_count(
    caplog: pytest.LogCaptureFixture,
) -> None:
    logger = logging.getLogger("tests.throttled")

    async def flood() -> Throttled:
        throttled = Throttled(logger, "%d events in the last %g s", 0.3)
        for _ in range(1_000):
            throttled.note()
        await asyncio.sleep(0.5)  # the interval ends: the held-back count is logged
        for _ in range(10):
            throttled.note()
        throttled.flush()
        return throttled

    with caplog.at_level(logging.INFO, logger="tests.throttled"):
        throttled = asyncio.run(flood())
    counts = [int(r.getMessage().split()[0]) for r in caplog.records]
    assert counts[:2] == [1, 999]  # the first at once, the rest when the interval ended
    assert sum(counts) == throttled.total == 1_010  # nothing noted goes uncounted
    assert len(counts) == throttled.lines <= 4
