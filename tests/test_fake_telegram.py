"""The fake Telegram Bot API server, exercised with the real python-telegram-bot client."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from tests.fake_telegram import FakeTelegram, SentMessage, tiny_png
from tests.ports import free_port


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram(hang_seconds=3.0) as server:
        yield server
        assert not server.internal_errors, server.internal_errors[0]


def make_bot(fake: FakeTelegram, read_timeout: float = 5.0) -> Bot:
    return fake.make_bot(
        request=HTTPXRequest(read_timeout=read_timeout),
        get_updates_request=HTTPXRequest(read_timeout=read_timeout),
    )


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t, callback_data=d) for t, d in pairs]])


def raw_call(
    url: str, *, data: bytes | None = None, content_type: str | None = None
) -> tuple[int, dict[str, Any]]:
    """A stdlib HTTP call, to check the wire format without PTB in the way."""
    request = urllib.request.Request(url, data=data, method="POST" if data else "GET")
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=5) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


class Receiver:
    """A tiny stdlib webhook endpoint that records requests and can fail the first few."""

    def __init__(self, fail_first: int = 0, status: int = 200) -> None:
        self.requests: list[tuple[dict[str, str], dict[str, Any]]] = []
        self.fail_first = fail_first
        self.status = status
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.requests.append((dict(self.headers.items()), json.loads(body)))
                code = 500 if receiver.fail_first > 0 else receiver.status
                receiver.fail_first -= 1
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# ----------------------------------------------------------------------------- basics


def test_get_me_wrong_token_and_unknown_method(fake: FakeTelegram) -> None:
    async def scenario() -> None:
        async with make_bot(fake) as bot:
            me = await bot.get_me()
            assert me.is_bot and me.username == "rapport_test_bot"
            assert me.id == int(fake.token.split(":")[0])
        wrong = Bot("123:wrong", base_url=fake.base_url)
        with pytest.raises(InvalidToken):
            await wrong.get_me()

    asyncio.run(scenario())
    status, body = raw_call(f"{fake.api_url}/noSuchMethod")
    assert (status, body) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})
    status, body = raw_call(f"{fake.base_url}123:nope/getMe")
    assert (status, body) == (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    # Method names are case-insensitive and GET with a query string works, as on Telegram.
    status, body = raw_call(f"{fake.api_url}/getme")
    assert status == 200 and body["ok"] and body["result"]["is_bot"]


def test_json_and_form_bodies(fake: FakeTelegram) -> None:
    alice = fake.user(11, "Alice")
    fake.send_text(alice, "hi")
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    status, body = raw_call(
        f"{fake.api_url}/sendMessage",
        data=json.dumps({"chat_id": 11, "text": "json body", "reply_markup": markup}).encode(),
        content_type="application/json",
    )
    assert status == 200 and body["result"]["reply_markup"] == markup
    form = urllib.parse.urlencode(
        {"chat_id": "11", "text": "form body", "reply_markup": json.dumps(markup)}
    ).encode()
    status, body = raw_call(
        f"{fake.api_url}/sendMessage",
        data=form,
        content_type="application/x-www-form-urlencoded",
    )
    assert status == 200 and body["result"]["text"] == "form body"
    assert [m.reply_markup for m in fake.messages(11)] == [markup, markup]
    assert [c.content_type for c in fake.calls("sendMessage")] == [
        "application/json",
        "application/x-www-form-urlencoded",
    ]


def test_send_message_html_and_validation(fake: FakeTelegram) -> None:
    alice = fake.user(1001, "Alice", username="alice")
    fake.send_command(alice, "/start")

    async def scenario() -> None:
        async with make_bot(fake) as bot:
            msg = await bot.send_message(
                alice.id,
                "<b>Hello</b> &amp; <i>welcome</i>, "
                '<a href="https://example.com">read</a> <tg-spoiler>x</tg-spoiler>',
                parse_mode=ParseMode.HTML,
            )
            assert msg.text == "Hello & welcome, read x"
            assert [e.type for e in msg.entities] == ["bold", "italic", "text_link", "spoiler"]
            assert msg.text_html.startswith("<b>Hello</b> &amp; <i>welcome</i>")

            await bot.send_message(alice.id, "x" * 4096)  # exactly the limit is fine
            with pytest.raises(BadRequest, match=r"(?i)too long"):
                await bot.send_message(alice.id, "x" * 4097)
            # Markup doesn't count towards the limit: the parsed text does.
            await bot.send_message(alice.id, "<b>" + "y" * 4096 + "</b>", parse_mode="HTML")
            # The limit counts characters (code points), so 4096 emoji still fit.
            await bot.send_message(alice.id, "😀" * 4096)
            with pytest.raises(BadRequest, match=r"(?i)too long"):
                await bot.send_message(alice.id, "😀" * 4097)

            for bad in ("a < b", "<b>open", "<b><i>x</b></i>", "<div>x</div>", "</b>", "<br/>"):
                with pytest.raises(BadRequest, match=r"(?i)parse entities"):
                    await bot.send_message(alice.id, bad, parse_mode=ParseMode.HTML)
            with pytest.raises(BadRequest, match=r"(?i)parse entities"):
                await bot.send_message(alice.id, "1.5 points!", parse_mode=ParseMode.MARKDOWN_V2)
            await bot.send_message(alice.id, r"*1\.5* points\!", parse_mode=ParseMode.MARKDOWN_V2)
            with pytest.raises(BadRequest, match=r"(?i)text is empty"):
                await bot.send_message(alice.id, "   ")
            with pytest.raises(BadRequest, match=r"(?i)chat not found"):
                await bot.send_message(999_999, "who?")
            with pytest.raises(BadRequest, match=r"(?i)chat not found"):
                await bot.send_message(fake.user(5, "Stranger").id, "never wrote to us")

    asyncio.run(scenario())
    texts = fake.texts(alice)
    assert texts[0] == "Hello & welcome, read x"
    assert fake.sent(alice)[0].source_text is not None
    assert "<b>Hello</b>" in (fake.sent(alice)[0].source_text or "")
    assert texts[-1] == "1.5 points!"
    assert fake.wait_for_text(alice.id, "welcome", timeout=0.1).message_id == 2


def test_inline_keyboard_and_callback_round_trip(fake: FakeTelegram) -> None:
    alice = fake.user(1001, "Alice")
    presses: list[int] = []

    async def scenario() -> None:
        async with make_bot(fake) as bot:
            first = fake.send_command(alice, "/start practice")
            updates = await bot.get_updates(timeout=1)
            assert [u.update_id for u in updates] == [first]
            message = updates[0].message
            assert message is not None and message.text == "/start practice"
            assert message.entities[0].type == "bot_command"

            sent = await bot.send_message(
                alice.id,
                "Ready?",
                reply_markup=keyboard(("Yes", "yes"), ("No", "no")),
                reply_to_message_id=message.message_id,
            )
            assert sent.reply_to_message is not None
            assert sent.reply_to_message.message_id == message.message_id

            pressed = fake.press_button(alice, fake.last_sent(alice) or sent.message_id, "yes")
            presses.append(pressed)
            updates = await bot.get_updates(offset=first + 1, timeout=1)
            assert [u.update_id for u in updates] == [pressed]
            query = updates[0].callback_query
            assert query is not None and query.data == "yes"
            assert query.from_user.id == alice.id
            assert query.message is not None and query.message.message_id == sent.message_id
            await query.answer("Noted")
            with pytest.raises(BadRequest, match=r"(?i)query is too old"):
                await query.answer("twice")

            await bot.edit_message_text(
                "Great, let's go", chat_id=alice.id, message_id=sent.message_id
            )
            with pytest.raises(BadRequest, match=r"(?i)not modified"):
                await bot.edit_message_text(
                    "Great, let's go", chat_id=alice.id, message_id=sent.message_id
                )
            await bot.edit_message_reply_markup(
                alice.id, sent.message_id, reply_markup=keyboard(("Done", "done"))
            )
            with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
                await bot.edit_message_text("x", chat_id=alice.id, message_id=999)
            # The confirmed updates are gone.
            assert await bot.get_updates(offset=pressed + 1, timeout=0) == ()

    asyncio.run(scenario())
    answer = fake.callback_answer(presses[0])
    assert answer is not None and answer.answered and answer.text == "Noted"
    (msg,) = fake.messages(alice)
    assert msg.text == "Great, let's go"
    assert [e["text"] for e in msg.edits] == ["Ready?", "Great, let's go"]
    assert msg.callback_data == ["done"]
    with pytest.raises(ValueError, match=r"(?i)no button"):
        fake.press_button(alice, msg, "yes")


def test_uploads_keep_bytes_and_filenames(fake: FakeTelegram) -> None:
    alice = fake.user(1001, "Alice")
    fake.send_text(alice, "send me the notes")
    png = tiny_png(64, 48)

    async def scenario() -> None:
        async with make_bot(fake) as bot:
            doc = await bot.send_document(
                alice.id,
                b"line 1\nline 2\n",
                filename="notes.md",
                caption="<b>Notes</b>",
                parse_mode="HTML",
            )
            assert doc.document is not None and doc.document.file_name == "notes.md"
            assert doc.caption == "Notes"
            photo = await bot.send_photo(alice.id, png, caption="chart")
            assert photo.photo[-1].width == 64 and photo.photo[-1].height == 48
            with pytest.raises(BadRequest, match=r"(?i)IMAGE_PROCESS_FAILED"):
                await bot.send_photo(alice.id, b"not an image")
            # Re-sending by file_id reuses the stored file.
            again = await bot.send_document(alice.id, doc.document.file_id)
            assert again.document is not None
            # Files the user sent can be downloaded through base_file_url.
            fake.send_document(alice, "cv.pdf", b"%PDF-1.4 fake", mime_type="application/pdf")
            updates = await bot.get_updates(timeout=1)
            user_doc = updates[-1].message.document  # type: ignore[union-attr]
            assert user_doc is not None and user_doc.mime_type == "application/pdf"
            downloaded = await (await bot.get_file(user_doc.file_id)).download_as_bytearray()
            assert bytes(downloaded) == b"%PDF-1.4 fake"

    asyncio.run(scenario())
    doc_msg, photo_msg, again_msg = fake.messages(alice)
    assert doc_msg.kind == "document" and doc_msg.file is not None
    assert doc_msg.file.content == b"line 1\nline 2\n"
    assert doc_msg.file.filename == "notes.md" and doc_msg.caption == "Notes"
    assert photo_msg.kind == "photo" and photo_msg.file is not None
    assert photo_msg.file.content == png
    assert again_msg.file is not None and again_msg.file.source == "file_id"
    assert again_msg.file.content == b"line 1\nline 2\n"
    (upload_call,) = fake.calls("sendPhoto")[:1]
    assert upload_call.content_type == "multipart/form-data"


# ------------------------------------------------------------------------------ faults


@pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning")
def test_faults_map_to_ptb_errors(fake: FakeTelegram) -> None:
    alice = fake.user(1001, "Alice")
    fake.send_text(alice, "hi")

    async def scenario() -> None:
        async with make_bot(fake, read_timeout=0.5) as bot:
            fake.fail_next("sendMessage", 2, status=429, retry_after=7)
            for _ in range(2):
                with pytest.raises(RetryAfter) as info:
                    await bot.send_message(alice.id, "hello")
                retry_after = info.value.retry_after
                if isinstance(retry_after, timedelta):
                    retry_after = int(retry_after.total_seconds())
                assert retry_after == 7
            fake.fail_next("sendMessage", status=502)
            with pytest.raises(NetworkError, match=r"(?i)Bad Gateway"):
                await bot.send_message(alice.id, "hello")
            fake.fail_next("sendMessage", status=500)
            with pytest.raises(TelegramError):
                await bot.send_message(alice.id, "hello")
            fake.fail_next("*", status="disconnect")
            with pytest.raises(NetworkError):
                await bot.send_chat_action(alice.id, ChatAction.TYPING)
            fake.fail_next("sendMessage", status="timeout")
            started = time.monotonic()
            with pytest.raises(TimedOut):
                await bot.send_message(alice.id, "lost")
            assert time.monotonic() - started < 2.5
            # "timeout_after": Telegram did the work but the answer never arrived.
            fake.fail_next("sendMessage", status="timeout_after")
            with pytest.raises(TimedOut):
                await bot.send_message(alice.id, "delivered anyway")
            # slow(): the answer comes late - a client timeout, then normal service.
            fake.slow("sendMessage", 1.0, n=1)
            with pytest.raises(TimedOut):
                await bot.send_message(alice.id, "too slow")
            fake.slow("sendMessage", 0.2, n=1)
            await bot.send_message(alice.id, "slow but fine")
            await bot.send_message(alice.id, "ok")

    asyncio.run(scenario())
    assert fake.texts(alice) == ["delivered anyway", "slow but fine", "ok"]
    faults = [c.fault for c in fake.calls("sendMessage") if c.fault]
    assert faults[:5] == ["429", "429", "502", "500", "timeout"]
    assert [c.status for c in fake.calls("sendMessage")][:4] == [429, 429, 502, 500]


@pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning")
def test_fail_ratio_is_seeded_and_spares_get_updates(fake: FakeTelegram) -> None:
    alice = fake.user(1001, "Alice")
    fake.send_text(alice, "hi")

    async def run_once() -> list[str]:
        outcomes: list[str] = []
        async with make_bot(fake) as bot:
            fake.fail_ratio(0.5, statuses=(429, 502), seed=42, retry_after=1)
            for i in range(30):
                try:
                    await bot.send_message(alice.id, f"m{i}")
                    outcomes.append("ok")
                except RetryAfter:
                    outcomes.append("429")
                except NetworkError:
                    outcomes.append("502")
            for _ in range(10):
                await bot.get_updates(timeout=0)
            fake.fail_ratio(0)
        return outcomes

    first = asyncio.run(run_once())
    second = asyncio.run(run_once())
    assert first == second  # same seed, same sequence
    assert 5 < first.count("ok") < 25 and "429" in first and "502" in first
    assert all(c.ok for c in fake.calls("getUpdates"))


def test_blocked_user_and_kicked_group(fake: FakeTelegram) -> None:
    alice = fake.user(1001, "Alice")
    group = fake.group_chat("Study group")
    fake.send_text(alice, "hi")
    fake.send_text(alice, "hi all", chat=group)

    async def scenario() -> None:
        async with make_bot(fake) as bot:
            await bot.send_message(group.id, "hello group")
            fake.block(alice)
            with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
                await bot.send_message(alice.id, "are you there?")
            with pytest.raises(Forbidden):
                await bot.send_chat_action(alice.id, ChatAction.TYPING)
            fake.kick_bot(group)
            with pytest.raises(Forbidden, match=r"(?i)kicked"):
                await bot.send_message(group.id, "hello?")
            fake.send_text(alice, "I'm back")  # writing to the bot again unblocks it
            await bot.send_message(alice.id, "welcome back")

    asyncio.run(scenario())
    assert fake.texts(alice) == ["welcome back"]
    assert fake.texts(group) == ["hello group"]


# ---------------------------------------------------------------------------- updates


def test_get_updates_semantics_and_realistic_payloads(fake: FakeTelegram) -> None:
    alice = fake.user(1001, "Alice", username="alice")
    group = fake.group_chat("Cohort", supergroup=True)
    news = fake.channel("News", username="news")

    async def scenario() -> None:
        async with make_bot(fake) as bot:
            ids = [
                fake.send_text(alice, "plain"),
                fake.send_sticker(alice),
                fake.send_photo(alice, caption="look"),
                fake.send_voice(alice, duration=4),
                fake.send_document(alice, "a.txt", b"abc"),
                fake.send_location(alice),
                fake.send_poll(alice, "Tea or coffee?", ["Tea", "Coffee"]),
                fake.send_command(alice, "/help", chat=group),
                fake.channel_post(news, "Breaking"),
            ]
            edit = fake.edit_text(ids[0], "plain (edited)")
            updates = await bot.get_updates(timeout=0)
            assert [u.update_id for u in updates] == [*ids, edit]
            m = [u.effective_message for u in updates]
            assert m[0] is not None and m[0].text == "plain"
            assert m[1] is not None and m[1].sticker is not None and m[1].sticker.emoji
            assert m[2] is not None and m[2].photo and m[2].caption == "look"
            assert m[3] is not None and m[3].voice is not None
            assert fake.update(ids[3])["message"]["voice"]["duration"] == 4
            assert m[4] is not None and m[4].document is not None
            assert m[5] is not None and m[5].location is not None
            assert m[6] is not None and m[6].poll is not None
            assert [o.text for o in m[6].poll.options] == ["Tea", "Coffee"]
            assert m[7] is not None and m[7].chat.type == "supergroup"
            assert updates[8].channel_post is not None
            assert updates[8].channel_post.chat.username == "news"
            assert updates[9].edited_message is not None
            assert updates[9].edited_message.text == "plain (edited)"
            assert updates[9].edited_message.message_id == m[0].message_id

            # Without an offset the same (unconfirmed) updates come again.
            assert len(await bot.get_updates(timeout=0)) == 10
            # limit, then confirming with offset drops them for good.
            assert [u.update_id for u in await bot.get_updates(limit=2)] == ids[:2]
            assert len(await bot.get_updates(offset=ids[5])) == 5
            # Negative offset keeps only the last -offset updates.
            assert [u.update_id for u in await bot.get_updates(offset=-1)] == [edit]
            assert await bot.get_updates(offset=edit + 1) == ()

            # Long polling returns as soon as an update arrives.
            loop = asyncio.get_running_loop()
            loop.call_later(0.3, fake.send_text, alice, "late")
            started = time.monotonic()
            updates = await bot.get_updates(offset=edit + 1, timeout=5)
            assert 0.2 < time.monotonic() - started < 3
            assert updates[0].message is not None and updates[0].message.text == "late"

            # allowed_updates filters updates created afterwards.
            last = updates[0].update_id
            await bot.get_updates(offset=last + 1, allowed_updates=["callback_query"])
            fake.send_text(alice, "filtered out")
            assert await bot.get_updates(offset=last + 1, timeout=0) == ()
            await bot.get_updates(allowed_updates=[])

            # A second long poll terminates the first one with 409 Conflict.
            first_poll = asyncio.ensure_future(bot.get_updates(timeout=3))
            await asyncio.sleep(0.3)
            await bot.get_updates(timeout=0)
            with pytest.raises(Conflict, match=r"(?i)terminated by other getUpdates"):
                await first_poll

    asyncio.run(scenario())


def test_duplicate_update_is_delivered_twice(fake: FakeTelegram) -> None:
    alice = fake.user(1001, "Alice")

    async def scenario() -> None:
        async with make_bot(fake) as bot:
            uid = fake.send_text(alice, "once")
            (update,) = await bot.get_updates(timeout=1)
            fake.duplicate(uid)
            (again,) = await bot.get_updates(offset=uid + 1, timeout=1)
            assert again.update_id == update.update_id == uid
            assert again.message is not None and again.message.text == "once"
            assert await bot.get_updates(offset=uid + 1, timeout=0) == ()

    asyncio.run(scenario())


def test_ptb_application_polling_end_to_end(fake: FakeTelegram) -> None:
    alice = fake.user(1001, "Alice")
    seen: list[int] = []

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat is not None and update.effective_message is not None
        seen.append(update.update_id)
        await context.bot.send_chat_action(update.effective_chat.id, ChatAction.TYPING)
        await update.effective_message.reply_html(
            f"<b>Hi {update.effective_chat.first_name}!</b> Ready?",
            reply_markup=keyboard(("Go", "go")),
        )

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer()
        await query.edit_message_text(f"You chose {query.data}")

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        seen.append(update.update_id)
        await update.effective_message.reply_text(f"echo: {update.effective_message.text}")

    async def scenario() -> None:
        app = fake.application_builder().build()
        app.add_handler(CommandHandler("start", start))
        app.add_handler(CallbackQueryHandler(button))
        app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
        async with app:
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0.0, timeout=1)
            await app.bot.set_my_commands([BotCommand("start", "Begin a practice")])

            fake.send_command(alice, "/start")
            msg = await fake.wait_for_text_async(alice.id, "Ready?")
            assert msg.parse_mode == "HTML" and msg.text == "Hi Alice! Ready?"
            pressed = fake.press_button(alice, msg, "go")
            await fake.wait_for_text_async(alice.id, "You chose go")
            answer = fake.callback_answer(pressed)
            assert answer is not None and answer.answered

            uid = fake.send_text(alice, "ping")
            await fake.wait_for_async(lambda: seen.count(uid) == 1)
            fake.duplicate(uid)
            await fake.wait_for_async(lambda: seen.count(uid) == 2)

            await app.updater.stop()
            await app.stop()

    asyncio.run(scenario())
    assert fake.commands == [{"command": "start", "description": "Begin a practice"}]
    kinds = [m.kind for m in fake.sent(alice)]
    assert kinds[:2] == ["chat_action", "text"]
    assert fake.texts(alice) == ["You chose go", "echo: ping", "echo: ping"]


# ---------------------------------------------------------------------------- webhook


def test_webhook_posts_updates_with_secret_and_retries(fake: FakeTelegram) -> None:
    alice = fake.user(1001, "Alice")
    receiver = Receiver(fail_first=2)
    try:

        async def scenario() -> None:
            async with make_bot(fake) as bot:
                fake.send_text(alice, "queued before the webhook")
                assert await bot.set_webhook(receiver.url, secret_token="s3cr3t-token")
                info = await bot.get_webhook_info()
                assert info.url == receiver.url
                with pytest.raises(Conflict, match=r"(?i)webhook is active"):
                    await bot.get_updates()
                uid = fake.send_text(alice, "hello webhook")
                await fake.wait_for_async(
                    lambda: any(d.delivered and d.update_id == uid for d in fake.webhook_deliveries)
                )
                info = await bot.get_webhook_info()
                assert info.pending_update_count == 0
                assert info.last_error_message is not None and "500" in info.last_error_message

                fake.secret_override = "wrong"
                fake.send_text(alice, "with a wrong secret")
                await fake.wait_for_async(lambda: len(receiver.requests) == 5)
                fake.secret_override = ""
                fake.send_text(alice, "without a secret")
                await fake.wait_for_async(lambda: len(receiver.requests) == 6)
                fake.secret_override = None

                assert await bot.delete_webhook()
                left = fake.send_text(alice, "back to polling")
                (update,) = await bot.get_updates(timeout=1)
                assert update.update_id == left

        asyncio.run(scenario())
    finally:
        receiver.close()

    headers = [h.get("X-Telegram-Bot-Api-Secret-Token") for h, _ in receiver.requests]
    assert headers == ["s3cr3t-token"] * 4 + ["wrong", None]
    bodies = [b["message"]["text"] for _, b in receiver.requests]
    assert bodies == [
        "queued before the webhook",  # failed twice (500), then delivered
        "queued before the webhook",
        "queued before the webhook",
        "hello webhook",
        "with a wrong secret",
        "without a secret",
    ]
    statuses = [d.status for d in fake.webhook_deliveries]
    assert statuses == [500, 500, 200, 200, 200, 200]


def test_webhook_into_ptb_webhook_server(fake: FakeTelegram) -> None:
    """PTB's own webhook server (tornado) checks the secret; wrong secrets get 403."""
    alice = fake.user(1001, "Alice")
    port = free_port()
    fake.webhook_max_attempts = 2

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"got {update.effective_message.text}")

    async def scenario() -> None:
        app = fake.application_builder().build()
        app.add_handler(MessageHandler(filters.TEXT, echo))
        async with app:
            await app.start()
            assert app.updater is not None
            await app.updater.start_webhook(
                listen="127.0.0.1",
                port=port,
                url_path="tg",
                webhook_url=f"http://127.0.0.1:{port}/tg",
                secret_token="right-secret",
            )
            fake.send_text(alice, "hello")
            await fake.wait_for_text_async(alice.id, "got hello")
            fake.secret_override = "not-the-secret"
            uid = fake.send_text(alice, "forged")
            await fake.wait_for_async(
                lambda: (
                    [d.status for d in fake.webhook_deliveries if d.update_id == uid] == [403, 403]
                )
            )
            await app.updater.stop()
            await app.stop()

    asyncio.run(scenario())
    assert fake.texts(alice) == ["got hello"]
    assert fake.calls("setWebhook")[0].params["secret_token"] == "right-secret"


