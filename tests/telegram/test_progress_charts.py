"""/progress draws its chart off the event loop, one at a time per user: while a user's
chart is being drawn, their further /progress get "still drawing" (one chart for the lot)
and other users are answered without waiting for it.

The bot runs in this process (its event loop in a thread) against the fake Bot API, so
that drawing can be held: the real drawing function runs behind a gate the test opens.
Had the drawing been on the event loop, holding it would hold every answer, and the other
user's would never come."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from bot import charts
from bot.config import Settings
from bot.store.db import make_engine
from bot.store.outage import Health
from bot.store.schema import ensure_current
from bot.telegram.app import build_application, started
from bot.telegram.polling import Poller
from bot.telegram.progress import STILL_DRAWING
from tests.fake_telegram import FakeTelegram

WAIT = 30.0


@contextmanager
def bot_running(fake: FakeTelegram, db: Path) -> Iterator[None]:
    """The Telegram bot (long polling, SQLite), its event loop in a thread of its own."""
    settings = Settings(
        TELEGRAM_BOT_TOKEN=fake.token, TELEGRAM_API_BASE_URL=fake.url, TELEGRAM_SEND_RATE=0
    )
    engine = make_engine(f"sqlite:///{db}")
    ensure_current(engine)
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()

    async def serve() -> None:
        app = build_application(settings, engine, Health())
        async with started(app, stop):
            await app.bot.delete_webhook()
            await Poller(app, poll_seconds=1).run(stop)

    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),), daemon=True)
    thread.start()
    try:
        fake.wait_for(lambda: fake.calls("getUpdates"), WAIT)
        yield
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(WAIT)
        loop.close()
        engine.dispose()


class Gate:
    """The real chart drawing, held until ``release`` (whichever thread draws)."""

    def __init__(self) -> None:
        self.drawing = threading.Event()
        self.release = threading.Event()
        self.charts = 0
        self.real = charts.progress_png

    def __call__(self, *args: Any) -> bytes:
        self.charts += 1
        self.drawing.set()
        self.release.wait(WAIT * 3)
        return self.real(*args)


def test_a_users_charts_do_not_hold_up_another_users_practice(
    fake_telegram: FakeTelegram, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = fake_telegram
    gate = Gate()
    monkeypatch.setattr(charts, "progress_png", gate)
    with bot_running(fake, tmp_path / "bot.sqlite3"):
        try:
            ada, bo = fake.user(4501, "Ada"), fake.user(4502, "Bo")
            fake.send_command(ada, "/practice dana 20")
            fake.wait_for_text(ada.id, "booked for 20 minutes", WAIT)
            fake.send_text(ada, "Hello! I'm ready. How did you get started?")
            fake.send_command(ada, "/end")
            fake.wait_for_text(ada.id, "Scorecard", WAIT)

            fake.send_command(ada, "/progress")
            assert gate.drawing.wait(WAIT), "the chart was never drawn"
            for _ in range(3):  # asked again while it is being drawn
                fake.send_command(ada, "/progress")
            fake.wait_for(lambda: fake.texts(ada.id).count(STILL_DRAWING) == 3, WAIT)

            fake.send_command(bo, "/practice dana 20")  # meanwhile, another user practises
            fake.wait_for_text(bo.id, "booked for 20 minutes", WAIT)
            fake.send_text(bo, "Hello, I'm here for our meeting. How did you get started?")
            fake.wait_for(lambda: any("Dana is ready" in t for t in fake.texts(bo.id)), WAIT)
            assert not fake.sent(ada.id, kind="photo")  # Bo was answered before Ada's chart
        finally:
            gate.release.set()
        photo = fake.wait_for(lambda: (fake.sent(ada.id, kind="photo") or [None])[0], WAIT)
        assert photo.file is not None and photo.file.content.startswith(b"\x89PNG")
        assert "1 practice, latest score" in (photo.text or "")
        fake.send_command(ada, "/progress")  # drawn: the next one is drawn again
        fake.wait_for(lambda: len(fake.sent(ada.id, kind="photo")) == 2, WAIT)
        assert gate.charts == 2  # one for the four asked while drawing, one after
