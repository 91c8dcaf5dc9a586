"""Updates whose fields have the wrong types are refused before any handler runs."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Update

from bot.telegram.shape import malformed

CHAT = {"id": 42, "type": "private", "first_name": "Ada"}
USER = {"id": 42, "is_bot": False, "first_name": "Ada"}


def message(**fields: Any) -> dict[str, Any]:
    return {
        "message_id": 1,
        "date": 1_700_000_000,
        "chat": CHAT,
        "from": USER,
        "text": "hi",
    } | fields


def update(**fields: Any) -> Update:
    return Update.de_json({"update_id": 7, **fields}, None)  # type: ignore[arg-type,return-value]


def test_a_real_message_and_button_press_pass() -> None:
    assert malformed(update(message=message())) is None
    press = {"id": "77", "from": USER, "chat_instance": "1", "data": "len:dana:20"}
    assert malformed(update(callback_query=press)) is None


@pytest.mark.parametrize(
    "fields",
    [
        {"message": message(chat={"id": "42", "type": "private"})},
        {"message": message(chat={"id": 42, "type": ["private"]})},
        {"message": message(message_id=None)},
        {"message": message(text={"a": 1})},
        {"edited_message": message(chat={"id": [1], "type": "group"})},
        {"callback_query": {"id": {"\u00f0": [5.9e16, True]}, "from": USER, "chat_instance": "1"}},
        {"callback_query": {"id": "77", "from": USER, "chat_instance": "1", "data": 5}},
        {"message": message(**{"from": {"id": "42", "is_bot": False, "first_name": "A"}})},
    ],
)
def test_wrongly_typed_updates_are_refused(fields: dict[str, Any]) -> None:
    assert malformed(update(**fields)) is not None
