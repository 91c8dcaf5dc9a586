"""A bare python-telegram-bot echo bot: the baseline of ``bench_telegram``.

    TELEGRAM_BOT_TOKEN=... TELEGRAM_API_BASE_URL=http://127.0.0.1:PORT \\
        python3 -m tests.bench.echo_bot

One ``Application`` with PTB's defaults (long polling, updates handled one at a time) and
one ``MessageHandler`` that sends every text (commands included) back to its chat as a
new message. It is pointed at a Bot API server the way ``rapport serve`` is:
``base_url={base}/bot`` and ``base_file_url={base}/file/bot``. Stop it with Ctrl-C
(SIGINT).
"""

from __future__ import annotations

import os

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None or message.text is None:
        return
    await context.bot.send_message(message.chat_id, message.text)


def main() -> None:
    token = os.environ["TELEGRAM_BOT_TOKEN"]
    base = os.environ.get("TELEGRAM_API_BASE_URL", "https://api.telegram.org").rstrip("/")
    app = (
        Application.builder()
        .token(token)
        .base_url(f"{base}/bot")
        .base_file_url(f"{base}/file/bot")
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
