"""A fake OpenAI-compatible chat completions server on loopback, with fault injection.

``POST {url}/chat/completions`` answers as OpenAI's API does (a JSON completion, or with
``"stream": true`` server-sent chunks ending in ``[DONE]``). A request with a
``response_format`` of type ``json_schema`` (JSON mode) is a labelling request: it is
answered with ``{"acts": [...], "topics": [...]}`` from :attr:`FakeLLM.labels` (exact
message text -> labels; unknown texts get no labels). Any other request is a phrasing
request: the fake finds the scripted line in the prompt and says it back reworded (see
:data:`GOOD_PREFIX`), so a test can tell a phrased line from a scripted one.

Faults (``fake.fault = "429"``, or one request each: ``fake.next_faults(["500", "slow"])``):

- ``slow``: the reply comes after :attr:`FakeLLM.slow_seconds` (``delay`` delays all);
- ``429``, ``500``: that status with an OpenAI-style error body;
- ``malformed``: a 200 whose body is not JSON;
- ``refusal``: the message carries a refusal and no content; ``empty``: no content;
- ``out_of_character``, ``job_offer``, ``invented_name``, ``over_long``, ``prompt_echo``,
  ``markup``, ``invented_number``: replies that the guards must reject.

Run it alone for benchmarks: ``python -m tests.fake_llm --delay 2`` prints its URL.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

GOOD_PREFIX = "Right, so. "
"""What the fake's faithful wording puts before the scripted line."""
FAULTS = (
    "slow",
    "429",
    "500",
    "malformed",
    "refusal",
    "empty",
    "out_of_character",
    "job_offer",
    "invented_name",
    "over_long",
    "prompt_echo",
    "markup",
    "invented_number",
)
_SCRIPTED = re.compile(r'The line you are about to say: "(?P<line>.*)"\nNow reply', re.DOTALL)
_MESSAGE = re.compile(r'^Message: "(?P<text>.*)"$', re.DOTALL)


@dataclass
class Request:
    """One request the fake received."""

    at: float
    body: dict[str, Any]
    fault: str
    status: int

    @property
    def labelling(self) -> bool:
        return bool(self.body.get("response_format"))

    @property
    def messages(self) -> list[dict[str, str]]:
        return list(self.body.get("messages", []))


