"""A fake Telegram Bot API server for tests, speaking the real wire protocol on loopback.

Cheat sheet::

    with FakeTelegram() as fake:                       # or the pytest_plugin fixture
        bot = fake.make_bot()                          # telegram.Bot(token, base_url=...)
        app = fake.application_builder().build()       # PTB Application, URLs preset
        alice = fake.user(1001, "Alice", username="alice")
        uid = fake.send_command(alice, "/start hi")    # -> update_id
        msg = fake.wait_for_text(alice.id, "Welcome")  # -> SentMessage (await *_async)
        fake.press_button(alice, msg, "yes")           # callback_query update
        fake.fail_next("sendMessage", 1, status=429, retry_after=3)

Inject: user, private_chat, group_chat, channel, send_text, send_command, send_sticker,
send_photo, send_voice, send_document, send_location, send_poll, edit_text, channel_post,
send_as_chat (anonymous admins, channels speaking in a group),
press_button, inject_update, duplicate, block/unblock, kick_bot, revoke_token.
Read: sent, messages, texts, last_sent, calls, commands, commands_for, callback_answer,
webhook_deliveries, webhook_url, pending_updates, update, uploaded_file, internal_errors,
wait_for / wait_for_text (+ _async variants).
Faults: fail_next (HTTP code, "timeout", "timeout_after", "disconnect"), slow, fail_ratio,
clear_faults; webhook: secret_override, webhook_max_attempts, webhook_backoff,
webhook_max_backoff, webhook_concurrency (parallel POSTs, one per chat at a time),
webhook_targets (round-robin over several replicas, like a load balancer).
webhook_deliveries_after(index) reads the delivery log incrementally;
accept_unknown_callbacks answers callback queries POSTed straight to the bot.
"""

from .entities import EntityParseError, parse_text, utf16_len
from .models import (
    ApiCall,
    CallbackAnswer,
    Chat,
    SentMessage,
    UploadedFile,
    User,
    WebhookDelivery,
)
from .server import ApiError, FakeTelegram, image_size, tiny_png

__all__ = [
    "ApiCall",
    "ApiError",
    "CallbackAnswer",
    "Chat",
    "EntityParseError",
    "FakeTelegram",
    "SentMessage",
    "UploadedFile",
    "User",
    "WebhookDelivery",
    "image_size",
    "parse_text",
    "tiny_png",
    "utf16_len",
]
