"""Benchmark: does one user's /progress flood delay another user's answer?

    python3 -m tests.bench.bench_progress              # 40 /progress at once, 5 rounds
    python3 -m tests.bench.bench_progress --flood 80 --rounds 3

Prints figures only; it asserts nothing. The real ``python -m bot serve`` runs on a fresh
temporary SQLite database against the fake Bot API (``TELEGRAM_SEND_RATE=0``: the bot's
own capacity). Ada finishes three practices, so /progress has a chart to draw. Then, per
round: Bo's *quiet* round trip (``/help``, nothing else going on: the baseline), then
Ada sends ``--flood`` /progress at once and Bo sends ``/help`` right after them: Bo's
*flooded* round trip, and how many charts Ada got. The ratio flooded/quiet (medians) is
what matters (same machine, same run); a calibration loop is printed beside.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from tests.bench.bench_telegram import RAPPORT, start_bot, stop_bot
from tests.bench.figures import calibration_us
from tests.fake_telegram import FakeTelegram, User

WAIT = 120.0
HELP = "/practice: meet a contact"


def round_trip(fake: FakeTelegram, user: User, since: int) -> float:
    """Seconds from Bo's /help (sent now) to its answer."""
    sent = time.time()
    fake.send_command(user, "/help")
    reply = fake.wait_for(
        lambda: next((m for m in fake.sent_after(since) if HELP in (m.text or "")), None), WAIT
    )
    return reply.time - sent


def finish_practices(fake: FakeTelegram, ada: User, count: int) -> None:
    for n in range(1, count + 1):
        fake.send_command(ada, "/practice dana 20")
        fake.wait_for(lambda n=n: sum("booked" in t for t in fake.texts(ada.id)) >= n, WAIT)
        fake.send_text(ada, "Hello! I'm ready. How did you get started?")
        fake.send_command(ada, "/end")
        fake.wait_for(lambda n=n: sum("Scorecard" in t for t in fake.texts(ada.id)) >= n, WAIT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--flood", type=int, default=40, help="/progress Ada sends at once")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    quiet: list[float] = []
    flooded: list[float] = []
    charts: list[int] = []
    with tempfile.TemporaryDirectory() as tmp, FakeTelegram() as fake:
        proc = start_bot(fake, RAPPORT, Path(tmp), None)
        try:
            ada, bo = fake.user(7001, "Ada"), fake.user(7002, "Bo")
            finish_practices(fake, ada, 3)
            round_trip(fake, bo, len(fake.sent()))  # warm-up
            for _ in range(args.rounds):
                quiet.append(round_trip(fake, bo, len(fake.sent())))
                since = len(fake.sent())
                photos = len(fake.sent(ada.id, kind="photo"))
                for _ in range(args.flood):
                    fake.send_command(ada, "/progress")
                flooded.append(round_trip(fake, bo, since))
                # let the flood end (every /progress answered) before the next round
                fake.wait_for(
                    lambda since=since: (
                        sum(1 for m in fake.sent_after(since) if m.chat_id == ada.id) >= args.flood
                    ),
                    WAIT,
                )
                time.sleep(1.0)
                charts.append(len(fake.sent(ada.id, kind="photo")) - photos)
        finally:
            stop_bot(proc)
    q, f = statistics.median(quiet), statistics.median(flooded)
    print(f"calibration: {calibration_us():.0f} us")
    print(f"Bo's /help, quiet:   median {q * 1000:.0f} ms  ({listed(quiet)})")
    print(f"Bo's /help, flooded: median {f * 1000:.0f} ms  ({listed(flooded)})", end=" ")
    print(f"behind {args.flood} /progress of Ada's")
    print(f"flooded / quiet: {f / q:.1f}x; charts drawn per flood: {charts}")


def listed(seconds: list[float]) -> str:
    return ", ".join(f"{s * 1000:.0f}" for s in seconds)


if __name__ == "__main__":
    main()
