"""A fake Telegram Bot API server on loopback HTTP, for driving a real bot client in tests.

The server runs an aiohttp application on its own event loop in a background thread, so
plain synchronous pytest code can start it, inject updates and read what the bot sent,
while the bot under test (python-telegram-bot, httpx, anything speaking the Bot API)
talks to it over real HTTP at ``{fake.base_url}{token}/{method}``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import mimetypes
import random
import re
import socket
import struct
import threading
import time
import traceback
import zlib
from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, Literal, TypeVar
from urllib.parse import urlsplit

from aiohttp import BodyPartReader, ClientSession, ClientTimeout, web

from .entities import EntityParseError, parse_text, utf16_len
from .models import (
    ApiCall,
    CallbackAnswer,
    Chat,
    FaultStatus,
    SentKind,
    SentMessage,
    UploadedFile,
    User,
    WebhookDelivery,
)

_CALLER: ContextVar[str] = ContextVar("caller", default="")
"""Who is calling the Bot API in this request (the server root's own path, if any)."""

if TYPE_CHECKING:
    from telegram import Bot
    from telegram.ext import ApplicationBuilder

__all__ = ["ApiError", "FakeTelegram", "tiny_png"]

T = TypeVar("T")
ChatRef = int | str | Chat | User
MethodHandler = Callable[[dict[str, Any], dict[str, UploadedFile]], Any]

ANONYMOUS_ADMIN = User(1087968824, "Group", username="GroupAnonymousBot", is_bot=True)
"""``from`` of a message an anonymous group admin sends (``sender_chat`` is the group)."""
CHANNEL_BOT = User(136817688, "Channel", username="Channel_Bot", is_bot=True)
"""``from`` of a message sent in a group on behalf of a channel (``sender_chat``)."""
MAX_TEXT = 4096
MAX_CAPTION = 1024
CHAT_ACTIONS = {
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
}
JSON_FIELDS = {
    "reply_markup",
    "reply_parameters",
    "allowed_updates",
    "commands",
    "scope",
    "entities",
    "caption_entities",
    "link_preview_options",
    "media",
    "results",
}
# Update types Telegram leaves out unless explicitly asked for.
OPT_IN_UPDATES = {"chat_member", "message_reaction", "message_reaction_count"}
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_NGINX_PAGE = (
    "<html>\r\n<head><title>{code} {phrase}</title></head>\r\n<body>\r\n"
    "<center><h1>{code} {phrase}</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
    "</body>\r\n</html>\r\n"
)


class ApiError(Exception):
    """Raise from a method handler to answer ``{"ok": false, ...}`` with ``code``."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def body(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            data["parameters"] = self.parameters
        return data


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def tiny_png(width: int = 4, height: int = 3) -> bytes:
    """A valid, tiny grey PNG image (handy as sendPhoto payload)."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + tag
            + data
            + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG/GIF/JPEG/BMP/WEBP image, or None if it isn't one."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        w, h = struct.unpack(">II", data[16:24])
        return int(w), int(h)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        w, h = struct.unpack("<HH", data[6:10])
        return int(w), int(h)
    if data[:2] == b"BM" and len(data) >= 26:
        w, h = struct.unpack("<ii", data[18:26])
        return abs(int(w)), abs(int(h))
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return 512, 512
    if data.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                h, w = struct.unpack(">HH", data[i + 5 : i + 9])
                return int(w), int(h)
            (seg_len,) = struct.unpack(">H", data[i + 2 : i + 4])
            i += 2 + int(seg_len)
    return None


@dataclass
class _Stored:
    """A message known to the server (bot's own or injected)."""

    json: dict[str, Any]
    from_bot: bool
    kind: str = "text"
    sent: SentMessage | None = None
    deleted: bool = False


@dataclass
class _Queued:
    update: dict[str, Any]
    forced: bool = False  # a duplicate() that must be delivered even if already confirmed
    delivered: bool = False

    @property
    def update_id(self) -> int:
        return int(self.update["update_id"])


@dataclass
class _FailRule:
    method: str  # lower-case method name or "*"
    remaining: int
    status: FaultStatus
    retry_after: int = 1
    description: str | None = None


@dataclass
class _SlowRule:
    method: str
    seconds: float
    remaining: int | None
    process_first: bool = False


@dataclass
class _Webhook:
    url: str
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None
    generation: int = 0


@dataclass
class _Ratio:
    ratio: float
    statuses: tuple[FaultStatus, ...]
    rng: random.Random
    retry_after: int = 1
    methods: set[str] | None = None


@dataclass
class _Fault:
    status: FaultStatus
    retry_after: int = 1
    description: str | None = None
    label: str = field(init=False, default="")

    def __post_init__(self) -> None:
        self.label = str(self.status)


class FakeTelegram:
    """A fake Bot API server.  Use as a context manager or call ``start()``/``stop()``.

    Point python-telegram-bot at it with
    ``Bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url)``
    (or ``fake.make_bot()`` / ``fake.application_builder()``).
    """

    _METHOD_NAMES = (
        "getMe",
        "getUpdates",
        "setWebhook",
        "deleteWebhook",
        "getWebhookInfo",
        "sendMessage",
        "sendChatAction",
        "sendPhoto",
        "sendDocument",
        "answerCallbackQuery",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
        "deleteMessage",
        "setMyCommands",
        "getMyCommands",
        "deleteMyCommands",
        "getFile",
        "getChat",
        "close",
        "logOut",
    )

    def __init__(
        self,
        token: str | None = None,
        *,
        bot_username: str = "rapport_test_bot",
        bot_first_name: str = "Rapport Test",
        host: str = "127.0.0.1",
        port: int = 0,
        first_update_id: int = 100_000_001,
        validate_images: bool = True,
        hang_seconds: float = 30.0,
        webhook_max_attempts: int = 4,
        webhook_backoff: float = 0.05,
        webhook_timeout: float = 5.0,
        webhook_concurrency: int = 1,
        webhook_max_backoff: float | None = None,
        length_unit: Literal["codepoint", "utf16"] = "codepoint",
    ) -> None:
        self.token = token or "7000000001:AAFakeTelegramTokenForTests_0123456"
        bot_id = int(self.token.split(":", 1)[0]) if self.token.split(":", 1)[0].isdigit() else 1
        self.bot_user = User(
            id=bot_id, first_name=bot_first_name, username=bot_username, is_bot=True
        )
        self.host = host
        self._requested_port = port
        self.port = 0
        self.validate_images = validate_images
        self.hang_seconds = hang_seconds
        self.webhook_max_attempts = webhook_max_attempts
        self.webhook_backoff = webhook_backoff
        self.webhook_timeout = webhook_timeout
        #: How many webhook POSTs may be in flight at once (Telegram's max_connections);
        #: never two updates of the same chat at once, so each chat's updates stay in order.
        self.webhook_concurrency = webhook_concurrency
        #: Cap on the retry backoff of a failed delivery (None: doubles without limit).
        self.webhook_max_backoff = webhook_max_backoff
        #: A load balancer in front of several bot replicas: when set, each delivery
        #: attempt goes to the next of these URLs in turn (round-robin) instead of the
        #: registered webhook URL; the secret is still the registered one.
        self.webhook_targets: list[str] | None = None
        #: Answer answerCallbackQuery for query ids the fake never issued (callback queries
        #: a test POSTs straight to the bot's webhook) instead of "query is too old".
        self.accept_unknown_callbacks = False
        self._target_turn = 0
        #: How text/caption limits (4096/1024) are counted: Unicode code points (Telegram's
        #: "4096 UTF-8 characters") or UTF-16 code units (stricter, like entity offsets).
        self.length_unit = length_unit
        #: Webhook secret override for negative tests: None = send the real secret,
        #: "" = omit the X-Telegram-Bot-Api-Secret-Token header, other str = send that.
        self.secret_override: str | None = None

        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._first_update_id = first_update_id
        self._init_state()

        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._ready = threading.Event()
        self._start_error: BaseException | None = None
        self._stopping = False
        self._wake: asyncio.Event | None = None
        self._worker: asyncio.Task[None] | None = None

        self._methods: dict[str, tuple[str, Callable[..., Any]]] = {}
        for name in self._METHOD_NAMES:
            handler = getattr(self, "_m_" + name[0].lower() + name[1:])
            self._methods[name.lower()] = (name, handler)

    def _init_state(self) -> None:
        self._next_update_id = self._first_update_id
        self._next_user_id = 100_001
        self._next_group_id = 1
        self._users: dict[int, User] = {}
        self._chats: dict[int, Chat] = {}
        self._known_chats: set[int] = set()
        self._blocked: set[int] = set()
        self._kicked: set[int] = set()
        self._message_ids: dict[int, int] = {}
        self._messages: dict[tuple[int, int], _Stored] = {}
        self._updates: dict[int, dict[str, Any]] = {}
        self._queue: list[_Queued] = []
        self._allowed_updates: list[str] | None = None
        self._poll_generation = 0
        self._sent: list[SentMessage] = []
        self._calls: list[ApiCall] = []
        self._callers: set[str] = set()
        self._files: dict[str, UploadedFile] = {}
        self._file_counter = 0
        self._callbacks: dict[str, CallbackAnswer] = {}
        self._commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._last_commands: list[dict[str, Any]] | None = None
        self._webhook: _Webhook | None = None
        self._webhook_generation = 0
        self._deliveries: list[WebhookDelivery] = []
        self._fail_rules: list[_FailRule] = []
        self._slow_rules: list[_SlowRule] = []
        self._ratio: _Ratio | None = None
        #: Tracebacks of exceptions raised inside the fake itself (should stay empty).
        self.internal_errors: list[str] = []

    # ------------------------------------------------------------------ lifecycle

    @property
    def url(self) -> str:
        """Server root, e.g. ``http://127.0.0.1:40123``."""
        return f"http://{self.host}:{self.port}"

    def url_for(self, caller: str) -> str:
        """A server root of its own for one of several bot processes (``{url}/{caller}``):
        what it sends carries ``caller``. Any other path before ``/bot`` is a 404, as on
        Telegram."""
        with self._lock:
            self._callers.add(caller)
        return f"{self.url}/{caller}"

    @property
    def base_url(self) -> str:
        """PTB's ``base_url`` (the token is appended by PTB): ``{url}/bot``."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """PTB's ``base_file_url``: ``{url}/file/bot``."""
        return f"{self.url}/file/bot"

    @property
    def api_url(self) -> str:
        """Full method prefix for raw HTTP clients: ``{url}/bot{token}``."""
        return f"{self.base_url}{self.token}"

    def start(self) -> FakeTelegram:
        if self._thread is not None:
            return self
        self._stopping = False
        self._ready.clear()
        self._thread = threading.Thread(target=self._run, name="fake-telegram", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("fake Telegram server did not start in 10s")
        if self._start_error is not None:
            raise RuntimeError("fake Telegram server failed to start") from self._start_error
        return self

    def stop(self) -> None:
        thread, loop = self._thread, self._loop
        if thread is None or loop is None:
            return
        self._stopping = True
        fut = asyncio.run_coroutine_threadsafe(self._shutdown(), loop)
        with contextlib.suppress(Exception):  # best effort during teardown
            fut.result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        self._thread = None
        self._loop = None

    close = stop

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def reset(self) -> None:
        """Forget everything (users, chats, updates, logs, faults, webhook) but keep running."""
        with self._lock:
            self._init_state()
            self._cond.notify_all()
        self._kick()

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._startup())
        except BaseException as exc:  # reported to start()
            self._start_error = exc
            self._ready.set()
            loop.close()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
            for task in pending:
                task.cancel()
            if pending:
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.close()

    async def _startup(self) -> None:
        self._wake = asyncio.Event()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._handle_file)
        # A server root of its own ("<url>/replica1", url_for) names the caller: its calls
        # and messages carry that name (several bot processes on one fake).
        app.router.add_route("*", "/{caller}/bot{token}/{method}", self._handle_api)
        app.router.add_route("GET", "/{caller}/file/bot{token}/{path:.+}", self._handle_file)
        runner = web.AppRunner(
            app, handler_cancellation=True, shutdown_timeout=0.5, access_log=None
        )
        await runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self._requested_port))
        self.port = sock.getsockname()[1]
        site = web.SockSite(runner, sock)
        await site.start()
        self._runner = runner
        self._worker = asyncio.get_running_loop().create_task(self._webhook_worker())

    async def _shutdown(self) -> None:
        if self._wake is not None:
            self._wake.set()
        if self._worker is not None:
            self._worker.cancel()
            await asyncio.gather(self._worker, return_exceptions=True)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def _kick(self) -> None:
        """Wake long polls and the webhook worker (thread-safe)."""
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # loop already closing
                loop.call_soon_threadsafe(wake.set)

    # ------------------------------------------------------------- helper factories

    def make_bot(self, **kwargs: Any) -> Bot:
        """A ``telegram.Bot`` pointed at this server (extra kwargs go to ``Bot``)."""
        from telegram import Bot

        return Bot(self.token, base_url=self.base_url, base_file_url=self.base_file_url, **kwargs)

    def application_builder(self) -> ApplicationBuilder[Any, Any, Any, Any, Any, Any]:
        """A ``telegram.ext.ApplicationBuilder`` with token and URLs already set."""
        from telegram.ext import ApplicationBuilder

        return (
            ApplicationBuilder()
            .token(self.token)
            .base_url(self.base_url)
            .base_file_url(self.base_file_url)
        )

    # ======================================================== injection (test side)

    def user(
        self,
        id: int | None = None,
        first_name: str = "Test",
        *,
        username: str | None = None,
        last_name: str | None = None,
        language_code: str | None = "en",
    ) -> User:
        with self._lock:
            if id is None:
                id = self._next_user_id
                self._next_user_id += 1
            user = User(
                id=id,
                first_name=first_name,
                last_name=last_name,
                username=username,
                language_code=language_code,
            )
            self._users[id] = user
            return user

    def private_chat(self, user: User) -> Chat:
        with self._lock:
            chat = self._chats.get(user.id)
            if chat is None or chat.type != "private":
                chat = Chat(
                    id=user.id,
                    type="private",
                    first_name=user.first_name,
                    last_name=user.last_name,
                    username=user.username,
                )
                self._chats[user.id] = chat
            return chat

    def group_chat(
        self,
        title: str = "Test group",
        *,
        id: int | None = None,
        supergroup: bool = False,
        username: str | None = None,
    ) -> Chat:
        with self._lock:
            if id is None:
                n = self._next_group_id
                self._next_group_id += 1
                id = -(1_001_000_000_000 + n) if supergroup else -(4_000_000_000 + n)
            chat = Chat(
                id=id,
                type="supergroup" if supergroup else "group",
                title=title,
                username=username,
            )
            self._chats[id] = chat
            return chat

    def channel(
        self,
        title: str = "Test channel",
        *,
        id: int | None = None,
        username: str | None = None,
    ) -> Chat:
        with self._lock:
            if id is None:
                n = self._next_group_id
                self._next_group_id += 1
                id = -(1_002_000_000_000 + n)
            chat = Chat(id=id, type="channel", title=title, username=username)
            self._chats[id] = chat
            return chat

    def send_text(
        self,
        user: User,
        text: str,
        chat: Chat | None = None,
        *,
        reply_to: int | None = None,
        entities: list[dict[str, Any]] | None = None,
    ) -> int:
        """User sends a text message; returns the update_id."""
        fields: dict[str, Any] = {"text": text}
        if entities:
            fields["entities"] = entities
        return self._inject_message(user, chat, fields, reply_to=reply_to)

    def send_command(self, user: User, command: str, chat: Chat | None = None) -> int:
        """User sends ``/cmd args`` (with a bot_command entity); returns the update_id."""
        if not command.startswith("/"):
            command = "/" + command
        head = command.split(maxsplit=1)[0]
        entity = {"type": "bot_command", "offset": 0, "length": utf16_len(head)}
        return self._inject_message(user, chat, {"text": command, "entities": [entity]})

    def send_sticker(
        self, user: User, emoji: str = "👍", chat: Chat | None = None, *, set_name: str = "Pack"
    ) -> int:
        f = self._new_file("sticker", b"RIFF\x00\x00\x00\x00WEBPVP8 ", "sticker.webp", "image/webp")
        sticker = {
            "file_id": f.file_id,
            "file_unique_id": f.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "set_name": set_name,
            "file_size": f.size,
        }
        return self._inject_message(user, chat, {"sticker": sticker})

    def send_photo(
        self,
        user: User,
        caption: str | None = None,
        chat: Chat | None = None,
        *,
        data: bytes | None = None,
    ) -> int:
        content = data if data is not None else tiny_png(800, 600)
        w, h = image_size(content) or (800, 600)
        fields: dict[str, Any] = {"photo": self._photo_sizes(content, w, h, "photo.jpg")}
        if caption is not None:
            fields["caption"] = caption
        return self._inject_message(user, chat, fields)

    def send_voice(
        self,
        user: User,
        duration: int = 3,
        chat: Chat | None = None,
        *,
        data: bytes | None = None,
    ) -> int:
        content = data if data is not None else b"OggS\x00\x02" + bytes(64)
        f = self._new_file("voice", content, "voice.oga", "audio/ogg")
        voice = {
            "file_id": f.file_id,
            "file_unique_id": f.file_unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": f.size,
        }
        return self._inject_message(user, chat, {"voice": voice})

    def send_document(
        self,
        user: User,
        filename: str = "notes.txt",
        data: bytes = b"hello from the user\n",
        chat: Chat | None = None,
        *,
        mime_type: str | None = None,
        caption: str | None = None,
    ) -> int:
        mime = mime_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        f = self._new_file("document", data, filename, mime)
        fields: dict[str, Any] = {
            "document": {
                "file_id": f.file_id,
                "file_unique_id": f.file_unique_id,
                "file_name": filename,
                "mime_type": mime,
                "file_size": f.size,
            }
        }
        if caption is not None:
            fields["caption"] = caption
        return self._inject_message(user, chat, fields)

    def send_location(
        self,
        user: User,
        latitude: float = 52.520008,
        longitude: float = 13.404954,
        chat: Chat | None = None,
    ) -> int:
        return self._inject_message(
            user, chat, {"location": {"latitude": latitude, "longitude": longitude}}
        )

    def send_poll(
        self,
        user: User,
        question: str = "Which one?",
        options: Sequence[str] = ("Yes", "No"),
        chat: Chat | None = None,
    ) -> int:
        with self._lock:
            self._file_counter += 1
            poll_id = str(5_000_000_000_000_000_000 + self._file_counter)
        poll = {
            "id": poll_id,
            "question": question,
            "options": [
                {"text": o, "voter_count": 0, "persistent_id": str(i)}
                for i, o in enumerate(options)
            ],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": True,
            "type": "regular",
            "allows_multiple_answers": False,
            "allows_revoting": False,  # Bot API 9.6
            "members_only": False,  # Bot API 10.0
        }
        return self._inject_message(user, chat, {"poll": poll})

    def send_as_chat(self, chat: Chat, text: str, sender_chat: Chat | None = None) -> int:
        """A message in group ``chat`` sent on behalf of a chat, as Telegram delivers it:
        by an anonymous admin (no ``sender_chat``: the group itself; ``from`` is
        @GroupAnonymousBot) or as a channel (``sender_chat`` a channel; ``from`` is
        @Channel_Bot). A text starting with / is a command. Returns the update_id."""
        if chat.type not in ("group", "supergroup"):
            raise ValueError("send_as_chat needs a group chat (see .group_chat())")
        on_behalf = sender_chat or chat
        sender = ANONYMOUS_ADMIN if on_behalf.id == chat.id else CHANNEL_BOT
        fields: dict[str, Any] = {"text": text, "sender_chat": on_behalf.to_dict()}
        if text.startswith("/"):
            head = text.split(maxsplit=1)[0]
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(head)}]
        return self._inject_message(sender, chat, fields)

    def edit_text(self, message: int | dict[str, Any], new_text: str) -> int:
        """The user edits a message they sent; ``message`` is the update_id of its injection
        (or the message dict).  Returns the update_id of the edited_message update."""
        with self._lock:
            key = self._message_key(message)
            stored = self._messages.get(key)
            if stored is None:
                raise KeyError(f"no such message {message!r}")
            stored.json = dict(stored.json)
            stored.json["text"] = new_text
            stored.json.pop("entities", None)
            stored.json["edit_date"] = int(time.time())
            chat = self._chats[key[0]]
            kind = "edited_channel_post" if chat.type == "channel" else "edited_message"
            return self._push_update(kind, dict(stored.json))

    def channel_post(self, chat: Chat | None = None, text: str = "Channel news") -> int:
        """A post appears in a channel the bot administers; returns the update_id."""
        with self._lock:
            chat = chat or self.channel()
            if chat.type != "channel":
                raise ValueError("channel_post needs a channel chat (see .channel())")
            self._known_chats.add(chat.id)
            mid = self._new_message_id(chat.id)
            msg = {
                "message_id": mid,
                "sender_chat": chat.to_dict(),
                "chat": chat.to_dict(),
                "date": int(time.time()),
                "text": text,
            }
            self._messages[(chat.id, mid)] = _Stored(json=msg, from_bot=False)
            uid = self._push_update("channel_post", msg)
            return uid

    def press_button(
        self,
        user: User,
        message: SentMessage | int,
        callback_data: str,
        *,
        chat: Chat | None = None,
        strict: bool = True,
    ) -> int:
        """User presses an inline button on one of the bot's messages.

        ``message`` is a SentMessage (from ``sent()``) or a message_id in ``chat`` (default:
        the user's private chat).  With ``strict`` the button must exist on the message.
        Returns the update_id; see ``callback_answer(update_id)`` for the bot's answer.
        """
        with self._lock:
            if isinstance(message, SentMessage):
                if message.message_id is None:
                    raise ValueError("that SentMessage is a chat action, not a message")
                key = (message.chat_id, message.message_id)
            else:
                key = ((chat or self.private_chat(user)).id, message)
            stored = self._messages.get(key)
            if stored is None or not stored.from_bot:
                raise KeyError(f"bot message {key} not found")
            if stored.deleted:
                raise ValueError(f"message {key} was deleted")
            markup = stored.json.get("reply_markup") or {}
            datas = [
                b.get("callback_data") for row in markup.get("inline_keyboard", []) for b in row
            ]
            if strict and callback_data not in datas:
                raise ValueError(f"no button with callback_data {callback_data!r}: {datas}")
            self._users.setdefault(user.id, user)
            self._file_counter += 1
            query_id = str(4_000_000_000_000_000_000 + self._file_counter * 7919)
            chat_instance = str(-(abs(hash((key[0], self.bot_user.id))) % 10**18))
            query = {
                "id": query_id,
                "from": user.to_dict(),
                "message": json.loads(json.dumps(stored.json)),
                "chat_instance": chat_instance,
                "data": callback_data,
            }
            uid = self._push_update("callback_query", query)
            self._callbacks[query_id] = CallbackAnswer(query_id=query_id, update_id=uid)
            return uid

    def inject_update(self, payload: dict[str, Any]) -> int:
        """Queue a raw update (``{"my_chat_member": {...}}`` etc.); update_id is added."""
        (kind,) = [k for k in payload if k != "update_id"]
        with self._lock:
            return self._push_update(kind, payload[kind])

    def duplicate(self, update_id: int) -> int:
        """Deliver an already-sent update again, same update_id (Telegram does at times)."""
        with self._lock:
            update = self._updates[update_id]
            self._enqueue(_Queued(json.loads(json.dumps(update)), forced=True))
            self._cond.notify_all()
        self._kick()
        return update_id

    def block(self, user: User) -> None:
        """The user blocks the bot: sends to their private chat answer 403."""
        with self._lock:
            self._blocked.add(user.id)

    def unblock(self, user: User) -> None:
        with self._lock:
            self._blocked.discard(user.id)

    def kick_bot(self, chat: Chat) -> None:
        """The bot is removed from a group: sends there answer 403."""
        with self._lock:
            self._kicked.add(chat.id)

    def revoke_token(self) -> str:
        """The owner revokes the token (@BotFather /revoke): every call made with it answers
        401 Unauthorized from now on. Returns the new token (the bot id stays)."""
        with self._lock:
            bot_id, _, _ = self.token.partition(":")
            self.token = f"{bot_id}:AARevokedAndReissuedToken_{len(self._calls):08d}"
            return self.token

    # ------------------------------------------------------------ injection helpers

    def _inject_message(
        self,
        user: User,
        chat: Chat | None,
        fields: dict[str, Any],
        *,
        reply_to: int | None = None,
    ) -> int:
        with self._lock:
            self._users.setdefault(user.id, user)
            chat = chat or self.private_chat(user)
            self._chats.setdefault(chat.id, chat)
            self._known_chats.add(chat.id)
            if chat.type == "private":
                self._blocked.discard(user.id)  # writing to the bot means it is unblocked
            mid = self._new_message_id(chat.id)
            msg: dict[str, Any] = {
                "message_id": mid,
                "from": user.to_dict(),
                "chat": chat.to_dict(),
                "date": int(time.time()),
            }
            if reply_to is not None:
                replied = self._messages.get((chat.id, reply_to))
                if replied is None:
                    raise KeyError(f"message {reply_to} not found in chat {chat.id}")
                msg["reply_to_message"] = self._shallow(replied.json)
            msg.update(fields)
            self._messages[(chat.id, mid)] = _Stored(json=msg, from_bot=False)
            return self._push_update("message", msg)

    def _message_key(self, message: int | dict[str, Any]) -> tuple[int, int]:
        if isinstance(message, dict):
            return int(message["chat"]["id"]), int(message["message_id"])
        update = self._updates.get(message)
        if update is None:
            raise KeyError(f"no update {message}")
        for kind in ("message", "channel_post", "edited_message", "edited_channel_post"):
            if kind in update:
                msg = update[kind]
                return int(msg["chat"]["id"]), int(msg["message_id"])
        raise KeyError(f"update {message} carries no message")

    def _new_message_id(self, chat_id: int) -> int:
        mid = self._message_ids.get(chat_id, 0) + 1
        self._message_ids[chat_id] = mid
        return mid

    def _push_update(self, kind: str, payload: dict[str, Any]) -> int:
        with self._lock:
            uid = self._next_update_id
            self._next_update_id += 1
            update = {"update_id": uid, kind: payload}
            self._updates[uid] = update
            if self._wanted(kind):
                self._enqueue(_Queued(update))
            self._cond.notify_all()
        self._kick()
        return uid

    def _wanted(self, kind: str) -> bool:
        allowed = self._webhook.allowed_updates if self._webhook else self._allowed_updates
        if not allowed:
            return kind not in OPT_IN_UPDATES
        return kind in allowed

    def _enqueue(self, item: _Queued) -> None:
        index = len(self._queue)
        while index > 0 and self._queue[index - 1].update_id > item.update_id:
            index -= 1
        self._queue.insert(index, item)

    def _new_file(
        self, kind: str, content: bytes, filename: str | None, mime: str | None
    ) -> UploadedFile:
        with self._lock:
            self._file_counter += 1
            n = self._file_counter
            digest = hashlib.sha256(f"{self.token}:{kind}:{n}".encode()).hexdigest()
            prefix = {
                "photo": "AgACAgIAAxkBAAI",
                "document": "BQACAgIAAxkBAAI",
                "voice": "AwACAgIAAxkBAAI",
                "sticker": "CAACAgIAAxkBAAI",
            }.get(kind, "BQACAgIAAxkBAAI")
            ext = mimetypes.guess_extension(mime or "") or ""
            if filename and "." in filename:
                ext = "." + filename.rsplit(".", 1)[1]
            folder = {"photo": "photos", "voice": "voice", "sticker": "stickers"}.get(
                kind, "documents"
            )
            f = UploadedFile(
                file_id=f"{prefix}{digest[:40]}",
                file_unique_id=f"AQAD{digest[40:]}"[:16],
                content=content,
                filename=filename,
                content_type=mime,
                source="injected",
                file_path=f"{folder}/file_{n}{ext}",
            )
            self._files[f.file_id] = f
            return f

    def _photo_sizes(
        self, content: bytes, width: int, height: int, filename: str | None
    ) -> list[dict[str, Any]]:
        sizes: list[dict[str, Any]] = []
        for limit in (90, 320, 1280):
            scale = min(1.0, limit / max(width, height, 1))
            w, h = max(1, round(width * scale)), max(1, round(height * scale))
            f = self._new_file("photo", content, filename, "image/jpeg")
            sizes.append(
                {
                    "file_id": f.file_id,
                    "file_unique_id": f.file_unique_id,
                    "width": w,
                    "height": h,
                    "file_size": f.size,
                }
            )
            if scale == 1.0:
                break
        return sizes

    @staticmethod
    def _shallow(msg: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in msg.items() if k != "reply_to_message"}

    # ================================================================ reading

    def _chat_id_of(self, chat: ChatRef | None) -> int | None:
        if chat is None:
            return None
        if isinstance(chat, User | Chat):
            return chat.id
        if isinstance(chat, str):
            return self._lookup_chat(chat).id
        return int(chat)

    def sent_after(self, index: int, timeout: float = 0.0) -> list[SentMessage]:
        """Everything the bot sent from position ``index`` of the log on (cheap: no copy of
        the whole log); waits up to ``timeout`` seconds, woken by every finished API call,
        when there is nothing new yet. For benchmarks that follow many chats at once."""
        with self._cond:
            if len(self._sent) <= index and timeout > 0:
                self._cond.wait(timeout)
            return self._sent[index:]

    def sent(
        self,
        chat_id: ChatRef | None = None,
        *,
        kind: SentKind | None = None,
        include_deleted: bool = True,
    ) -> list[SentMessage]:
        """Everything the bot sent (messages and chat actions), oldest first."""
        cid = self._chat_id_of(chat_id)
        with self._lock:
            return [
                m
                for m in self._sent
                if (cid is None or m.chat_id == cid)
                and (kind is None or m.kind == kind)
                and (include_deleted or not m.deleted)
            ]

    def messages(self, chat_id: ChatRef | None = None) -> list[SentMessage]:
        """Bot messages (no chat actions, no deleted ones), oldest first."""
        return [m for m in self.sent(chat_id, include_deleted=False) if m.kind != "chat_action"]

    def texts(self, chat_id: ChatRef | None = None) -> list[str]:
        """Texts/captions of the bot's live messages, as the user sees them."""
        return [m.text or "" for m in self.messages(chat_id)]

    def last_sent(self, chat_id: ChatRef | None = None) -> SentMessage | None:
        msgs = self.messages(chat_id)
        return msgs[-1] if msgs else None

    def calls(self, method: str | None = None) -> list[ApiCall]:
        """Log of every API request (method names compare case-insensitively)."""
        with self._lock:
            if method is None:
                return list(self._calls)
            low = method.lower()
            return [c for c in self._calls if c.method.lower() == low]

    @property
    def commands(self) -> list[dict[str, Any]] | None:
        """The command list of the last setMyCommands call (None if never called)."""
        with self._lock:
            return self._last_commands

    def commands_for(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, Any]]:
        key = (json.dumps(scope or {"type": "default"}, sort_keys=True), language_code)
        with self._lock:
            return list(self._commands.get(key, []))

    def callback_answer(self, update_id: int) -> CallbackAnswer | None:
        """How the bot answered the callback query injected as ``update_id``."""
        with self._lock:
            for answer in self._callbacks.values():
                if answer.update_id == update_id:
                    return answer
        return None

    def webhook_deliveries_after(self, index: int) -> list[WebhookDelivery]:
        """Webhook delivery attempts from position ``index`` of the log on (no copy of the
        whole log: for drivers that follow many chats at once)."""
        with self._lock:
            return self._deliveries[index:]

    @property
    def webhook_deliveries(self) -> list[WebhookDelivery]:
        with self._lock:
            return list(self._deliveries)

    @property
    def webhook_url(self) -> str | None:
        with self._lock:
            return self._webhook.url if self._webhook else None

    def pending_updates(self) -> list[dict[str, Any]]:
        with self._lock:
            return [q.update for q in self._queue]

    def update(self, update_id: int) -> dict[str, Any]:
        with self._lock:
            return self._updates[update_id]

    def uploaded_file(self, file_id: str) -> UploadedFile | None:
        with self._lock:
            return self._files.get(file_id)

    def wait_for(
        self,
        predicate: Callable[[], T | None],
        timeout: float = 5.0,
        *,
        message: str = "condition",
    ) -> T:
        """Block until ``predicate()`` is truthy (re-checked on every server event and every
        50 ms) and return its value; raise TimeoutError otherwise.  Don't call this from the
        event loop the bot runs on - use ``wait_for_async`` there."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                value = predicate()
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(
                        f"timed out after {timeout}s waiting for {message}; {self._summary()}"
                    )
                self._cond.wait(min(remaining, 0.05))

    async def wait_for_async(
        self,
        predicate: Callable[[], T | None],
        timeout: float = 5.0,
        *,
        message: str = "condition",
    ) -> T:
        """``wait_for`` for async tests: polls without blocking the running loop."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() >= deadline:
                raise TimeoutError(
                    f"timed out after {timeout}s waiting for {message}; {self._summary()}"
                )
            await asyncio.sleep(0.02)

    def _text_matcher(
        self, chat_id: ChatRef | None, substring: str, since: float | None
    ) -> Callable[[], SentMessage | None]:
        def find() -> SentMessage | None:
            for m in self.messages(chat_id):
                if since is not None and m.time < since:
                    continue
                if substring in (m.text or "") or substring in (m.source_text or ""):
                    return m
            return None

        return find

    def wait_for_text(
        self,
        chat_id: ChatRef | None,
        substring: str,
        timeout: float = 5.0,
        *,
        since: float | None = None,
    ) -> SentMessage:
        """Wait for a bot message in ``chat_id`` (None = any chat) containing ``substring``
        (in the visible text or the raw markup) and return it."""
        return self.wait_for(
            self._text_matcher(chat_id, substring, since),
            timeout,
            message=f"a message containing {substring!r} in chat {chat_id}",
        )

    async def wait_for_text_async(
        self,
        chat_id: ChatRef | None,
        substring: str,
        timeout: float = 5.0,
        *,
        since: float | None = None,
    ) -> SentMessage:
        return await self.wait_for_async(
            self._text_matcher(chat_id, substring, since),
            timeout,
            message=f"a message containing {substring!r} in chat {chat_id}",
        )

    def _summary(self) -> str:
        with self._lock:
            last = [f"{m.chat_id}:{m.kind}:{(m.text or m.action or '')[:60]!r}" for m in self._sent]
            methods = [f"{c.method}->{c.status}" for c in self._calls[-8:]]
        return f"bot sent {last[-8:]}; last calls {methods}"

    # =============================================================== fault injection

    def fail_next(
        self,
        method: str,
        n: int = 1,
        status: FaultStatus = 429,
        retry_after: int = 1,
        *,
        description: str | None = None,
    ) -> None:
        """Make the next ``n`` calls of ``method`` ("*" = any) fail.

        ``status``: an HTTP code (429 carries ``parameters.retry_after``; 502/503/504 answer
        an nginx HTML page like the real edge does), ``"timeout"`` (hang ``hang_seconds`` without
        doing anything), ``"timeout_after"`` (do the work, then hang) or ``"disconnect"``
        (close the connection without an answer).
        """
        with self._lock:
            self._fail_rules.append(_FailRule(method.lower(), n, status, retry_after, description))

    def slow(
        self,
        method: str,
        seconds: float,
        n: int | None = None,
        *,
        process_first: bool = False,
    ) -> None:
        """Delay the answer to the next ``n`` calls (None = all) of ``method`` ("*" = any).
        By default the work happens after the delay (so a client timeout means "not done");
        with ``process_first`` it is done at once and only the answer is late."""
        with self._lock:
            self._slow_rules.append(_SlowRule(method.lower(), seconds, n, process_first))

    def fail_ratio(
        self,
        ratio: float,
        statuses: Iterable[FaultStatus] = (429, 502, "timeout"),
        seed: int | None = None,
        *,
        retry_after: int = 1,
        methods: Iterable[str] | None = None,
    ) -> None:
        """Fail a random ``ratio`` of bot calls (all methods but getUpdates, or only
        ``methods``) with a status drawn from ``statuses``.  ``fail_ratio(0)`` turns it off."""
        with self._lock:
            if ratio <= 0:
                self._ratio = None
                return
            self._ratio = _Ratio(
                ratio=ratio,
                statuses=tuple(statuses),
                rng=random.Random(seed),
                retry_after=retry_after,
                methods={m.lower() for m in methods} if methods is not None else None,
            )

    def clear_faults(self) -> None:
        with self._lock:
            self._fail_rules.clear()
            self._slow_rules.clear()
            self._ratio = None

    def _take_fault(self, method: str) -> _Fault | None:
        low = method.lower()
        with self._lock:
            for rule in self._fail_rules:
                if rule.remaining > 0 and rule.method in ("*", low):
                    rule.remaining -= 1
                    self._fail_rules = [r for r in self._fail_rules if r.remaining > 0]
                    return _Fault(rule.status, rule.retry_after, rule.description)
            ratio = self._ratio
            if ratio is not None and low != "getupdates":
                if ratio.methods is not None and low not in ratio.methods:
                    return None
                if ratio.rng.random() < ratio.ratio:
                    return _Fault(ratio.rng.choice(ratio.statuses), ratio.retry_after)
        return None

    def _take_slow(self, method: str) -> _SlowRule | None:
        low = method.lower()
        with self._lock:
            for rule in self._slow_rules:
                if rule.method in ("*", low) and (rule.remaining is None or rule.remaining > 0):
                    if rule.remaining is not None:
                        rule.remaining -= 1
                    self._slow_rules = [
                        r for r in self._slow_rules if r.remaining is None or r.remaining > 0
                    ]
                    return replace(rule)
        return None

    # ============================================================== HTTP plumbing

    @staticmethod
    def _json_response(body: dict[str, Any], status: int = 200) -> web.Response:
        return web.Response(
            status=status,
            body=json.dumps(body, ensure_ascii=False).encode(),
            content_type="application/json",
        )

    def _fault_response(self, fault: _Fault) -> web.Response:
        status = int(fault.status) if isinstance(fault.status, int) else 504
        if status in (502, 503, 504) and fault.description is None:
            phrase = HTTPStatus(status).phrase
            return web.Response(
                status=status,
                text=_NGINX_PAGE.format(code=status, phrase=phrase),
                content_type="text/html",
            )
        if status == 429:
            return self._json_response(
                ApiError(
                    429,
                    fault.description or f"Too Many Requests: retry after {fault.retry_after}",
                    {"retry_after": fault.retry_after},
                ).body(),
                429,
            )
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = "Error"
        description = fault.description or f"{phrase}: injected failure"
        return self._json_response(ApiError(status, description).body(), status)

    async def _read_params(
        self, request: web.Request
    ) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
        params: dict[str, Any] = dict(request.query)
        files: dict[str, UploadedFile] = {}
        if request.can_read_body:
            ctype = request.content_type
            if ctype == "application/json":
                try:
                    body = json.loads(await request.read() or b"{}")
                except ValueError as exc:
                    raise _bad("can't parse JSON body") from exc
                if not isinstance(body, dict):
                    raise _bad("JSON body must be an object")
                params.update(body)
            elif ctype == "multipart/form-data":
                reader = await request.multipart()
                while True:
                    part = await reader.next()
                    if part is None:
                        break
                    if not isinstance(part, BodyPartReader) or not part.name:
                        continue
                    if part.filename is not None:
                        data = await part.read(decode=False)
                        files[part.name] = UploadedFile(
                            file_id="",
                            file_unique_id="",
                            content=bytes(data),
                            filename=part.filename,
                            content_type=part.headers.get("Content-Type"),
                        )
                    else:
                        params[part.name] = await part.text()
            else:
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, str):
                        params[key] = value
        for key in JSON_FIELDS & params.keys():
            value = params[key]
            if isinstance(value, str):
                try:
                    params[key] = json.loads(value)
                except ValueError as exc:
                    if key == "reply_markup":
                        raise _bad("can't parse reply keyboard markup JSON object") from exc
                    raise _bad(f"can't parse {key} JSON object") from exc
        return params, files

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        started = time.time()
        if not self._known_caller(request):
            return self._json_response(ApiError(404, "Not Found").body(), 404)
        _CALLER.set(request.match_info.get("caller", ""))
        token = request.match_info["token"]
        raw_method = request.match_info["method"]
        entry = self._methods.get(raw_method.lower())
        call = ApiCall(
            method=entry[0] if entry else raw_method,
            params={},
            files={},
            time=started,
            caller=_CALLER.get(),
            http_method=request.method,
            content_type=request.content_type,
        )
        with self._lock:
            self._calls.append(call)
        status: int | None = None
        try:
            response: web.StreamResponse
            try:
                if token != self.token:
                    raise ApiError(401, "Unauthorized")
                if entry is None:
                    raise ApiError(404, "Not Found")
                call.params, call.files = await self._read_params(request)
                response = await self._run_method(request, call, entry[1], call.params, call.files)
            except ApiError as exc:
                call.response = exc.body()
                response = self._json_response(exc.body(), exc.code)
            except Exception as exc:  # a bug in the fake: make it loud, not a hang
                detail = "".join(traceback.format_exception(exc))
                with self._lock:
                    self.internal_errors.append(detail)
                body = ApiError(500, f"Internal Server Error: fake server bug: {exc!r}").body()
                call.response = body
                response = self._json_response(body, 500)
            status = response.status
            return response
        except asyncio.CancelledError:
            call.fault = call.fault or "cancelled (client went away)"
            raise
        finally:
            call.duration = time.time() - started
            with self._cond:
                if call.status is None:
                    call.status = status
                self._cond.notify_all()

    async def _run_method(
        self,
        request: web.Request,
        call: ApiCall,
        handler: Callable[..., Any],
        params: dict[str, Any],
        files: dict[str, UploadedFile],
    ) -> web.StreamResponse:
        slow = self._take_slow(call.method)
        fault = self._take_fault(call.method)
        if fault is not None:
            call.fault = fault.label
        if slow is not None and not slow.process_first:
            await asyncio.sleep(slow.seconds)
        if fault is not None and fault.status == "disconnect":
            call.status = 0
            if request.transport is not None:
                request.transport.close()
            raise asyncio.CancelledError
        if fault is not None and fault.status != "timeout_after":
            if fault.status == "timeout":
                await asyncio.sleep(self.hang_seconds)
            resp = self._fault_response(fault)
            call.response = {"fault": fault.label}
            if resp.content_type == "application/json" and isinstance(resp.body, bytes):
                call.response = json.loads(resp.body)
            return resp
        result = handler(params, files)
        if asyncio.iscoroutine(result):
            result = await result
        body: dict[str, Any]
        if isinstance(result, _WithDescription):
            body = {"ok": True, "result": result.result, "description": result.description}
        else:
            body = {"ok": True, "result": result}
        call.response = body
        if slow is not None and slow.process_first:
            await asyncio.sleep(slow.seconds)
        if fault is not None:  # timeout_after: the work is done, the answer never comes
            await asyncio.sleep(self.hang_seconds)
            return self._fault_response(_Fault(504))
        return self._json_response(body)

    def _known_caller(self, request: web.Request) -> bool:
        caller = request.match_info.get("caller")
        with self._lock:
            return caller is None or caller in self._callers

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if not self._known_caller(request):
            return self._json_response(ApiError(404, "Not Found").body(), 404)
        if request.match_info["token"] != self.token:
            return self._json_response(ApiError(401, "Unauthorized").body(), 401)
        path = request.match_info["path"]
        with self._lock:
            for f in self._files.values():
                if f.file_path == path:
                    return web.Response(
                        body=f.content, content_type=f.content_type or "application/octet-stream"
                    )
        return self._json_response(ApiError(404, "Not Found").body(), 404)

    def add_method(self, name: str, handler: MethodHandler) -> None:
        """Serve an extra Bot API method: ``handler(params, files) -> result`` (may raise
        ApiError).  Names are case-insensitive, as in the real API."""
        self._methods[name.lower()] = (name, handler)

    # ============================================================ param helpers

    @staticmethod
    def _int(params: dict[str, Any], key: str, default: int | None = None) -> int | None:
        value = params.get(key)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return int(value)
        try:
            return int(value)
        except (TypeError, ValueError) as exc:
            raise _bad(f"invalid {key} specified") from exc

    @staticmethod
    def _bool(value: Any) -> bool:
        if isinstance(value, str):
            return value.lower() in ("true", "1")
        return bool(value)

    def _lookup_chat(self, ref: int | str) -> Chat:
        with self._lock:
            if isinstance(ref, str) and ref.startswith("@"):
                for chat in self._chats.values():
                    if (
                        chat.username
                        and chat.username.lower() == ref[1:].lower()
                        and chat.id in self._known_chats
                    ):
                        return chat
                raise _bad("chat not found")
            try:
                cid = int(ref)
            except (TypeError, ValueError) as exc:
                raise _bad("chat not found") from exc
            found = self._chats.get(cid)
            if found is None or cid not in self._known_chats:
                raise _bad("chat not found")
            return found

    def _target_chat(self, params: dict[str, Any], *, sending: bool = True) -> Chat:
        ref = params.get("chat_id")
        if ref is None or ref == "":
            raise _bad("chat_id is empty")
        chat = self._lookup_chat(ref)
        if sending:
            if chat.type == "private" and chat.id in self._blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if chat.id in self._kicked:
                kind = "channel chat" if chat.type == "channel" else f"{chat.type} chat"
                raise ApiError(403, f"Forbidden: bot was kicked from the {kind}")
        return chat

    def _parse(
        self, text: Any, parse_mode: Any, entities: Any, *, limit: int, what: str
    ) -> tuple[str, list[dict[str, Any]]]:
        if text is None or text == "":
            raise _bad(f"{what} is empty")
        text = str(text)
        try:
            plain, parsed = parse_text(text, str(parse_mode) if parse_mode else None)
        except EntityParseError as exc:
            raise _bad(f"can't parse entities: {exc}") from exc
        except ValueError as exc:
            raise _bad(f"unsupported parse_mode: {parse_mode}") from exc
        if not parse_mode and isinstance(entities, list):
            parsed = entities
        if not plain.strip():
            raise _bad(f"{what} is empty")
        length = utf16_len(plain) if self.length_unit == "utf16" else len(plain)
        if length > limit:
            raise _bad("message is too long" if what == "message text" else f"{what} is too long")
        return plain, parsed

    def _check_markup(self, markup: Any) -> dict[str, Any] | None:
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
            actions = (
                "callback_data",
                "url",
                "switch_inline_query",
                "switch_inline_query_current_chat",
                "switch_inline_query_chosen_chat",
                "login_url",
                "web_app",
                "pay",
                "callback_game",
                "copy_text",
            )
            for row in rows:
                for button in row:
                    if (
                        not isinstance(button, dict)
                        or "text" not in button
                        or not any(a in button for a in actions)
                    ):
                        raise _bad(
                            "can't parse inline keyboard button: "
                            "Text buttons are unallowed in the inline keyboard"
                        )
                    data = button.get("callback_data")
                    if data is not None and not 1 <= len(str(data).encode()) <= 64:
                        raise _bad("BUTTON_DATA_INVALID")
                    url = button.get("url")
                    if url is not None and not re.match(r"^(https?|tg)://", str(url)):
                        raise _bad(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")
        elif not {"keyboard", "remove_keyboard", "force_reply"} & markup.keys():
            raise _bad("can't parse reply keyboard markup JSON object")
        return markup

    def _reply_target(self, chat: Chat, params: dict[str, Any]) -> dict[str, Any] | None:
        reply = params.get("reply_parameters")
        mid: int | None
        allow = self._bool(params.get("allow_sending_without_reply", False))
        if isinstance(reply, dict):
            mid = self._int(reply, "message_id")
            allow = allow or self._bool(reply.get("allow_sending_without_reply", False))
            if reply.get("chat_id") not in (None, chat.id, str(chat.id)):
                chat = self._lookup_chat(reply["chat_id"])
        else:
            mid = self._int(params, "reply_to_message_id")
        if mid is None:
            return None
        stored = self._messages.get((chat.id, mid))
        if stored is None or stored.deleted:
            if allow:
                return None
            raise _bad("message to be replied not found")
        return self._shallow(stored.json)

    def _record_bot_message(
        self,
        chat: Chat,
        kind: SentKind,
        fields: dict[str, Any],
        params: dict[str, Any],
        *,
        text: str | None,
        source_text: str | None,
        entities: list[dict[str, Any]],
        file: UploadedFile | None = None,
    ) -> dict[str, Any]:
        markup = self._check_markup(params.get("reply_markup"))
        reply_to = self._reply_target(chat, params)
        now = time.time()
        mid = self._new_message_id(chat.id)
        msg: dict[str, Any] = {"message_id": mid}
        if chat.type == "channel":
            msg["sender_chat"] = chat.to_dict()
        else:
            msg["from"] = self.bot_user.to_dict()
        msg["chat"] = chat.to_dict()
        msg["date"] = int(now)
        if reply_to is not None:
            msg["reply_to_message"] = reply_to
        msg.update(fields)
        if markup is not None and "inline_keyboard" in markup:
            msg["reply_markup"] = markup
        sent = SentMessage(
            chat_id=chat.id,
            kind=kind,
            message_id=mid,
            text=text,
            source_text=source_text,
            parse_mode=params.get("parse_mode"),
            entities=entities,
            reply_markup=markup,
            reply_to_message_id=reply_to["message_id"] if reply_to else None,
            file=file,
            date=int(now),
            time=now,
            params=params,
            caller=_CALLER.get(),
        )
        self._messages[(chat.id, mid)] = _Stored(json=msg, from_bot=True, kind=kind, sent=sent)
        self._sent.append(sent)
        return msg

    def _input_file(
        self, params: dict[str, Any], files: dict[str, UploadedFile], key: str, kind: str
    ) -> UploadedFile:
        upload = files.get(key)
        value = params.get(key)
        if upload is None and isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value[len("attach://") :])
            if upload is None:
                raise _bad(f"file of field {key} not found in the request")
        if upload is not None:
            if not upload.content:
                raise _bad("file must be non-empty")
            if kind == "photo" and self.validate_images and image_size(upload.content) is None:
                raise _bad("IMAGE_PROCESS_FAILED")
            mime = upload.content_type
            if not mime or mime == "application/octet-stream":
                mime = mimetypes.guess_type(upload.filename or "")[0] or mime
            f = self._new_file(kind, upload.content, upload.filename, mime)
            f.source = "upload"
            return f
        if not value:
            raise _bad(f"there is no {key} in the request")
        value = str(value)
        if value.startswith(("http://", "https://")):
            f = self._new_file(kind, b"", value.rsplit("/", 1)[-1] or None, None)
            f.source, f.url = "url", value
            return f
        known = self._files.get(value)
        if known is None:
            raise _bad("wrong file identifier/HTTP URL specified")
        return replace(known, source="file_id")

    # ============================================================ Bot API methods

    def _m_getMe(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        me = self.bot_user.to_dict()
        me.update(
            {
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
                "can_connect_to_business": False,
                "has_main_web_app": False,
            }
        )
        return me

    async def _m_getUpdates(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        with self._lock:
            if self._webhook is not None:
                raise ApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; "
                    "use deleteWebhook to delete the webhook first",
                )
            offset = self._int(params, "offset")
            limit = self._int(params, "limit", 100) or 100
            limit = max(1, min(100, limit))
            timeout = max(0, self._int(params, "timeout", 0) or 0)
            allowed = params.get("allowed_updates")
            if isinstance(allowed, list):
                self._allowed_updates = [str(a) for a in allowed]
            self._poll_generation += 1
            generation = self._poll_generation
            if offset is not None:
                if offset < 0:
                    self._queue = self._queue[offset:]
                else:
                    self._queue = [
                        q
                        for q in self._queue
                        if q.update_id >= offset or (q.forced and not q.delivered)
                    ]
        self._kick()  # let an older long poll notice it has been superseded
        deadline = time.monotonic() + timeout
        wake = self._wake
        assert wake is not None
        while True:
            wake.clear()
            with self._lock:
                if self._webhook is not None:
                    raise ApiError(409, "Conflict: terminated by setWebhook request")
                if generation != self._poll_generation:
                    raise ApiError(
                        409,
                        "Conflict: terminated by other getUpdates request; make sure that "
                        "only one bot instance is running",
                    )
                batch = self._queue[:limit]
                if batch:
                    for q in batch:
                        q.delivered = True
                    return [json.loads(json.dumps(q.update)) for q in batch]
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self._stopping:
                return []
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), timeout=min(remaining, 0.5))

    def _m_setWebhook(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        url = str(params.get("url") or "")
        if not url:
            return self._m_deleteWebhook(params, files)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        host = parts.hostname
        if not (host == "localhost" or host == "::1" or host.startswith("127.")):
            # The fake only ever POSTs to this machine's loopback interface.
            raise _bad("bad webhook: Failed to resolve host: Name or service not known")
        secret = params.get("secret_token")
        if secret not in (None, "") and not _SECRET_RE.match(str(secret)):
            raise _bad("secret token contains unallowed characters")
        allowed = params.get("allowed_updates")
        with self._lock:
            self._webhook_generation += 1
            previous = self._webhook
            self._webhook = _Webhook(
                url=url,
                secret_token=str(secret) if secret else None,
                max_connections=self._int(params, "max_connections", 40) or 40,
                allowed_updates=[str(a) for a in allowed]
                if isinstance(allowed, list)
                else (previous.allowed_updates if previous else self._allowed_updates),
                generation=self._webhook_generation,
            )
            if self._bool(params.get("drop_pending_updates", False)):
                self._queue.clear()
        self._kick()  # a waiting getUpdates ends with 409, the webhook worker starts
        return _WithDescription(True, "Webhook was set")

    def _m_deleteWebhook(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        with self._lock:
            had = self._webhook is not None
            if had:
                assert self._webhook is not None
                self._allowed_updates = self._webhook.allowed_updates
            self._webhook = None
            self._webhook_generation += 1
            if self._bool(params.get("drop_pending_updates", False)):
                self._queue.clear()
        self._kick()
        description = "Webhook was deleted" if had else "Webhook is already deleted"
        return _WithDescription(True, description)

    def _m_getWebhookInfo(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        with self._lock:
            info: dict[str, Any] = {
                "url": self._webhook.url if self._webhook else "",
                "has_custom_certificate": False,
                "pending_update_count": len(self._queue),
            }
            wh = self._webhook
            if wh is not None:
                info["max_connections"] = wh.max_connections
                info["ip_address"] = "127.0.0.1"
                if wh.allowed_updates:
                    info["allowed_updates"] = wh.allowed_updates
                if wh.last_error_date is not None:
                    info["last_error_date"] = wh.last_error_date
                    info["last_error_message"] = wh.last_error_message
            return info

    def _m_sendMessage(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        with self._lock:
            chat = self._target_chat(params)
            plain, entities = self._parse(
                params.get("text"),
                params.get("parse_mode"),
                params.get("entities"),
                limit=MAX_TEXT,
                what="message text",
            )
            fields: dict[str, Any] = {"text": plain}
            if entities:
                fields["entities"] = entities
            return self._record_bot_message(
                chat,
                "text",
                fields,
                params,
                text=plain,
                source_text=str(params["text"]),
                entities=entities,
            )

    def _caption_fields(
        self, params: dict[str, Any]
    ) -> tuple[dict[str, Any], str | None, list[Any]]:
        caption = params.get("caption")
        if caption in (None, ""):
            return {}, None, []
        plain, entities = self._parse(
            caption,
            params.get("parse_mode"),
            params.get("caption_entities"),
            limit=MAX_CAPTION,
            what="message caption",
        )
        fields: dict[str, Any] = {"caption": plain}
        if entities:
            fields["caption_entities"] = entities
        return fields, plain, entities

    def _m_sendPhoto(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        with self._lock:
            chat = self._target_chat(params)
            cap_fields, caption, entities = self._caption_fields(params)
            f = self._input_file(params, files, "photo", "photo")
            width, height = image_size(f.content) or (1280, 720)
            sizes = self._photo_sizes(f.content, width, height, f.filename)
            # The largest size stands for the file the bot uploaded.
            self._files.pop(sizes[-1]["file_id"], None)
            f.file_id, f.file_unique_id = sizes[-1]["file_id"], sizes[-1]["file_unique_id"]
            self._files[f.file_id] = f
            fields = {"photo": sizes, **cap_fields}
            return self._record_bot_message(
                chat,
                "photo",
                fields,
                params,
                text=caption,
                source_text=params.get("caption"),
                entities=entities,
                file=f,
            )

    def _m_sendDocument(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        with self._lock:
            chat = self._target_chat(params)
            cap_fields, caption, entities = self._caption_fields(params)
            f = self._input_file(params, files, "document", "document")
            doc: dict[str, Any] = {"file_id": f.file_id, "file_unique_id": f.file_unique_id}
            if f.filename:
                doc["file_name"] = f.filename
            if f.content_type:
                doc["mime_type"] = f.content_type
            doc["file_size"] = f.size
            fields = {"document": doc, **cap_fields}
            return self._record_bot_message(
                chat,
                "document",
                fields,
                params,
                text=caption,
                source_text=params.get("caption"),
                entities=entities,
                file=f,
            )

    def _m_sendChatAction(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        with self._lock:
            chat = self._target_chat(params)
            action = params.get("action")
            if action not in CHAT_ACTIONS:
                raise _bad("wrong parameter action in request")
            now = time.time()
            self._sent.append(
                SentMessage(
                    chat_id=chat.id,
                    kind="chat_action",
                    action=str(action),
                    date=int(now),
                    time=now,
                    params=params,
                )
            )
            return True

    def _m_answerCallbackQuery(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        with self._lock:
            query_id = str(params.get("callback_query_id") or "")
            answer = self._callbacks.get(query_id)
            if answer is None and self.accept_unknown_callbacks and query_id:
                # A callback query the test POSTed to the bot itself, not via press_button.
                answer = self._callbacks[query_id] = CallbackAnswer(query_id, update_id=0)
            if answer is None or answer.answered:
                raise _bad("query is too old and response timeout expired or query ID is invalid")
            text = params.get("text")
            if text is not None and len(str(text)) > 200:
                raise _bad("MESSAGE_TOO_LONG")
            answer.answered = True
            answer.text = str(text) if text is not None else None
            answer.show_alert = self._bool(params.get("show_alert", False))
            answer.url = params.get("url")
            answer.cache_time = self._int(params, "cache_time")
            answer.params = params
            return True

    def _editable(self, params: dict[str, Any]) -> _Stored:
        if params.get("inline_message_id"):
            raise _bad("MESSAGE_ID_INVALID")
        chat = self._target_chat(params)
        mid = self._int(params, "message_id")
        if mid is None:
            raise _bad("message identifier is not specified")
        stored = self._messages.get((chat.id, mid))
        if stored is None or stored.deleted:
            raise _bad("message to edit not found")
        if not stored.from_bot:
            raise _bad("message can't be edited")
        return stored

    def _apply_edit(self, stored: _Stored, changes: dict[str, Any], markup: Any) -> Any:
        new_json = {k: v for k, v in stored.json.items() if k not in changes}
        new_json.update({k: v for k, v in changes.items() if v is not None})
        new_json.pop("reply_markup", None)
        if isinstance(markup, dict) and markup.get("inline_keyboard"):
            new_json["reply_markup"] = markup
        comparable = ("text", "entities", "caption", "caption_entities", "reply_markup")
        if all(new_json.get(k) == stored.json.get(k) for k in comparable):
            raise _bad(NOT_MODIFIED.removeprefix("Bad Request: "))
        new_json["edit_date"] = int(time.time())
        sent = stored.sent
        if sent is not None:
            sent.edits.append(
                {
                    "text": sent.text,
                    "source_text": sent.source_text,
                    "reply_markup": sent.reply_markup,
                    "time": time.time(),
                }
            )
            sent.reply_markup = new_json.get("reply_markup")
        stored.json = new_json
        return new_json

    def _m_editMessageText(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        with self._lock:
            stored = self._editable(params)
            if stored.kind != "text":
                raise _bad("there is no text in the message to edit")
            plain, entities = self._parse(
                params.get("text"),
                params.get("parse_mode"),
                params.get("entities"),
                limit=MAX_TEXT,
                what="message text",
            )
            markup = self._check_markup(params.get("reply_markup"))
            result = self._apply_edit(stored, {"text": plain, "entities": entities or None}, markup)
            if stored.sent is not None:
                stored.sent.text = plain
                stored.sent.source_text = str(params["text"])
                stored.sent.entities = entities
                stored.sent.parse_mode = params.get("parse_mode")
            return result

    def _m_editMessageCaption(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        with self._lock:
            stored = self._editable(params)
            if stored.kind == "text":
                raise _bad("there is no caption in the message to edit")
            cap_fields, caption, entities = self._caption_fields(params)
            markup = self._check_markup(params.get("reply_markup"))
            changes = {"caption": cap_fields.get("caption"), "caption_entities": entities or None}
            result = self._apply_edit(stored, changes, markup)
            if stored.sent is not None:
                stored.sent.text = caption
                stored.sent.source_text = params.get("caption")
                stored.sent.entities = entities
            return result

    def _m_editMessageReplyMarkup(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> Any:
        with self._lock:
            stored = self._editable(params)
            markup = self._check_markup(params.get("reply_markup"))
            return self._apply_edit(stored, {}, markup)

    def _m_deleteMessage(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        with self._lock:
            chat = self._target_chat(params, sending=False)
            mid = self._int(params, "message_id")
            stored = self._messages.get((chat.id, mid or 0))
            if stored is None or stored.deleted:
                raise _bad("message to delete not found")
            stored.deleted = True
            if stored.sent is not None:
                stored.sent.deleted = True
            return True

    @staticmethod
    def _commands_key(params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    def _m_setMyCommands(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad('parameter "commands" is required')
        if len(commands) > 100:
            raise _bad("too many commands specified")
        cleaned: list[dict[str, Any]] = []
        for item in commands:
            if not isinstance(item, dict):
                raise _bad("can't parse BotCommand")
            command = str(item.get("command", "")).removeprefix("/")
            description = str(item.get("description", ""))
            if not _COMMAND_RE.match(command):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise _bad("command description must be non-empty")
            cleaned.append({"command": command, "description": description})
        with self._lock:
            self._commands[self._commands_key(params)] = cleaned
            self._last_commands = cleaned
        return True

    def _m_getMyCommands(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        with self._lock:
            return list(self._commands.get(self._commands_key(params), []))

    def _m_deleteMyCommands(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        with self._lock:
            self._commands.pop(self._commands_key(params), None)
            return True

    def _m_getFile(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        with self._lock:
            f = self._files.get(str(params.get("file_id") or ""))
            if f is None:
                raise _bad("invalid file_id")
            if f.file_path is None:
                raise _bad("file is temporarily unavailable")
            return {
                "file_id": f.file_id,
                "file_unique_id": f.file_unique_id,
                "file_size": f.size,
                "file_path": f.file_path,
            }

    def _m_getChat(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        with self._lock:
            chat = self._target_chat(params, sending=False)
            info = chat.to_dict()
            info.update({"accent_color_id": 0, "max_reaction_count": 11})
            return info

    def _m_close(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        return True

    def _m_logOut(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        return True

    # ================================================================= webhook

    async def _webhook_worker(self) -> None:
        wake = self._wake
        assert wake is not None
        if self.webhook_concurrency > 1:
            await self._webhook_lanes()
            return
        async with ClientSession() as session:
            while not self._stopping:
                wake.clear()
                with self._lock:
                    wh = self._webhook
                    item = self._queue[0] if wh is not None and self._queue else None
                if wh is None or item is None:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(wake.wait(), timeout=0.5)
                    continue
                await self._deliver(session, wh, item)

    async def _webhook_lanes(self) -> None:
        """``webhook_concurrency`` deliveries at once, one update per chat at a time."""
        wake = self._wake
        assert wake is not None
        busy_items: set[int] = set()
        busy_chats: set[tuple[str, int]] = set()

        def take() -> tuple[_Webhook, _Queued] | None:
            with self._lock:
                wh = self._webhook
                if wh is None:
                    return None
                waiting: set[tuple[str, int]] = set()
                for q in self._queue:
                    key = _chat_key(q.update)
                    if id(q) in busy_items:
                        waiting.add(key)
                        continue
                    if key in busy_chats or key in waiting:
                        waiting.add(key)  # an earlier update of this chat comes first
                        continue
                    busy_items.add(id(q))
                    busy_chats.add(key)
                    return wh, q
            return None

        async def lane(session: ClientSession) -> None:
            while not self._stopping:
                wake.clear()
                picked = take()
                if picked is None:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(wake.wait(), timeout=0.5)
                    continue
                wh, item = picked
                try:
                    await self._deliver(session, wh, item)
                finally:
                    with self._lock:
                        busy_items.discard(id(item))
                        busy_chats.discard(_chat_key(item.update))
                    wake.set()  # the chat's next update may go now

        async with ClientSession() as session:
            await asyncio.gather(*(lane(session) for _ in range(self.webhook_concurrency)))

    def _webhook_target(self, wh: _Webhook) -> str:
        with self._lock:
            targets = self.webhook_targets
            if not targets:
                return wh.url
            url = targets[self._target_turn % len(targets)]
            self._target_turn += 1
            return url

    def _webhook_delay(self, attempt: int) -> float:
        delay = self.webhook_backoff * 2 ** min(attempt - 1, 60)
        if self.webhook_max_backoff is not None:
            delay = min(delay, self.webhook_max_backoff)
        return delay

    async def _deliver(self, session: ClientSession, wh: _Webhook, item: _Queued) -> bool:
        body = json.dumps(item.update, ensure_ascii=False).encode()
        for attempt in range(1, self.webhook_max_attempts + 1):
            url = self._webhook_target(wh)
            headers = {"Content-Type": "application/json"}
            secret = wh.secret_token if self.secret_override is None else self.secret_override
            if secret:
                headers["X-Telegram-Bot-Api-Secret-Token"] = secret
            record = WebhookDelivery(
                update_id=item.update_id,
                url=url,
                attempt=attempt,
                time=time.time(),
                secret_header=headers.get("X-Telegram-Bot-Api-Secret-Token"),
            )
            reply: Any = None
            try:
                async with session.post(
                    url,
                    data=body,
                    headers=headers,
                    timeout=ClientTimeout(total=self.webhook_timeout),
                    allow_redirects=False,
                ) as resp:
                    record.status = resp.status
                    reason = resp.reason or ""
                    if 200 <= resp.status < 300 and resp.content_type == "application/json":
                        try:
                            reply = await resp.json()
                        except ValueError:
                            reply = None
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # any failure is a failed delivery
                record.error = f"{type(exc).__name__}: {exc}"
                reason = ""
            ok = record.status is not None and 200 <= record.status < 300
            record.delivered = ok
            with self._cond:
                self._deliveries.append(record)
                if ok or attempt == self.webhook_max_attempts:
                    # Delivered, or given up on: either way it leaves the queue now.
                    self._queue = [q for q in self._queue if q is not item]
                if not ok:
                    wh.last_error_date = int(time.time())
                    wh.last_error_message = (
                        f"Wrong response from the webhook: {record.status} {reason}".strip()
                        if record.status is not None
                        else f"Connection failed: {record.error}"
                    )
                self._cond.notify_all()
            if ok:
                if isinstance(reply, dict) and reply.get("method"):
                    self._webhook_reply(reply)
                return True
            with self._lock:
                if self._webhook is not wh:
                    return False
            if attempt < self.webhook_max_attempts:
                await asyncio.sleep(self._webhook_delay(attempt))
        return False

    def _webhook_reply(self, reply: dict[str, Any]) -> None:
        """A method call answered in the webhook response body (a real Bot API feature)."""
        params = {k: v for k, v in reply.items() if k != "method"}
        entry = self._methods.get(str(reply["method"]).lower())
        call = ApiCall(
            method=entry[0] if entry else str(reply["method"]),
            params=params,
            files={},
            time=time.time(),
            http_method="WEBHOOK_REPLY",
            content_type="application/json",
        )
        try:
            if entry is None or entry[0] == "getUpdates":
                raise ApiError(404, "Not Found")
            for key in JSON_FIELDS & params.keys():
                if isinstance(params[key], str):
                    params[key] = json.loads(params[key])
            result = entry[1](params, {})
            if isinstance(result, _WithDescription):
                result = result.result
            call.status, call.response = 200, {"ok": True, "result": result}
        except ApiError as exc:
            call.status, call.response = exc.code, exc.body()
        except ValueError:
            call.status = 400
        with self._cond:
            self._calls.append(call)
            self._cond.notify_all()


def _chat_key(update: dict[str, Any]) -> tuple[str, int]:
    """Which chat an update belongs to (its updates are delivered one at a time, in order);
    an update without a chat is its own key."""
    for kind, payload in update.items():
        if kind == "update_id" or not isinstance(payload, dict):
            continue
        for holder in (payload, payload.get("message")):
            if isinstance(holder, dict) and isinstance(holder.get("chat"), dict):
                chat_id = holder["chat"].get("id")
                if isinstance(chat_id, int):
                    return ("chat", chat_id)
        sender = payload.get("from")
        if isinstance(sender, dict) and isinstance(sender.get("id"), int):
            return ("chat", sender["id"])
    return ("update", int(update.get("update_id", 0)))


@dataclass
class _WithDescription:
    """A method result that also carries a top-level ``description`` (setWebhook...)."""

    result: Any
    description: str
