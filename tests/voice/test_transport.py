"""The voice's HTTP client sends what httpx2's full client would, and leaves to it what it
does not handle itself (a redirect, cookies)."""

from __future__ import annotations

import asyncio
import json

import httpx2
from aiohttp import web
from openai import AsyncOpenAI, DefaultAsyncHttpxClient

from bot.voice.config import VoiceConfig
from bot.voice.model import ModelVoice
from bot.voice.transport import AiohttpTransport, DirectClient

COMPLETION = {"choices": [{"message": {"role": "assistant", "content": "Hello."}}]}


def test_a_request_is_built_as_the_full_client_builds_it() -> None:
    direct, full = DirectClient(), DefaultAsyncHttpxClient()
    given = [("Accept", "application/json"), ("x-stainless-retry-count", "0"), ("X-A", "1")]
    retry = [*given[:1], ("x-stainless-retry-count", "1"), *given[2:]]
    # the second of each is built from the kept headers; the client's own headers changed
    # on the way must count
    for headers, body, client_header in [
        (given, b'{"a": 1}', ""),
        (given, b'{"a": 22}', ""),
        (retry, b"{}", ""),
        (given, b"{}", "1"),
        (given, b"{}", "2"),
    ]:
        if client_header:
            direct.headers["X-Client"] = full.headers["X-Client"] = client_header
        mine, theirs = (
            client.build_request(
                "POST",
                "http://127.0.0.1:9/v1/chat/completions",
                content=body,
                headers=list(headers),
                timeout=httpx2.Timeout(3.0, connect=1.0),
            )
            for client in (direct, full)
        )
        assert mine.url == theirs.url and mine.method == theirs.method
        assert mine.headers.multi_items() == theirs.headers.multi_items()
        assert mine.content == theirs.content and mine.extensions == theirs.extensions
    # anything else goes the full client's way
    with_query = direct.build_request("GET", "http://h/x", params={"q": "1"}, headers=[])
    assert with_query.url.query == b"q=1"


def test_the_completions_url_is_the_one_the_client_would_join() -> None:
    for base in ("http://h:11434/v1", "http://h:11434/v1/", "https://api.example/v1", "http://h"):
        voice = ModelVoice(VoiceConfig(base, "m"), {})
        assert voice._url() == str(voice.client._prepare_url("/chat/completions"))


def test_a_redirect_is_followed_and_a_cookie_kept() -> None:
    seen: list[str | None] = []

    async def moved(request: web.Request) -> web.Response:
        raise web.HTTPTemporaryRedirect("/v2/chat/completions")

    async def answer(request: web.Request) -> web.Response:
        seen.append(request.cookies.get("lb"))
        reply = web.json_response(COMPLETION)
        reply.set_cookie("lb", "a")
        return reply

    async def scenario() -> None:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", moved)
        app.router.add_post("/v2/chat/completions", answer)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        client = AsyncOpenAI(
            base_url=f"http://127.0.0.1:{port}/v1",
            api_key="k",
            max_retries=0,
            http_client=DirectClient(transport=AiohttpTransport()),
        )
        for _ in range(2):
            got = await client.post("/chat/completions", cast_to=object, content=b"{}")
            assert json.loads(json.dumps(got)) == COMPLETION
        await client.close()
        await runner.cleanup()

    asyncio.run(scenario())
    assert seen == [None, "a"]