@dataclass
class FakeLLM:
    host: str = "127.0.0.1"
    port: int = 0
    delay: float = 0.0
    """Every reply waits this long (the benchmarks' model speed)."""
    slow_seconds: float = 30.0
    fault: str = ""
    """Applied to every phrasing request (labelling requests too unless ``phrase_only``)."""
    phrase_only: bool = True
    labels: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    _faults: deque[str] = field(default_factory=deque)
    _last_fault: str = ""
    in_flight: int = 0
    max_in_flight: int = 0
    """The most requests it was answering at once."""
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _loop: asyncio.AbstractEventLoop | None = None
    _thread: threading.Thread | None = None
    _runner: web.AppRunner | None = None

    # -- lifecycle -----------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The API root to give as base URL (``.../v1``)."""
        return f"http://{self.host}:{self.port}/v1"

    def start(self) -> FakeLLM:
        ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(ready,), daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the fake model server did not start")
        return self

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        asyncio.run_coroutine_threadsafe(self._cleanup(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        self._loop = self._thread = None

    def __enter__(self) -> FakeLLM:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self, ready: threading.Event) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        loop.run_until_complete(self._startup())
        ready.set()
        try:
            loop.run_forever()
        finally:  # (a slow reply still waiting: cancelled)
            pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
            for task in pending:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.close()

    async def _startup(self) -> None:
        app = web.Application()
        app.router.add_post("/{prefix:.*}chat/completions", self._completions)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.2)
        await self._runner.setup()
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()

    async def _cleanup(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # -- what tests set and read ---------------------------------------------------------

    def next_faults(self, faults: Iterable[str]) -> None:
        """The next phrasing requests get these faults, one each, in order."""
        with self._lock:
            self._faults.extend(faults)

    def phrasings(self) -> list[Request]:
        return [r for r in self.requests if not r.labelling]

    def labellings(self) -> list[Request]:
        return [r for r in self.requests if r.labelling]

    # -- answering -----------------------------------------------------------------------

    def _take_fault(self, labelling: bool, retry: bool) -> str:
        """The fault for this request: a client's retry of a request gets the same one (it
        is the same request to the test: "a 429" means a 429 however often it is asked)."""
        with self._lock:
            if retry:
                return self._last_fault
            if labelling and self.phrase_only:
                fault = ""
            elif not labelling and self._faults:
                fault = self._faults.popleft()
            else:
                fault = self.fault
            self._last_fault = fault
            return fault

    async def _completions(self, request: web.Request) -> web.StreamResponse:
        body: dict[str, Any] = await request.json()
        labelling = bool(body.get("response_format"))
        retry = request.headers.get("x-stainless-retry-count", "0") not in ("", "0")
        fault = self._take_fault(labelling, retry)
        status = {"429": 429, "500": 500}.get(fault, 200)
        with self._lock:
            self.requests.append(Request(time.time(), body, fault, status))
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay + (self.slow_seconds if fault == "slow" else 0))
        finally:
            with self._lock:
                self.in_flight -= 1
        if status != 200:
            kind = "rate_limit_exceeded" if status == 429 else "server_error"
            error = {"error": {"message": f"fake {status}", "type": kind, "code": kind}}
            headers = {"retry-after-ms": "10"} if status == 429 else {}
            return web.json_response(error, status=status, headers=headers)
        if fault == "malformed":
            return web.Response(text='{"id": "x", "choices": [', content_type="application/json")
        content, refusal = self._reply(body, labelling, fault)
        model = str(body.get("model", "fake"))
        if body.get("stream"):
            return await self._stream(request, model, content, refusal)
        message = {"role": "assistant", "content": content, "refusal": refusal}
        return web.json_response(
            {
                "id": "chatcmpl-fake",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": model,
                "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            }
        )

    def _reply(
        self, body: dict[str, Any], labelling: bool, fault: str
    ) -> tuple[str | None, str | None]:
        chat = body.get("messages", [])
        system = next((m["content"] for m in chat if m["role"] == "system"), "")
        user = next((m["content"] for m in reversed(chat) if m["role"] == "user"), "")
        if labelling:
            asked = _MESSAGE.match(user)
            text = asked.group("text") if asked else user
            found = self.labels.get(text, {"acts": [], "topics": []})
            return json.dumps(
                {"acts": found.get("acts", []), "topics": found.get("topics", [])}
            ), None
        match = _SCRIPTED.search(user)
        line = match.group("line") if match else "I see."
        return {
            "refusal": (None, "I can't help with that."),
            "empty": ("", None),
            "out_of_character": (
                "As an AI language model, I can't pretend to be a real person.",
                None,
            ),
            "job_offer": (
                f"{line} Actually, we're hiring: I could offer you a job on my team.",
                None,
            ),
            "invented_name": (f"{line} You should also talk to Gerald Pemberton.", None),
            "over_long": (" ".join([line] * 8), None),
            "prompt_echo": (system.split("RULES")[-1][:420].strip(), None),
            "markup": (f"**{line}**", None),
            "invented_number": (f"{line} Most of us earn about 183,000 a year.", None),
        }.get(fault, (GOOD_PREFIX + line, None))

    async def _stream(
        self, request: web.Request, model: str, content: str | None, refusal: str | None
    ) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        words = (content or "").split(" ")
        pieces = [
            " ".join(words[i : i + 4]) + (" " if i + 4 < len(words) else "")
            for i in range(0, len(words), 4)
        ]
        deltas: list[dict[str, Any]] = [{"role": "assistant", "content": ""}]
        deltas += [{"content": piece} for piece in pieces] if content else []
        if refusal:
            deltas.append({"refusal": refusal})
        for i, delta in enumerate(deltas):
            chunk = {
                "id": "chatcmpl-fake",
                "object": "chat.completion.chunk",
                "created": int(time.time()),
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "delta": delta,
                        "finish_reason": "stop" if i == len(deltas) - 1 else None,
                    }
                ],
            }
            await response.write(f"data: {json.dumps(chunk)}\n\n".encode())
        await response.write(b"data: [DONE]\n\n")
        await response.write_eof()
        return response
