"""bot.logs: one line per event, text or JSON, with the bot's token scrubbed everywhere."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from bot import logs

TOKEN = "123456789:AAFakeTokenForLogTests_abcdefghij-XYZ"
URL = f"https://api.telegram.org/bot{TOKEN}/getUpdates"


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    noisy = {name: logging.getLogger(name).level for name in logs.NOISY}
    chatty = {name: list(logging.getLogger(name).filters) for name in logs.CHATTER}
    yield
    for name, filters in chatty.items():
        logging.getLogger(name).filters = filters
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)
    for name, value in noisy.items():
        logging.getLogger(name).setLevel(value)


def configured(fmt: str, level: str = "INFO") -> io.StringIO:
    stream = io.StringIO()
    logs.configure(fmt, level, stream=stream)
    return stream


def lines(stream: io.StringIO) -> list[str]:
    return stream.getvalue().splitlines()


def records(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in lines(stream)]


def fail_with_token() -> None:
    raise ConnectionError(f"could not reach {URL}")


def test_json_lines_carry_the_standard_and_the_extra_fields() -> None:
    stream = configured("json")
    log = logging.getLogger("rapport.test")
    log.info(
        "handled %s",
        "an update",
        extra={"user_id": 42, "update_id": 7, "kind": "text", "opaque": object()},
    )
    log.debug("not at INFO")
    (entry,) = records(stream)
    assert entry["level"] == "INFO"
    assert entry["logger"] == "rapport.test"
    assert entry["message"] == "handled an update"
    assert (entry["user_id"], entry["update_id"], entry["kind"]) == (42, 7, "text")
    assert "opaque" not in entry  # not JSON-serialisable: left out
    assert "args" not in entry and "msg" not in entry and "exc_type" not in entry
    ts = datetime.fromisoformat(entry["ts"])
    assert ts.utcoffset() == UTC.utcoffset(None)
    assert abs((datetime.now(UTC) - ts).total_seconds()) < 60


def test_text_lines_have_the_usual_shape() -> None:
    stream = configured("text")
    logging.getLogger("rapport.test").warning("careful: %d", 3)
    (line,) = lines(stream)
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} WARNING rapport.test: careful: 3", line
    )


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_the_token_is_scrubbed_from_message_args_and_exception(fmt: str) -> None:
    stream = configured(fmt, "DEBUG")
    log = logging.getLogger("rapport.test")
    log.info(f"calling {URL}")  # in the message itself
    log.info("calling %s", URL)  # in the args
    log.info("token %(token)s", {"token": TOKEN})  # in mapping args
    try:
        fail_with_token()
    except ConnectionError:
        log.exception("request failed")  # in the exception text (traceback at DEBUG)
    output = stream.getvalue()
    assert TOKEN not in output
    assert TOKEN.split(":")[1] not in output
    assert output.count("/bot[token]/getUpdates") >= 3
    assert "[token]" in output.split("request failed", 1)[1]  # the traceback was kept
    if fmt == "json":
        entry = records(stream)[-1]
        assert entry["exc_type"] == "ConnectionError"
        assert "could not reach" in entry["traceback"]


def test_the_token_is_scrubbed_from_extra_fields() -> None:
    stream = configured("json")
    logging.getLogger("rapport.test").info("x", extra={"url": URL, "urls": [URL]})
    (entry,) = records(stream)
    assert entry["url"] == "https://api.telegram.org/bot[token]/getUpdates"
    assert TOKEN not in stream.getvalue()


def test_the_scrubbed_record_reaches_other_handlers_too(caplog: pytest.LogCaptureFixture) -> None:
    configured("text")
    with caplog.at_level(logging.INFO):
        logging.getLogger("rapport.test").info("calling %s", URL)
    assert TOKEN not in caplog.text


def test_json_shows_only_the_exception_type_below_debug() -> None:
    stream = configured("json", "INFO")
    try:
        fail_with_token()
    except ConnectionError:
        logging.getLogger("rapport.test").error("request failed", exc_info=True)
    (entry,) = records(stream)
    assert entry["exc_type"] == "ConnectionError"
    assert "traceback" not in entry
    assert "could not reach" not in stream.getvalue()


def test_httpx_and_the_updater_are_silenced_at_info() -> None:
    stream = configured("text", "INFO")
    logging.getLogger("httpx").info('HTTP Request: POST %s "HTTP/1.1 200 OK"', URL)
    logging.getLogger("httpcore.connection").debug("connect_tcp.started")
    logging.getLogger("telegram.ext.Updater").info("polling")
    logging.getLogger("httpx").warning("something is wrong")
    assert lines(stream) == [lines(stream)[0]]
    assert lines(stream)[0].endswith("WARNING httpx: something is wrong")


def test_alembic_chatter_is_dropped_but_upgrades_are_kept() -> None:
    configured("text", "INFO")
    stream = configured("text", "INFO")  # one filter, however often configured
    migration = logging.getLogger("alembic.runtime.migration")
    migration.info("Context impl %s.", "SQLiteImpl")
    migration.info("Will assume %s DDL.", "non-transactional")
    migration.info("Running upgrade %s -> %s, %s", "0001", "0002", "nudges")
    assert len(migration.filters) == 1
    assert [line.split(": ", 1)[1] for line in lines(stream)] == [
        "Running upgrade 0001 -> 0002, nudges"
    ]


def test_configuring_twice_does_not_duplicate_lines() -> None:
    configured("text")
    stream = configured("json")
    logging.getLogger("rapport.test").info("once")
    assert len(records(stream)) == 1
    installed = [h for h in logging.getLogger().handlers if isinstance(h, logs._Handler)]
    assert len(installed) == 1


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        logs.configure("xml")
    with pytest.raises(ValueError):
        logs.configure("text", "LOUD")


def test_scrub_leaves_ordinary_text_alone() -> None:
    assert logs.scrub("at 12:30:45, user 123456 said hi") == "at 12:30:45, user 123456 said hi"
    assert logs.scrub(f"/bot{TOKEN}/sendMessage") == "/bot[token]/sendMessage"


def test_a_registered_secret_is_scrubbed_whatever_its_shape() -> None:
    import io
    import logging

    from bot import logs

    stream = io.StringIO()
    logs.configure("text", "DEBUG", stream=stream)
    logs.keep_secret("plain-webhook-secret-42")
    logging.getLogger("telegram.ext.ExtBot").info(
        "Calling Bot API endpoint `setWebhook` with parameters `%s`",
        {"url": "https://x.example/telegram", "secret_token": "plain-webhook-secret-42"},
    )
    out = stream.getvalue()
    assert "setWebhook" in out and "plain-webhook-secret-42" not in out


def test_python_telegram_bots_debug_lines_never_print_what_users_wrote() -> None:
    import io
    import logging

    from bot import logs

    stream = io.StringIO()
    logs.configure("json", "DEBUG", stream=stream)
    logging.getLogger("telegram.ext.ExtBot").debug(
        "Call to Bot API endpoint `getUpdates` finished with return value `%s`",
        [{"update_id": 1, "message": {"text": "my salary is 41k, is that low?"}}],
    )
    logging.getLogger("bot.telegram.polling").debug("polling: nothing new")
    out = stream.getvalue()
    assert "41k" not in out
    assert "polling: nothing new" in out  # Rapport's own DEBUG lines are kept
