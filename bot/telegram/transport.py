"""The Bot API over aiohttp instead of httpx: the same requests for less CPU per call.

python-telegram-bot sends its requests through a :class:`~telegram.request.BaseRequest`;
its default one uses httpx, whose pure-Python HTTP/1.1 stack costs about as much CPU per
call as everything else a reply needs. aiohttp (already used for the webhook server)
parses HTTP in C. A request without files goes as a JSON body (the Bot API takes
``application/json``): aiohttp's form encoding costs ~15 times as much CPU per call (its
``FormData`` builds a multipart writer, drawing random bytes for a boundary it never uses,
then percent-encodes every field). Errors map onto python-telegram-bot's: a timeout is
``TimedOut``, any other transport failure ``NetworkError``; their messages name the
failure, never the URL (it contains the bot token).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

DefaultNone = BaseRequest.DEFAULT_NONE
_JSON = {"Content-Type": "application/json"}


WRITE_TURNS = 3
"""Event loop turns a request needs to reach its socket (see :func:`requests_written`)."""


async def requests_written() -> None:
    """Give the requests just started the loop turns they need to reach the socket:
    aiohttp writes a request's body in a task of its own, a turn after its headers. Called
    before the next poll (which may be followed by work that holds the loop: SQLite runs
    inline), so what was started first also leaves first (measured: a request started
    before such work left only after it, and its answer waited a whole extra round trip)."""
    for _ in range(WRITE_TURNS):
        await asyncio.sleep(0)


class AiohttpRequest(BaseRequest):
    """A :class:`BaseRequest` over one pooled :class:`aiohttp.ClientSession`."""

    def __init__(
        self,
        *,
        pool_size: int = 256,
        read_timeout: float | None = 10.0,
        write_timeout: float | None = 10.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 5.0,
        media_write_timeout: float | None = 30.0,
    ) -> None:
        self._pool_size = pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
                skip_auto_headers=("Accept-Encoding",),
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = DefaultNone,
        write_timeout: Any = DefaultNone,
        connect_timeout: Any = DefaultNone,
        pool_timeout: Any = DefaultNone,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        files = request_data.multipart_data if request_data else None
        default_write = self._media_write_timeout if files else self._write_timeout
        read = self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        write = default_write if isinstance(write_timeout, DefaultValue) else write_timeout
        connect = (
            self._connect_timeout if isinstance(connect_timeout, DefaultValue) else connect_timeout
        )
        pool = self._pool_timeout if isinstance(pool_timeout, DefaultValue) else pool_timeout
        parts = (connect, pool, write, read)
        timeout = aiohttp.ClientTimeout(
            # aiohttp has no write timeout: the whole call gets every phase's budget
            total=None if None in parts else sum(p for p in parts if p is not None),
            connect=None if connect is None or pool is None else connect + pool,
            sock_connect=connect,
            sock_read=read,
        )
        body: Any = None
        headers: dict[str, str] | None = None
        if request_data is not None and not files:
            body = json.dumps(request_data.parameters).encode()
            headers = _JSON
        elif request_data is not None and files:
            form = aiohttp.FormData()
            for name, value in request_data.json_parameters.items():
                form.add_field(name, value)
            for name, part in files.items():
                if isinstance(part, tuple):
                    filename, content, mimetype = (*part, None)[:3]
                    form.add_field(name, content, filename=filename, content_type=mimetype)
                else:
                    form.add_field(name, part, filename=name)
            body = form
        try:
            async with self._session.request(
                method, url, data=body, headers=headers, timeout=timeout
            ) as res:
                return res.status, await res.read()
        except TimeoutError as err:
            raise TimedOut(f"Telegram did not answer in time ({type(err).__name__})") from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{type(err).__name__}") from err
