"""A webhook-style server on the guarded listener, starved of file descriptors: run by
``test_webhook_limits`` as ``python -m tests.telegram.listener_server PORT SPARE``.

It listens with :class:`bot.telegram.listener.Listener` (a cap far above what the
descriptors allow), then opens /dev/null until the process is out of descriptors and
gives ``SPARE`` back, so accept() soon fails with EMFILE as when the database and the
Bot API hold the rest. ``GET /ping`` answers ``pong``. Logs go to stderr.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys

from aiohttp import web

from bot import logs
from bot.telegram.listener import Limits, Listener


async def main(port: int, spare: int) -> None:
    async def ping(_request: web.Request) -> web.Response:
        return web.Response(text="pong")

    # A cap not fitted to the open-file limit: the descriptors run out for real.
    listener = Listener(Limits(header_timeout=30.0, log_interval=60.0), cap=10_000)
    app = web.Application(middlewares=[listener.middleware])
    app.router.add_get("/ping", ping)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    assert runner.server is not None
    await listener.start(runner.server, "127.0.0.1", port)
    hogs = []
    try:
        while True:
            hogs.append(os.open(os.devnull, os.O_RDONLY))
    except OSError:
        pass
    for fd in hogs[-spare:]:
        os.close(fd)
    print("ready", flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    await listener.close()
    await runner.cleanup()


if __name__ == "__main__":
    logs.configure("text", "INFO")
    logging.getLogger("asyncio").setLevel(logging.DEBUG)
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2])))
