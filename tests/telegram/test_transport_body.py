"""The Bot API transport's request bodies: JSON for a call without files (cheap to build,
and what the Bot API takes), multipart/form-data when a file goes along."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import web
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.telegram.transport import AiohttpRequest


async def _serve(seen: list[tuple[str, bytes]]) -> tuple[web.AppRunner, str]:
    async def handle(request: web.Request) -> web.Response:
        seen.append((request.content_type, await request.read()))
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_post("/{tail:.*}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}/bot123:abc"


def _data(**values: Any) -> RequestData:
    return RequestData([RequestParameter.from_input(k, v) for k, v in values.items()])


def test_a_call_without_files_is_sent_as_json_and_one_with_a_file_as_a_form() -> None:
    seen: list[tuple[str, bytes]] = []
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Ready", callback_data="chk:1:ready")]])

    async def main() -> None:
        runner, base = await _serve(seen)
        request = AiohttpRequest()
        await request.initialize()
        try:
            plain = _data(chat_id=7, text="héllo <b>you</b> & me", reply_markup=markup)
            status, _ = await request.do_request(f"{base}/sendMessage", "POST", plain)
            assert status == 200
            upload = _data(chat_id=7, document=InputFile(b"%PDF-", filename="a.pdf"))
            status, _ = await request.do_request(f"{base}/sendDocument", "POST", upload)
            assert status == 200
        finally:
            await request.shutdown()
            await runner.cleanup()

    asyncio.run(main())
    (json_type, json_body), (form_type, form_body) = seen
    assert json_type == "application/json"
    assert json.loads(json_body) == {
        "chat_id": 7,
        "text": "héllo <b>you</b> & me",
        "reply_markup": {"inline_keyboard": [[{"text": "Ready", "callback_data": "chk:1:ready"}]]},
    }
    assert form_type == "multipart/form-data"
    assert b"%PDF-" in form_body and b'name="chat_id"' in form_body
