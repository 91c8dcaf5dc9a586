"""The ``openai`` client's HTTP transport over aiohttp (the library the bot already talks to
Telegram with), instead of its default HTTP stack.

The client's default stack (httpx2, httpcore2, anyio) took about 1.7 ms of CPU per request
on the bot's event loop; this transport takes a fraction of that (measured in the commit
that added it), which matters because every contact line may make a request. The client
keeps doing everything else: building requests, auth, retries, timeouts, parsing. A reply
is read whole (a stream too: a line is checked before it is shown anyway).
"""

from __future__ import annotations

import asyncio

import aiohttp
import httpx2


class AiohttpTransport(httpx2.AsyncBaseTransport):
    def __init__(self, connections: int = 100) -> None:
        self._connections = connections
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connections),
                auto_decompress=True,
                skip_auto_headers=("User-Agent",),
            )
        return self._session

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        limits = request.extensions.get("timeout", {})
        timeout = aiohttp.ClientTimeout(
            total=None,
            sock_connect=limits.get("connect"),
            sock_read=limits.get("read"),
        )
        body = request.content if request.content else None
        try:
            async with self._open().request(
                request.method,
                str(request.url),
                headers=list(request.headers.multi_items()),
                data=body,
                timeout=timeout,
                allow_redirects=False,
            ) as reply:
                content = await reply.read()
                headers = [
                    (k, v) for k, v in reply.headers.items() if k.lower() != "content-encoding"
                ]
                return httpx2.Response(
                    reply.status, headers=headers, content=content, request=request
                )
        except TimeoutError as exc:
            raise httpx2.ReadTimeout(str(exc) or "timed out", request=request) from exc
        except aiohttp.ClientConnectorError as exc:
            raise httpx2.ConnectError(str(exc), request=request) from exc
        except aiohttp.ClientError as exc:
            raise httpx2.ReadError(str(exc), request=request) from exc

    async def aclose(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
            await asyncio.sleep(0)  # (lets aiohttp close its connections)
