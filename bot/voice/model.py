"""The model voice: an OpenAI-compatible chat endpoint phrasing contact lines and reading
messages the rules read nothing in, through the official ``openai`` client.

Every call has a hard deadline (``RAPPORT_LLM_TIMEOUT``: waiting for a free slot, the
client's one retry and the reply all count), at most ``RAPPORT_LLM_CONCURRENCY`` calls run
at once per process, and any failure (a timeout, an error, a 429, a refusal, a reply a
guard rejects) gives ``None``: the caller shows the scripted line, or keeps the rules'
reading. Nothing here blocks the event loop or holds a database transaction, and no
message text is ever logged (the ``openai`` logger, which logs request bodies at DEBUG, is
kept at WARNING by :mod:`bot.logs`).
"""

from __future__ import annotations

import asyncio
import json as jsonlib
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot import metrics
from bot.metrics import LlmOutcome, LlmPurpose
from bot.voice.config import VoiceConfig
from flows.guards import tidy, verdict
from flows.persona import Persona
from flows.phrasing import Hint, PhrasingRequest
from flows.prompts import LABELS_SCHEMA, messages, parse_labels, understand_messages

if TYPE_CHECKING:
    from openai import AsyncOpenAI

log = logging.getLogger(__name__)

MAX_RETRIES = 1
"""The client's own retries (a 429 or 5xx once more), all within the deadline."""
LABEL_TOKENS = 120
MAX_HEADS = 256
"""Serialised request heads kept (one a contact and kind of request; see ModelVoice._body)."""
WARN_EVERY = 60.0
"""Seconds between two warnings about the same kind of failure (an outage is one line a
minute, not one per message)."""


_LABELS_FORMAT: dict[str, Any] = {
    "type": "json_schema",
    "json_schema": {"name": "labels", "schema": LABELS_SCHEMA, "strict": True},
}


@dataclass(frozen=True)
class Phrased:
    """What became of one phrasing: the text to show (None: the scripted line)."""

    text: str | None
    outcome: LlmOutcome
    reason: str = ""
    """Why a guard rejected it."""
    seconds: float = 0.0


@dataclass(frozen=True)
class Understood:
    """What became of one understanding request (``hint`` None: the rules' reading)."""

    hint: Hint | None
    outcome: LlmOutcome
    seconds: float = 0.0


Listener = Callable[[LlmPurpose, LlmOutcome, str, float], None]
"""Told of every request: its purpose, outcome, guard reason ("" if none) and seconds."""


class _Refused(Exception):
    """The model refused (an explicit refusal, or an empty reply)."""


