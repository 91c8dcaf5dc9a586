"""Outgoing messages keep to this replica's share of TELEGRAM_SEND_RATE."""

from __future__ import annotations

from collections.abc import Callable

from tests.fake_telegram import FakeTelegram
from tests.telegram.conftest import BotProcess

WAIT = 30.0


def busiest_second(times: list[float]) -> int:
    """The most messages sent within any one-second window."""
    times = sorted(times)
    return max(sum(1 for t in times[i:] if t - start < 1.0) for i, start in enumerate(times))


def test_a_burst_of_users_is_answered_within_the_replicas_share(
    fake_telegram: FakeTelegram, serve: Callable[..., BotProcess]
) -> None:
    fake = fake_telegram
    serve(TELEGRAM_SEND_RATE="8", RAPPORT_REPLICAS="2")  # this replica: 4 messages a second
    users = [fake.user(7000 + i, f"User {i}") for i in range(14)]
    for user in users:
        fake.send_command(user, "/help")
    fake.wait_for(lambda: all(fake.texts(u.id) for u in users), WAIT)
    sent = [m.time for m in fake.messages() if m.kind == "text"]
    assert len(sent) == len(users)  # each answered once: none lost to the limit
    assert busiest_second(sent) <= 4 + 1  # the share (a rounding of slack for the clock)
    assert max(sent) - min(sent) >= (len(users) - 4) / 4 * 0.9  # spread out, not bursted
