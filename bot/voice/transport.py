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
import datetime
import time
from typing import Any

import aiohttp
import httpx2
from openai import DefaultAsyncHttpxClient


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
        body = await request.aread() or None  # (a redirected request is not read yet)
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


KEPT_URLS = 16
"""Parsed request URLs kept (httpx2's URLs are immutable), and merged header lists."""


class DirectClient(DefaultAsyncHttpxClient):
    """The ``openai`` client's HTTP client: its requests go to the transport directly.

    httpx2's client merges its defaults into each request (base URL, headers, cookies,
    query), then runs it through its auth, redirect and event-hook layers, wraps the reply's
    stream and logs it: about 65 us of CPU a request (measured, of some 0.9 ms a phrased
    line), for layers the voice does not use. Here a request gets the same headers (the
    client's defaults, then the ones given) and goes straight to the transport the client
    would have chosen. Whatever the client would treat differently goes the whole way as
    before: query parameters, cookies it keeps (the ones a reply sets are kept), auth,
    hooks, other kinds of body, and a redirect (sent again, for the client to follow).
    """

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._urls: dict[str, httpx2.URL] = {}
        self._merged: dict[tuple[Any, ...], httpx2.Headers] = {}
        """Each header list given, merged with the client's and normalised (a request
        copies its headers, so one object serves every request)."""

    def build_request(
        self,
        method: str,
        url: httpx2.URL | str,
        *,
        content: Any = None,
        headers: Any = None,
        timeout: Any = httpx2.USE_CLIENT_DEFAULT,
        **others: Any,
    ) -> httpx2.Request:
        direct = (
            isinstance(headers, list)
            and timeout is not httpx2.USE_CLIENT_DEFAULT
            and not any(value for value in others.values())  # params, cookies, files...
            and not self.cookies
            and not self.params
        )
        if not (direct and isinstance(url, str) and url.startswith(("http://", "https://"))):
            return super().build_request(
                method, url, content=content, headers=headers, timeout=timeout, **others
            )
        merged = self._merged.get(key := (*headers, *self.headers.raw))
        if merged is None:  # (normalising ~17 headers twice a request costs ~40 us; they
            given = {str(name).lower() for name, _ in headers}  # are the same every time)
            merged = httpx2.Headers(
                [(k, v) for k, v in self.headers.multi_items() if k not in given] + headers
            )
            if len(self._merged) >= KEPT_URLS:
                self._merged.clear()
            self._merged[key] = merged
        parsed = self._urls.get(url)
        if parsed is None:  # (parsing one costs 12 us; there is one, the completions')
            parsed = httpx2.URL(url)
            if len(self._urls) < KEPT_URLS:
                self._urls[url] = parsed
        return httpx2.Request(
            method,
            parsed,
            content=content,
            headers=merged,
            extensions={"timeout": httpx2.Timeout(timeout).as_dict()},
        )

    async def send(
        self,
        request: httpx2.Request,
        *,
        stream: bool = False,
        auth: Any = httpx2.USE_CLIENT_DEFAULT,
        follow_redirects: Any = httpx2.USE_CLIENT_DEFAULT,
    ) -> httpx2.Response:
        full = (
            self.is_closed
            or auth is not httpx2.USE_CLIENT_DEFAULT
            or follow_redirects is not httpx2.USE_CLIENT_DEFAULT
            or self.auth is not None
            or any(self.event_hooks.values())
        )
        if not full:
            started = time.perf_counter()
            response = await self._transport_for_url(request.url).handle_async_request(request)
            if not response.has_redirect_location:
                response.request = request
                if "set-cookie" in response.headers:
                    self.cookies.extract_cookies(response)
                await response.aread()  # (read whole by the transport already)
                response.elapsed = datetime.timedelta(seconds=time.perf_counter() - started)
                return response
            await response.aclose()
        return await super().send(
            request, stream=stream, auth=auth, follow_redirects=follow_redirects
        )
