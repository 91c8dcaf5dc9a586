"""Plain data objects the fake server hands to tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

SentKind = Literal["text", "photo", "document", "chat_action"]
FaultStatus = int | Literal["timeout", "timeout_after", "disconnect"]


@dataclass
class User:
    id: int
    first_name: str = "Test"
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "en"
    is_bot: bool = False

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code and not self.is_bot:
            data["language_code"] = self.language_code
        return data


@dataclass
class Chat:
    id: int
    type: Literal["private", "group", "supergroup", "channel"]
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.type == "private":
            data["first_name"] = self.first_name or ""
            if self.last_name:
                data["last_name"] = self.last_name
        else:
            data["title"] = self.title or ""
            if self.type == "group":
                data["all_members_are_administrators"] = True
        if self.username:
            data["username"] = self.username
        return data


@dataclass
class UploadedFile:
    """A file the bot sent (upload, URL or file_id) or a file injected by a test."""

    file_id: str
    file_unique_id: str
    content: bytes = b""
    filename: str | None = None
    content_type: str | None = None
    source: Literal["upload", "url", "file_id", "injected"] = "upload"
    url: str | None = None
    file_path: str | None = None

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass
class SentMessage:
    """Something the bot sent: a message (text/photo/document) or a chat action.

    ``text`` is what the user sees (entities parsed out, edits applied); ``source_text``
    is the last raw text the bot sent (HTML/Markdown markup kept).  For photos and
    documents ``text`` is the caption.
    """

    chat_id: int
    kind: SentKind
    message_id: int | None = None
    text: str | None = None
    source_text: str | None = None
    parse_mode: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    reply_to_message_id: int | None = None
    file: UploadedFile | None = None
    action: str | None = None
    date: int = 0
    time: float = 0.0
    deleted: bool = False
    edits: list[dict[str, Any]] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    caller: str = ""
    """Which bot process sent it, when the server root it used names one."""

    @property
    def caption(self) -> str | None:
        return self.text if self.kind in ("photo", "document") else None

    @property
    def inline_keyboard(self) -> list[list[dict[str, Any]]]:
        if not self.reply_markup:
            return []
        rows = self.reply_markup.get("inline_keyboard") or []
        return [list(row) for row in rows]

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """Inline keyboard buttons, flattened row by row."""
        return [button for row in self.inline_keyboard for button in row]

    @property
    def button_texts(self) -> list[str]:
        return [str(b.get("text", "")) for b in self.buttons]

    @property
    def callback_data(self) -> list[str]:
        return [str(b["callback_data"]) for b in self.buttons if "callback_data" in b]


@dataclass
class ApiCall:
    """One HTTP request the bot made to the fake Bot API."""

    method: str
    params: dict[str, Any]
    files: dict[str, UploadedFile]
    time: float
    caller: str = ""
    """The server root's own path, when the caller's has one (which process called)."""
    http_method: str = "POST"
    content_type: str = ""
    status: int | None = None
    response: dict[str, Any] | None = None
    fault: str | None = None
    duration: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass
class WebhookDelivery:
    """One POST attempt of an update to the bot's webhook."""

    update_id: int
    url: str
    attempt: int
    time: float
    status: int | None = None
    error: str | None = None
    secret_header: str | None = None
    delivered: bool = False


@dataclass
class CallbackAnswer:
    query_id: str
    update_id: int
    text: str | None = None
    show_alert: bool = False
    url: str | None = None
    cache_time: int | None = None
    answered: bool = False
    params: dict[str, Any] = field(default_factory=dict)
