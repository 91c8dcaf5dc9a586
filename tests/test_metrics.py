"""bot.metrics: the counters and histograms the bot exports, read from its own registry."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime, timedelta
from typing import Any

from prometheus_client.parser import text_string_to_metric_families
from telegram import Chat, Message, Update, User
from telegram import error as tg

from bot import metrics

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def value(name: str, **labels: str) -> float:
    return metrics.REGISTRY.get_sample_value(name, labels) or 0.0


def test_updates_are_counted_by_kind_and_timed() -> None:
    text, other = (
        value("rapport_updates_total", kind="text"),
        value("rapport_updates_total", kind="other"),
    )
    count = value("rapport_update_seconds_count")
    fast = value("rapport_update_seconds_bucket", le="0.005")
    metrics.update_handled("text", 0.002)
    metrics.update_handled("no-such-kind", 3.0)
    assert value("rapport_updates_total", kind="text") == text + 1
    assert value("rapport_updates_total", kind="other") == other + 1
    assert value("rapport_updates_total", kind="no-such-kind") == 0
    assert value("rapport_update_seconds_count") == count + 2
    assert value("rapport_update_seconds_bucket", le="0.005") == fast + 1


def test_practices_nudges_and_errors() -> None:
    started = value("rapport_practices_started_total")
    finished = value("rapport_practices_finished_total")
    wrapup = value("rapport_nudges_sent_total", kind="wrapup")
    late = value("rapport_nudge_lateness_seconds_bucket", le="600.0")
    slow = value("rapport_nudge_lateness_seconds_count")
    retry = value("rapport_telegram_errors_total", kind="retry_after")
    metrics.practice_started()
    metrics.practice_finished()
    metrics.nudge_sent("wrapup", 0.5)
    metrics.nudge_sent("wrapup", 900.0)
    metrics.telegram_error("retry_after")
    metrics.telegram_error("made-up")
    assert value("rapport_practices_started_total") == started + 1
    assert value("rapport_practices_finished_total") == finished + 1
    assert value("rapport_nudges_sent_total", kind="wrapup") == wrapup + 2
    assert value("rapport_nudge_lateness_seconds_count") == slow + 2
    assert value("rapport_nudge_lateness_seconds_bucket", le="600.0") == late + 1
    assert value("rapport_telegram_errors_total", kind="retry_after") == retry + 1
    assert value("rapport_telegram_errors_total", kind="made-up") == 0


def test_every_known_kind_is_exported_from_the_start() -> None:
    body, content_type = metrics.exposition()
    assert content_type.startswith("text/plain")
    families = {f.name: f for f in text_string_to_metric_families(body.decode())}
    kinds = {s.labels["kind"] for s in families["rapport_updates"].samples}
    assert kinds >= set(metrics.UPDATE_KINDS)
    errors = {s.labels["kind"] for s in families["rapport_telegram_errors"].samples}
    assert errors >= set(metrics.TELEGRAM_ERROR_KINDS)
    assert {"rapport_update_seconds", "rapport_nudge_lateness_seconds"} <= set(families)
    assert b"rapport_practices_started_total" in body


def test_telegram_errors_are_classified() -> None:
    with warnings.catch_warnings():  # PTB warns that retry_after will become a timedelta
        warnings.simplefilter("ignore")
        retry = tg.RetryAfter(timedelta(seconds=3))
    assert metrics.telegram_error_kind(retry) == "retry_after"
    assert metrics.telegram_error_kind(tg.Forbidden("bot was blocked")) == "forbidden"
    assert metrics.telegram_error_kind(tg.BadRequest("message is not modified")) == "bad_request"
    assert metrics.telegram_error_kind(tg.TimedOut()) == "timeout"
    assert metrics.telegram_error_kind(tg.NetworkError("connection reset")) == "network"
    assert metrics.telegram_error_kind(tg.Conflict("other getUpdates")) == "other"
    assert metrics.telegram_error_kind(RuntimeError("?")) == "other"


def message_update(chat_type: str = "private", **fields: Any) -> Update:
    chat = Chat(1, chat_type)
    user = User(1, "Ann", is_bot=False)
    message = Message(1, NOW, chat, from_user=user, **fields)
    return Update(1, message=message)


def test_updates_are_classified() -> None:
    assert metrics.update_kind(message_update(text="hello")) == "text"
    assert metrics.update_kind(message_update(text="/start")) == "command"
    assert metrics.update_kind(message_update()) == "unsupported"
    assert metrics.update_kind(message_update("group", text="hi")) == "group"
    chat = Chat(1, "private")
    edited = Message(1, NOW, chat, text="hi")
    assert metrics.update_kind(Update(2, edited_message=edited)) == "edited"
    assert metrics.update_kind(Update(3)) == "other"
