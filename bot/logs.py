"""Logging for the bot: one line per event, as text or JSON, never with the bot's token.

Call :func:`configure` once at start (``LOG_FORMAT`` and ``LOG_LEVEL``, see
:mod:`bot.config`). Fields passed with ``extra=`` (``user_id``, ``update_id``, ``kind``, ...)
appear as keys of the JSON object. Exceptions show only their type in JSON unless the level
is DEBUG: exception texts can quote a user's message or a request URL.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import sys
import threading
import time
from datetime import UTC, datetime
from typing import IO, Any

TOKEN = re.compile(r"\d{3,}:[A-Za-z0-9_-]{20,}")
REDACTED = "[token]"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
NOISY = ("httpx", "httpcore", "httpx2", "openai", "telegram.ext.Updater", "transitions")
"""Loggers kept below WARNING: httpx logs every request URL, and the URL holds the token;
openai logs every request's body (users' messages) at DEBUG; transitions logs every state
change of every practice."""
ONLY_CRITICAL = ("telegram.ext.AIORateLimiter", "telegram.request.BaseRequest")
"""The rate limiter logs a traceback at ERROR for every 429 it passes on (the sender handles
and counts them); the request logs one for a reply that is not JSON (a wrong
TELEGRAM_API_BASE_URL's 404 page), which also raises and is reported in one line."""
QUIET_BELOW_INFO = ("telegram",)
"""python-telegram-bot logs every Bot API call with its parameters and results at DEBUG:
whole updates, users' message texts and the contact's replies among them. Privacy does
not depend on the log level, so its DEBUG lines are never emitted (INFO and up are)."""
CHATTER = {"alembic.runtime.migration": ("Context impl ", "Will assume ")}
"""INFO lines dropped: Alembic says these whenever it reads the schema revision, which
/readyz does on every probe. Its "Running upgrade ..." lines are kept."""

# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "taskName",
}


_SECRETS: set[str] = set()


def keep_secret(value: str | None) -> None:
    """Scrub this exact value (the webhook secret, the token) from every log line from now
    on, whatever its shape: python-telegram-bot logs setWebhook's secret_token at DEBUG."""
    if value and len(value) >= 4:
        _SECRETS.add(value)


def scrub(text: str) -> str:
    """``text`` with anything shaped like a bot token, and every secret registered with
    :func:`keep_secret`, replaced by ``[token]``."""
    for secret in _SECRETS:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return TOKEN.sub(REDACTED, text)


def _scrub_arg(arg: object) -> object:
    if isinstance(arg, str):
        return scrub(arg)
    if isinstance(arg, int | float | bool) or arg is None:
        return arg
    try:
        shown = str(arg)
    except Exception:
        return arg
    return scrub(shown) if scrub(shown) != shown else arg


class TokenFilter(logging.Filter):
    """Scrubs token-shaped strings from a record's message, args and exception text."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = scrub(record.msg)
        else:
            record.msg = _scrub_arg(record.msg)
        if isinstance(record.args, dict):
            record.args = {key: _scrub_arg(value) for key, value in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(_scrub_arg(arg) for arg in record.args)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


class _DropChatter(logging.Filter):
    def __init__(self, prefixes: tuple[str, ...]) -> None:
        super().__init__()
        self.prefixes = prefixes

    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str) and record.msg.startswith(self.prefixes))


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, message, the extra fields, exc_type."""

    def __init__(self, *, tracebacks: bool = False) -> None:
        super().__init__()
        self.tracebacks = tracebacks

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        for key, value in record.__dict__.items():
            if key in _STANDARD or key.startswith("_") or key in entry:
                continue
            try:
                json.dumps(value)
            except (TypeError, ValueError):
                continue
            entry[key] = scrub(value) if isinstance(value, str) else value
        if record.exc_info and record.exc_info[0] is not None:
            entry["exc_type"] = record.exc_info[0].__name__
        if self.tracebacks:
            if record.exc_info and not record.exc_text:
                record.exc_text = self.formatException(record.exc_info)
            if record.exc_text:
                entry["traceback"] = record.exc_text
            if record.stack_info:
                entry["stack"] = record.stack_info
        return scrub(json.dumps(entry, ensure_ascii=False, default=str))


