"""The chat service without Telegram: a check-back message after the practice is over."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from bot.store.db import make_engine
from bot.store.dispatcher import Dispatcher
from bot.store.practices import PracticeStore
from bot.store.schema import upgrade
from bot.telegram.replies import Reply
from bot.telegram.service import ChatService
from tests.conftest import T0


def say(service: ChatService, text: str, now: datetime) -> list[Reply]:
    """Telegram user 42's message in their chat, as the handlers hand it over."""
    return service.handle(42, 42, None, now, lambda visit: service.say(visit, text, now))


def test_the_message_after_a_check_back_reminder_reaches_the_finished_practice(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    upgrade(engine)
    store = PracticeStore(engine)
    service = ChatService(store)
    user = service.user(42, 42, T0)  # telegram id 42 in chat 42
    sid = store.start(
        user, "dana", now=T0, seed=1, minutes=20, scenario={"referrals": "undecided"}
    ).session_id
    for i, line in enumerate(
        [
            "Hi, I'm ready. How did you get started?",
            "Is there anyone else you'd suggest I talk to?",
            "Could I check back with you in a couple of days?",
            "Thank you, goodbye!",
        ]
    ):
        store.message(sid, line, T0 + timedelta(minutes=i), update_id=100 + i)
    assert store.load(sid).state == "done"
    assert say(service, "hello?", T0 + timedelta(hours=1))[0].html.startswith(
        "You have no practice"
    )
    later = T0 + timedelta(days=2, minutes=5)
    assert Dispatcher(store, lambda _d: None).run_once(later) == 1
    replies = say(service, "Hi Dana, checking back about those names.", later)
    names = store.flow.persona("dana").referrals[0].name
    assert any(names in r.html for r in replies)
    engine.dispose()