# ------------------------------------------------------------------------------ misc


def test_commands_actions_and_deletes(fake: FakeTelegram) -> None:
    alice = fake.user(1001, "Alice")
    fake.send_text(alice, "hi")

    async def scenario() -> None:
        async with make_bot(fake) as bot:
            assert await bot.set_my_commands(
                [BotCommand("start", "Start"), BotCommand("coach", "Get feedback")]
            )
            assert [c.command for c in await bot.get_my_commands()] == ["start", "coach"]
            with pytest.raises(BadRequest):
                await bot.set_my_commands([BotCommand("Bad Command", "x")])
            assert await bot.send_chat_action(alice.id, ChatAction.TYPING)
            with pytest.raises(BadRequest, match=r"(?i)action"):
                await bot.send_chat_action(alice.id, "dancing")
            msg = await bot.send_message(alice.id, "temporary")
            assert await bot.delete_message(alice.id, msg.message_id)
            with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
                await bot.delete_message(alice.id, msg.message_id)
            assert await bot.close()
            assert await bot.log_out()

    asyncio.run(scenario())
    assert fake.commands is not None
    assert [c["command"] for c in fake.commands] == ["start", "coach"]
    (action,) = fake.sent(alice, kind="chat_action")
    assert action.action == "typing" and action.message_id is None
    (deleted,) = fake.sent(alice, kind="text")
    assert deleted.deleted and fake.messages(alice) == []