class _Handler(logging.StreamHandler):  # type: ignore[type-arg]
    """Marks the handler :func:`configure` installed, so a second call replaces it."""


def configure(fmt: str = "text", level: str = "INFO", *, stream: IO[str] | None = None) -> None:
    """Root logging: one line per event on ``stream`` (default stderr), tokens scrubbed.

    ``fmt`` is ``text`` or ``json``; ``level`` a logging level name. Calling it again
    replaces the handler it installed before.
    """
    numeric = logging.getLevelName(level.strip().upper())
    if not isinstance(numeric, int):
        raise ValueError(f"unknown log level {level!r}")
    fmt = fmt.strip().lower()
    formatter: logging.Formatter
    if fmt == "json":
        formatter = JsonFormatter(tracebacks=numeric <= logging.DEBUG)
    elif fmt == "text":
        formatter = TextFormatter()
    else:
        raise ValueError(f"unknown log format {fmt!r}: use text or json")
    handler = _Handler(stream if stream is not None else sys.stderr)
    handler.setFormatter(formatter)
    handler.addFilter(TokenFilter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _Handler)]:
        root.removeHandler(old)
        old.close()
    # First in line: its filter scrubs the record before any other handler sees it.
    root.handlers.insert(0, handler)
    root.setLevel(numeric)
    for name in QUIET_BELOW_INFO:
        logging.getLogger(name).setLevel(max(numeric, logging.INFO))
    for noisy in NOISY:
        logging.getLogger(noisy).setLevel(logging.WARNING)
    for noisy in ONLY_CRITICAL:
        logging.getLogger(noisy).setLevel(logging.CRITICAL)
    for name, prefixes in CHATTER.items():
        chatty = logging.getLogger(name)
        if not any(isinstance(f, _DropChatter) for f in chatty.filters):
            chatty.addFilter(_DropChatter(prefixes))


class Throttled:
    """One kind of event logged at most once per ``interval`` seconds, with a count.

    The first event is logged at once; the ones after it within ``interval`` are counted
    and logged in one line when the interval is over (a flood of a million connections is
    a line a minute, not a million lines). ``template`` takes the count and the interval,
    e.g. ``"closed %d connections in the last %g s"``. Use it on an event loop's thread:
    the line that closes an interval is scheduled on the running loop.
    """

    def __init__(
        self,
        logger: logging.Logger,
        template: str,
        interval: float,
        level: int = logging.WARNING,
    ) -> None:
        self.logger = logger
        self.template = template
        self.interval = interval
        self.level = level
        self.total = 0
        """Every event noted, logged or not."""
        self.lines = 0
        self._pending = 0
        self._last = float("-inf")
        self._timer: asyncio.TimerHandle | None = None

    def note(self) -> None:
        self.total += 1
        self._pending += 1
        loop = asyncio.get_running_loop()
        now = loop.time()
        if now - self._last >= self.interval:
            self._emit()
        elif self._timer is None:
            self._timer = loop.call_at(self._last + self.interval, self._emit)

    def flush(self) -> None:
        """Log what is still counted (at shutdown)."""
        self._emit()

    def _emit(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self._pending:
            return
        self.logger.log(self.level, self.template, self._pending, self.interval)
        self.lines += 1
        self._pending = 0
        with contextlib.suppress(RuntimeError):
            self._last = asyncio.get_running_loop().time()


class OncePerInterval(logging.Filter):
    """Lets one record through per ``interval`` seconds, the next one saying how many were
    held back; for a logger that anyone on the network can make talk (aiohttp's server logs
    a traceback per malformed request). A traceback is cut to its exception's type: it
    can quote the request's bytes."""

    def __init__(self, interval: float) -> None:
        super().__init__()
        self.interval = interval
        self._last = float("-inf")
        self._held = 0
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.monotonic()
        with self._lock:
            if now - self._last < self.interval:
                self._held += 1
                return False
            held, self._held, self._last = self._held, 0, now
        message = record.getMessage()
        if record.exc_info and record.exc_info[0] is not None:
            message = f"{message}: {record.exc_info[0].__name__}"
        record.exc_info, record.exc_text = None, None
        if held:
            message += f" ({held} more like it in the last {self.interval:g} s not logged)"
        record.msg, record.args = message, None
        return True