class ModelVoice:
    def __init__(self, config: VoiceConfig, personas: Mapping[str, Persona]) -> None:
        self.config = config
        self.personas = personas
        self._client: AsyncOpenAI | None = None
        self._slots = asyncio.Semaphore(config.concurrency)
        self._warned: dict[str, float] = {}
        self._heads: dict[tuple[str, str, int, bool], bytes] = {}
        self._completions: str | None = None
        self.listener: Listener | None = None
        """Told of every request (the evaluation counts outcomes and latencies with it)."""

    @property
    def client(self) -> AsyncOpenAI:
        """The ``openai`` client, made on first use (never without a configured model)."""
        if self._client is None:
            from openai import AsyncOpenAI

            from bot.voice.transport import AiohttpTransport, DirectClient

            self._client = AsyncOpenAI(
                base_url=self.config.base_url,
                api_key=self.config.api_key or "unused",  # local servers take any key
                timeout=self.config.timeout,
                max_retries=MAX_RETRIES,
                http_client=DirectClient(transport=AiohttpTransport(self.config.concurrency)),
            )
        return self._client

    def warm(self) -> None:
        """Import the client and make it now (at start-up), not on a user's first line."""
        _ = self.client

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    # -- phrasing ------------------------------------------------------------------------

    async def phrase(self, request: PhrasingRequest) -> Phrased:
        """The model's wording of ``request``'s line, if it comes in time and passes every
        guard (else ``text`` is None and the scripted line is shown)."""
        return self.phrased(request, await self._phrase(request))

    async def _phrase(self, request: PhrasingRequest) -> Phrased:
        """:meth:`phrase`'s work, told to nobody (a worker process does it and the bot's
        process does the telling: :meth:`phrased`)."""
        persona = self.personas.get(request.persona_id)
        if persona is None:
            return Phrased(None, "error")
        started = time.monotonic()
        outcome: LlmOutcome = "used"
        text: str | None = None
        reason = ""
        try:
            reply = await self._ask(
                "phrase", messages(persona, request), self.config.max_tokens, json=False
            )
            text = tidy(reply, persona)
            found = verdict(text, request, persona)
            if found is not None:
                outcome, reason, text = "guard_rejected", found, None
        except Exception as exc:
            outcome = self._failure(exc)
        return Phrased(text, outcome, reason, time.monotonic() - started)

    def phrased(self, request: PhrasingRequest, result: Phrased) -> Phrased:
        """``result`` told to the metrics, the listener and the log; returned."""
        outcome, reason, seconds = result.outcome, result.reason, result.seconds
        if outcome == "guard_rejected":
            metrics.llm_rejected(reason)
        metrics.llm_request("phrase", outcome, seconds)
        if self.listener is not None:
            self.listener("phrase", outcome, reason, seconds)
        if outcome not in ("used", "guard_rejected"):
            self._warn(outcome, "phrase")
        else:
            log.debug(
                "model voice: %s line %s (%s) in %.0f ms",
                request.kind,
                outcome,
                reason or "shown",
                seconds * 1000,
                extra={"kind": request.kind, "outcome": outcome, "reason": reason},
            )
        return result

    # -- understanding -------------------------------------------------------------------

    async def understand(self, text: str) -> Hint | None:
        """The model's labels for ``text`` (fixed vocabularies only), or None on any
        failure or when it labels nothing."""
        return self.understood(await self._understand(text))

    async def _understand(self, text: str) -> Understood:
        """:meth:`understand`'s work, told to nobody (see :meth:`_phrase`)."""
        started = time.monotonic()
        outcome: LlmOutcome = "used"
        hint: Hint | None = None
        try:
            reply = await self._ask(
                "understand", understand_messages(text), LABEL_TOKENS, json=True
            )
            acts, found = parse_labels(reply)
            hint = Hint.of(acts, found)
        except Exception as exc:
            outcome = self._failure(exc)
        return Understood(hint, outcome, time.monotonic() - started)

    def understood(self, result: Understood) -> Hint | None:
        """``result`` told to the metrics, the listener and the log; its hint, if any."""
        outcome, seconds, hint = result.outcome, result.seconds, result.hint
        metrics.llm_request("understand", outcome, seconds)
        if self.listener is not None:
            self.listener("understand", outcome, "", seconds)
        if outcome != "used":
            self._warn(outcome, "understand")
        if hint is not None and not hint.acts and not hint.topics:
            return None
        return hint

    # -- the call ------------------------------------------------------------------------

    async def _ask(
        self, purpose: LlmPurpose, chat: list[dict[str, str]], max_tokens: int, *, json: bool
    ) -> str:
        self.warm()  # (importing openai the first time is not the model's time)
        async with asyncio.timeout(self.config.timeout), self._slots:
            return await self._complete(chat, max_tokens, json=json)

    async def _complete(self, chat: list[dict[str, str]], max_tokens: int, *, json: bool) -> str:
        if self.config.stream:
            options: dict[str, Any] = {
                "model": self.config.model,
                "messages": chat,
                "max_tokens": max_tokens,
                "temperature": 0 if json else 0.6,
            }
            if json:
                options["response_format"] = _LABELS_FORMAT
            parts: list[str] = []
            stream = await self.client.chat.completions.create(stream=True, **options)
            async for chunk in stream:
                for choice in chunk.choices:
                    if getattr(choice.delta, "refusal", None):
                        raise _Refused()
                    parts.append(choice.delta.content or "")
            content = "".join(parts)
        else:
            # The client's generic request (its retries, timeouts and auth) with the body as
            # ready JSON: the typed layer's parameter transform and response models cost
            # about 2 ms of CPU a call (measured), for fields this never reads, and the
            # contact's part of the body is serialised once (see _body).
            completion = await self.client.post(
                self._url(), cast_to=object, content=self._body(chat, max_tokens, json)
            )
            content = _content(completion)
        if not content.strip():
            raise _Refused()
        return content

    def _url(self) -> str:
        """The completions URL, whole: the client joins a path to its base URL by parsing
        both and the result (about 30 us a request), which this does once, the same way."""
        if self._completions is None:
            base = self.client.base_url
            self._completions = str(base.copy_with(raw_path=base.raw_path + b"chat/completions"))
        return self._completions

    def _body(self, chat: list[dict[str, str]], max_tokens: int, json: bool) -> bytes:
        """The request's JSON: the options and the first (system) message, the same for
        every line of a contact, serialised once; the rest of the chat, every time."""
        first, rest = chat[0], chat[1:]
        key = (first["role"], first["content"], max_tokens, json)
        head = self._heads.get(key)
        if head is None:
            if len(self._heads) >= MAX_HEADS:
                self._heads.clear()
            options: dict[str, Any] = {
                "model": self.config.model,
                "max_tokens": max_tokens,
                "temperature": 0 if json else 0.6,
            }
            if json:
                options["response_format"] = _LABELS_FORMAT
            opened = _dumps({**options, "messages": [first]})
            head = self._heads[key] = opened.removesuffix(b"]}")  # (the rest goes there)
        return b"".join([head, *(b"," + _dumps(message) for message in rest), b"]}"])

    def _failure(self, exc: Exception) -> LlmOutcome:
        from openai import APIStatusError, APITimeoutError, RateLimitError

        if isinstance(exc, TimeoutError | APITimeoutError):
            return "timeout"
        if isinstance(exc, RateLimitError):
            return "rate_limited"
        if isinstance(exc, _Refused):
            return "refused"
        if not isinstance(exc, APIStatusError | ValueError):
            log.debug("model voice call failed", exc_info=exc)
        return "error"

    def _warn(self, outcome: str, purpose: str) -> None:
        now = time.monotonic()
        if now - self._warned.get(outcome, -WARN_EVERY) < WARN_EVERY:
            return
        self._warned[outcome] = now
        log.warning(
            "model voice at %s: %s (%s); the scripted lines are used meanwhile "
            "(at most one such line a minute)",
            self.config.host,
            outcome,
            purpose,
            extra={"outcome": outcome, "purpose": purpose},
        )


def _dumps(value: object) -> bytes:
    return jsonlib.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _content(completion: object) -> str:
    """The first choice's text of a chat completion (JSON); _Refused for a refusal or
    none, ValueError for anything that is not a completion."""
    if not isinstance(completion, dict):
        raise ValueError("not a chat completion")
    choices = completion.get("choices")
    if not isinstance(choices, list):
        raise ValueError("not a chat completion")
    if not choices:
        raise _Refused()
    message = choices[0].get("message") if isinstance(choices[0], dict) else None
    if not isinstance(message, dict):
        raise ValueError("not a chat completion")
    if message.get("refusal"):
        raise _Refused()
    content = message.get("content")
    return content if isinstance(content, str) else ""
