"""Prometheus metrics for the bot, served on ``GET /metrics`` (see :mod:`bot.status`).

The metrics live in this module's own :data:`REGISTRY`, not prometheus_client's global
one, so tests can read them. Each process exposes its own numbers; with several replicas,
Prometheus scrapes each and sums.

Call the helpers, not the metric objects: they keep label values to the known sets
(anything else counts as ``other``), so a typo cannot create a new time series.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, Literal, get_args

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)

if TYPE_CHECKING:
    from telegram import Update

UpdateKind = Literal["text", "command", "button", "unsupported", "group", "edited", "other"]
TelegramErrorKind = Literal[
    "retry_after", "network", "timeout", "forbidden", "bad_request", "other"
]
DropReason = Literal["refused", "evicted", "header_timeout", "accept_failed"]
LlmPurpose = Literal["phrase", "understand"]
LlmOutcome = Literal["used", "guard_rejected", "refused", "rate_limited", "timeout", "error"]
UPDATE_KINDS: Final[tuple[str, ...]] = get_args(UpdateKind)
DROP_REASONS: Final[tuple[str, ...]] = get_args(DropReason)
LLM_PURPOSES: Final[tuple[str, ...]] = get_args(LlmPurpose)
LLM_OUTCOMES: Final[tuple[str, ...]] = get_args(LlmOutcome)
TELEGRAM_ERROR_KINDS: Final[tuple[str, ...]] = get_args(TelegramErrorKind)

REGISTRY: Final = CollectorRegistry(auto_describe=True)

UPDATES: Final = Counter(
    "rapport_updates_total",
    "Telegram updates handled, by kind.",
    ["kind"],
    registry=REGISTRY,
)
UPDATE_SECONDS: Final = Histogram(
    "rapport_update_seconds",
    "Time to handle one Telegram update, in seconds.",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)
PRACTICES_STARTED: Final = Counter(
    "rapport_practices_started_total", "Practices started.", registry=REGISTRY
)
PRACTICES_FINISHED: Final = Counter(
    "rapport_practices_finished_total", "Practices finished.", registry=REGISTRY
)
NUDGES_SENT: Final = Counter(
    "rapport_nudges_sent_total",
    "Nudges and reminders delivered, by kind.",
    ["kind"],
    registry=REGISTRY,
)
NUDGES_RETRIED: Final = Counter(
    "rapport_nudges_retried_total",
    "Nudges Telegram failed to take when due, by kind: they stay queued and are retried.",
    ["kind"],
    registry=REGISTRY,
)
NUDGE_LATENESS: Final = Histogram(
    "rapport_nudge_lateness_seconds",
    "How long after its due time a nudge was delivered, in seconds.",
    buckets=(0.01, 0.05, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0),
    registry=REGISTRY,
)
TELEGRAM_ERRORS: Final = Counter(
    "rapport_telegram_errors_total",
    "Errors from the Telegram Bot API, by kind.",
    ["kind"],
    registry=REGISTRY,
)
WEBHOOK_DROPPED: Final = Counter(
    "rapport_webhook_connections_dropped_total",
    "Webhook connections closed to protect the server, by reason: refused (every allowed "
    "connection was in a request), evicted (idle, closed to make room), header_timeout (no "
    "request headers in time); accept_failed counts accept() failures (out of descriptors).",
    ["reason"],
    registry=REGISTRY,
)

LLM_REQUESTS: Final = Counter(
    "rapport_llm_requests_total",
    "Requests to the model voice, by purpose (phrase a line, understand a message) and "
    "outcome: used, or the scripted line / the rules' reading instead (guard_rejected, "
    "refused, rate_limited, timeout, error).",
    ["purpose", "outcome"],
    registry=REGISTRY,
)
LLM_SECONDS: Final = Histogram(
    "rapport_llm_seconds",
    "Time one model voice request took (waiting for a free slot included), in seconds.",
    ["purpose"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0, 8.0, 13.0, 20.0),
    registry=REGISTRY,
)
LLM_REJECTIONS: Final = Counter(
    "rapport_llm_guard_rejections_total",
    "Phrasings not shown because a guard rejected them, by reason.",
    ["reason"],
    registry=REGISTRY,
)

# Every known label value is exported from the start (as 0), so rates work from the
# first scrape and dashboards do not show gaps.
for _kind in UPDATE_KINDS:
    UPDATES.labels(kind=_kind)
for _kind in TELEGRAM_ERROR_KINDS:
    TELEGRAM_ERRORS.labels(kind=_kind)
for _reason in DROP_REASONS:
    WEBHOOK_DROPPED.labels(reason=_reason)
for _purpose in LLM_PURPOSES:
    LLM_SECONDS.labels(purpose=_purpose)
    for _outcome in LLM_OUTCOMES:
        LLM_REQUESTS.labels(purpose=_purpose, outcome=_outcome)


def update_handled(kind: UpdateKind | str, seconds: float) -> None:
    """One update of ``kind`` (see :data:`UpdateKind`) took ``seconds`` to handle."""
    UPDATES.labels(kind=kind if kind in UPDATE_KINDS else "other").inc()
    UPDATE_SECONDS.observe(max(0.0, seconds))


def llm_request(purpose: LlmPurpose, outcome: LlmOutcome, seconds: float) -> None:
    """One model voice request for ``purpose`` ended with ``outcome`` after ``seconds``."""
    LLM_REQUESTS.labels(
        purpose=purpose if purpose in LLM_PURPOSES else "phrase",
        outcome=outcome if outcome in LLM_OUTCOMES else "error",
    ).inc()
    LLM_SECONDS.labels(purpose=purpose if purpose in LLM_PURPOSES else "phrase").observe(
        max(0.0, seconds)
    )


def llm_rejected(reason: str) -> None:
    """A phrasing failed the guard ``reason`` (one of :data:`flows.guards.REASONS`)."""
    LLM_REJECTIONS.labels(reason=(reason or "other")[:32]).inc()


def practice_started() -> None:
    PRACTICES_STARTED.inc()


def practice_finished() -> None:
    PRACTICES_FINISHED.inc()


def nudge_sent(kind: str, lateness_seconds: float) -> None:
    """A nudge of ``kind`` (the stored nudge kind) went out ``lateness_seconds`` after due."""
    NUDGES_SENT.labels(kind=(kind or "other")[:32]).inc()
    NUDGE_LATENESS.observe(max(0.0, lateness_seconds))


def nudge_retried(kind: str) -> None:
    """A nudge of ``kind`` could not be sent when due (it stays in the outbox)."""
    NUDGES_RETRIED.labels(kind=(kind or "other")[:32]).inc()


def telegram_error(kind: TelegramErrorKind | str) -> None:
    """One Bot API call failed with ``kind`` (see :func:`telegram_error_kind`)."""
    TELEGRAM_ERRORS.labels(kind=kind if kind in TELEGRAM_ERROR_KINDS else "other").inc()


def webhook_connection_dropped(reason: DropReason) -> None:
    """The webhook server closed a connection (or failed to accept one) for ``reason``."""
    WEBHOOK_DROPPED.labels(reason=reason if reason in DROP_REASONS else "refused").inc()


def telegram_error_kind(error: BaseException) -> TelegramErrorKind:
    """The ``kind`` label for an exception raised by python-telegram-bot."""
    from telegram import error as tg  # only the bot needs python-telegram-bot

    if isinstance(error, tg.RetryAfter):
        return "retry_after"
    if isinstance(error, tg.Forbidden):
        return "forbidden"
    if isinstance(error, tg.BadRequest):  # a subclass of NetworkError
        return "bad_request"
    if isinstance(error, tg.TimedOut):  # a subclass of NetworkError
        return "timeout"
    if isinstance(error, tg.NetworkError):
        return "network"
    return "other"


def update_kind(update: Update) -> UpdateKind:
    """The ``kind`` label for an update, by the handler that will see it."""
    chat = update.effective_chat
    if chat is not None and chat.type != "private":
        return "group"
    if update.edited_message is not None or update.edited_channel_post is not None:
        return "edited"
    if update.callback_query is not None:
        return "button"
    message = update.message
    if message is None:
        return "other"
    if message.text is not None:
        return "command" if message.text.startswith("/") else "text"
    return "unsupported"


def exposition() -> tuple[bytes, str]:
    """The metrics in Prometheus' text format, and the content type to serve them with."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