def test_wait_for_times_out_with_a_summary(fake: FakeTelegram) -> None:
    started = time.monotonic()
    with pytest.raises(TimeoutError, match=r"(?i)never said"):
        fake.wait_for_text(None, "never said", timeout=0.2)
    assert time.monotonic() - started < 1.5


def test_wait_for_text_from_another_thread(fake: FakeTelegram) -> None:
    alice = fake.user(1001, "Alice")
    fake.send_text(alice, "hi")
    found: list[SentMessage] = []

    def waiter() -> None:
        found.append(fake.wait_for_text(alice.id, "later", timeout=5))

    thread = threading.Thread(target=waiter)
    thread.start()

    async def scenario() -> None:
        async with make_bot(fake) as bot:
            await asyncio.sleep(0.2)
            await bot.send_message(alice.id, "a bit later")

    asyncio.run(scenario())
    thread.join(5)
    assert found and found[0].text == "a bit later"


def test_a_server_root_with_a_path_names_the_caller(fake: FakeTelegram) -> None:
    """Several bot processes on one fake (the reliability suite's replicas) each use the
    root ``<url>/<name>``: what each sent says who sent it."""
    user = fake.user(2001, "Bea")
    fake.send_command(user, "/start")

    async def scenario() -> None:
        for name in ("replica1", "replica2"):
            bot = Bot(fake.token, base_url=f"{fake.url_for(name)}/bot")
            async with bot:
                await bot.send_message(user.id, f"from {name}")
        async with make_bot(fake) as bot:
            await bot.send_message(user.id, "from the root")

    asyncio.run(scenario())
    assert [(m.text, m.caller) for m in fake.messages(user.id)] == [
        ("from replica1", "replica1"),
        ("from replica2", "replica2"),
        ("from the root", ""),
    ]
    assert {c.caller for c in fake.calls("sendMessage")} == {"replica1", "replica2", ""}
    status, _ = raw_call(f"{fake.url}/somewhere/bot{fake.token}/getMe")  # a path not given out
    assert status == 404
