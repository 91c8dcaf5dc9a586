"""``rapport serve``: the Telegram bot (long polling, or ``--webhook``)."""

from __future__ import annotations

import argparse

from bot.cli.common import UsageError, load_settings
from bot.cli.database import open_database
from bot.late_notes import late_note_after


def cmd_serve(args: argparse.Namespace) -> int:
    settings = load_settings()
    if settings.telegram_bot_token is None:
        raise UsageError(
            "set TELEGRAM_BOT_TOKEN to your bot's token (from @BotFather) to run the "
            "Telegram bot, or use `rapport chat` to practise in the terminal"
        )
    if args.webhook and not (settings.webhook_url and settings.webhook_secret):
        raise UsageError("webhook mode needs WEBHOOK_URL and WEBHOOK_SECRET")
    from bot import logs
    from bot.voice.config import VoiceConfig

    try:
        voice = VoiceConfig.from_settings(settings)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if voice is not None:
        logs.keep_secret(voice.api_key)  # never in a log line, whatever its shape
    try:
        late_note_after()  # read again once the flow loads, in the background
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    db = open_database(settings.start_wait_seconds)
    # Only the bot needs python-telegram-bot: import it here, not for the terminal. (What
    # handles updates, the store among it, is set up once updates are being fetched.)
    if args.webhook:
        from bot.telegram.webhook import run_webhook

        run_webhook(settings, db)
    else:
        from bot.telegram.polling import run_polling

        run_polling(settings, db)
    return 0
