"""Benchmark: updates per second and round trips of the real bot, over the Bot API wire.

    python3 -m tests.bench.bench_telegram                       # 200 chats, 8 lines each
    python3 -m tests.bench.bench_telegram --chats 50 --lines 4  # a smaller run
    python3 -m tests.bench.bench_telegram [--single N] [--only echo|rapport] [--profile]

Prints figures only; it asserts nothing. Two bots run in turn as subprocesses, each
against its own fake Bot API server (``tests/fake_telegram``, real HTTP on loopback),
pointed at it exactly as in production (``TELEGRAM_API_BASE_URL``, long polling):

* ``echo``: a bare python-telegram-bot Application with one MessageHandler sending every
  text back (``tests/bench/echo_bot.py``): the floor PTB and the fake set;
* ``rapport``: the real ``python -m bot serve`` on a fresh temporary SQLite database (with
  ``--postgresql``: on a reset schema of ``RAPPORT_TEST_DATABASE_URL``, DROPPED first), with
  ``TELEGRAM_SEND_RATE=0`` (no outgoing limit, like the echo bot: the bot's own capacity
  is measured, not Telegram's flood limit).

Each chat plays one practice: ``/practice ID 20``, the first ``--lines`` user lines of a
script from ``tests/scripts`` (``@wait`` and ``#`` lines skipped; chat i gets script
i mod 8 and contact i mod 5; a script shorter than that gets questions from the middle of
the others before its last line), then ``/end``. The echo bot gets the same messages. A
chat injects its next message only when the reply to the previous one has arrived, and
``--chats`` chats run at once (one driver thread watching the fake's log of sent
messages, no think time: a closed loop that keeps the bot saturated).

The *reply* to a user message is the first bot message (not chat action) in that chat
recorded after the injection: the contact's answer, the scorecard. An answer that ends a
practice sends the scorecard as a message of its own after the contact's last lines, and
Rapport handles one chat's updates one at a time, so a scorecard that lands after the
next injection is the tail of the previous answer, not the next one's reply (Rapport
shows "typing..." only for an answer that takes a while, so there is no typing action to
count answers by). *Round trip* = the time the fake
recorded that reply minus the injection time (both ``time.time()`` in this process).
*Updates per second* = user messages / (last expected reply - first injection).

Both bots run at once, each against its own fake. Per bot: a warm-up practice (its first
round trip is printed: what the first user after a restart waits; not counted
otherwise); then the *single-message* runs: one chat, ``--single`` messages in sequence
(a practice after another), nothing else going on, first with the two bots *taking
turns* message by message (so a busy or quiet spell of the shared machine falls on both
alike: run one after the other, the ratio swung between 1.7x and 3.2x; each message also
finds its bot idle, as a person's next message does), then *back to back* per bot
(printed for comparison); then each bot's concurrent run, one bot at a time. CPU use of
the bot process and of this process (the fake servers plus the driver, sharing one
interpreter) is printed beside, and the Bot API calls per user message, to show where
the time goes on a 2-core machine.

Targets: Rapport throughput >= half the echo bot's; Rapport p99 (single-message, bots
taking turns) round trip <= 2x the echo bot's. The ratios are printed for the single
chat (back to back too) and for the concurrent run. A calibration loop is timed in the
same run so figures from a busy, shared machine can be compared. ``--profile`` runs the
Rapport bot under cProfile (its main thread: the event loop, where the SQLite work runs
too) and prints the top functions. ``BENCH_WRAP`` prefixes the bots' command line, e.g.
to sample every thread:
``BENCH_WRAP="py-spy record -f raw -o spy.txt --" python3 -m tests.bench.bench_telegram``.
"""

from __future__ import annotations

import argparse
import os
import pstats
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text as sql

from bot.store.db import make_engine
from bot.store.schema import upgrade
from tests.bench.figures import calibration_us, pct
from tests.fake_telegram import FakeTelegram, User
from tests.workload import script_lines

ROOT = Path(__file__).resolve().parents[2]
PG_ENV = "RAPPORT_TEST_DATABASE_URL"
PERSONAS = ROOT / "flows" / "personas"
MINUTES = 20
READY_TIMEOUT_S = 60.0
THROUGHPUT_TARGET = 0.5
"""Rapport's updates per second over the echo bot's: at least this."""
SCORECARD = "Scorecard:"
"""How a scorecard message begins (a scorecard split in two would leave its second part
uncounted as a tail; none is that long in this workload)."""
P99_TARGET = 2.0
"""Rapport's p99 round trip over the echo bot's: at most this."""


@dataclass(frozen=True)
class BotSpec:
    name: str
    module: str
    args: tuple[str, ...]
    scorecard_tails: bool
    """A scorecard is always the end of an answer (used to tell replies apart)."""


ECHO = BotSpec("echo", "tests.bench.echo_bot", (), scorecard_tails=False)
RAPPORT = BotSpec("rapport", "bot", ("serve",), scorecard_tails=True)


@dataclass
class ChatRun:
    user: User
    messages: list[str]
    sent: int = 0
    """Messages injected so far."""
    injected_at: float = 0.0
    waiting: bool = False
    latencies: list[float] = field(default_factory=list)
    last_reply: float = 0.0
    late_tails: int = 0
    """Bot messages that came after an injection but belonged to the previous answer."""


@dataclass
class DriveResult:
    messages: int
    replies: int
    wall_s: float
    latencies: list[float]
    stuck: int
    late_tails: int
    bot_cpu_s: float | None
    own_cpu_s: float
    calls: Counter[str]
    main_cpu_s: float | None = None
    """The bot's own process alone (bot_cpu_s counts its children too)."""
    by_chat: dict[int, list[float]] = field(default_factory=dict)
    """Each chat's round trips (tests/bench/bench_voice.py compares groups of chats)."""

    @property
    def rate(self) -> float:
        return self.replies / self.wall_s if self.wall_s > 0 else 0.0


@dataclass
class BotResult:
    spec: BotSpec
    warm: DriveResult
    single: DriveResult
    """The bots taking turns, message by message (the target's measure)."""
    back_to_back: DriveResult
    """This bot alone, each message as soon as the last was answered (it stays hot)."""
    concurrent: DriveResult
    startup_s: float
    profile: str = ""


# ------------------------------------------------------------------------------ workload


def personas() -> list[str]:
    return sorted(p.stem for p in PERSONAS.glob("*.yaml"))


def practice(index: int, lines: int, scripts: list[list[str]], contacts: list[str]) -> list[str]:
    """The messages of practice number ``index``: /practice, script lines, /end."""
    contact = contacts[index % len(contacts)]
    own = scripts[index % len(scripts)]
    said = own[:lines]
    if len(own) < lines:  # a short script: more questions from the others' middles
        others = [
            line
            for step in range(1, len(scripts))
            for line in scripts[(index + step) % len(scripts)][1:-1]
        ]
        said = [*own[:-1], *others[: lines - len(own)], own[-1]]
    return [f"/practice {contact} {MINUTES}", *said, "/end"]


# ------------------------------------------------------------------------------ the bot


def proc_cpu_s(pid: int, children: bool = True) -> float | None:
    """User + system CPU seconds of a process (all its threads) and of its children (the
    model voice's worker process: running, or ended and waited for; not with
    ``children=False``), from /proc (Linux)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    if not children:
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    seconds = sum(int(fields[i]) for i in (11, 12, 13, 14)) / os.sysconf("SC_CLK_TCK")
    return seconds + sum(proc_cpu_s(child) or 0.0 for child in _children(pid))


def _children(pid: int) -> list[int]:
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return []
    found: list[int] = []
    for task in tasks:
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def start_bot(
    fake: FakeTelegram, spec: BotSpec, workdir: Path, profile: Path | None, pg: bool = False
) -> subprocess.Popen[bytes]:
    database = f"sqlite:///{workdir / 'bench.sqlite3'}"
    if pg:  # a freshly reset, migrated schema of RAPPORT_TEST_DATABASE_URL
        database = os.environ[PG_ENV]
        engine = make_engine(database)
        with engine.begin() as connection:
            connection.execute(sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade(engine)
        engine.dispose()
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_BASE_URL": fake.url,
        "DATABASE_URL": database,
        "TELEGRAM_SEND_RATE": "0",  # the bot's own capacity, not Telegram's flood limit
    }
    runner = [*os.environ.get("BENCH_WRAP", "").split(), sys.executable]
    if profile is not None:
        runner += ["-m", "cProfile", "-o", str(profile)]
    log = (workdir / f"{spec.name}.log").open("ab")
    proc = subprocess.Popen(
        [*runner, "-m", spec.module, *spec.args],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    deadline = time.monotonic() + READY_TIMEOUT_S
    while not fake.calls("getUpdates"):  # polling has begun: post_init is done
        if proc.poll() is not None or time.monotonic() > deadline:
            stop_bot(proc)
            text = (workdir / f"{spec.name}.log").read_text(errors="replace")
            raise RuntimeError(f"the {spec.name} bot did not start:\n{text[-3000:]}")
        time.sleep(0.05)
    return proc


def stop_bot(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


# ------------------------------------------------------------------------------ driving


def inject(fake: FakeTelegram, chat: ChatRun) -> None:
    text = chat.messages[chat.sent]
    chat.sent += 1
    chat.waiting = True
    chat.injected_at = time.time()
    if text.startswith("/"):
        fake.send_command(chat.user, text)
    else:
        fake.send_text(chat.user, text)


def drive(
    fake: FakeTelegram,
    proc: subprocess.Popen[bytes],
    plans: dict[int, list[str]],
    *,
    scorecard_tails: bool,
    stall_s: float,
) -> DriveResult:
    """Play every chat's messages, each after the reply to the previous one, all chats
    at once; return when every reply has arrived (or nothing moved for ``stall_s``)."""
    chats = {uid: ChatRun(fake.user(uid, f"User{uid}"), msgs) for uid, msgs in plans.items()}
    cursor = len(fake.sent())
    calls_before = Counter(c.method for c in fake.calls())
    bot_cpu_before = proc_cpu_s(proc.pid)
    main_cpu_before = proc_cpu_s(proc.pid, children=False)
    own_cpu_before = time.process_time()
    started = time.time()
    active = {uid for uid, chat in chats.items() if chat.messages}
    for uid in active:
        inject(fake, chats[uid])
    progress = time.monotonic()
    while active:
        new = fake.sent_after(cursor, 0.2)
        cursor += len(new)
        answered: list[ChatRun] = []
        for m in new:
            chat = chats.get(m.chat_id)
            if chat is None:
                continue
            if m.kind == "chat_action":
                continue
            if not chat.waiting:
                continue
            tail = scorecard_tails and (m.text or "").startswith(SCORECARD)
            if m.time < chat.injected_at or tail:
                if m.time >= chat.injected_at:
                    chat.late_tails += 1
                continue
            chat.waiting = False
            chat.latencies.append(m.time - chat.injected_at)
            chat.last_reply = m.time
            answered.append(chat)
        for chat in answered:
            if chat.sent < len(chat.messages):
                inject(fake, chat)
            else:
                active.discard(chat.user.id)
        if answered:
            progress = time.monotonic()
        elif time.monotonic() - progress > stall_s or proc.poll() is not None:
            break
    own_cpu = time.process_time() - own_cpu_before
    bot_cpu_after = proc_cpu_s(proc.pid)
    main_cpu_after = proc_cpu_s(proc.pid, children=False)
    bot_cpu = (
        bot_cpu_after - bot_cpu_before
        if bot_cpu_after is not None and bot_cpu_before is not None
        else None
    )
    calls = Counter(c.method for c in fake.calls())
    calls.subtract(calls_before)
    latencies = [lat for chat in chats.values() for lat in chat.latencies]
    finished = max((chat.last_reply for chat in chats.values()), default=started)
    return DriveResult(
        messages=sum(chat.sent for chat in chats.values()),
        replies=len(latencies),
        wall_s=finished - started,
        latencies=latencies,
        stuck=len(active),
        late_tails=sum(chat.late_tails for chat in chats.values()),
        bot_cpu_s=bot_cpu,
        own_cpu_s=own_cpu,
        calls=+calls,
        main_cpu_s=(
            main_cpu_after - main_cpu_before
            if main_cpu_after is not None and main_cpu_before is not None
            else None
        ),
        by_chat={uid: chat.latencies for uid, chat in chats.items()},
    )


@dataclass
class Running:
    spec: BotSpec
    fake: FakeTelegram
    proc: subprocess.Popen[bytes]
    startup_s: float
    profile: str = ""
    """cProfile's report, once the bot has stopped (``--profile``)."""


@contextmanager
def running(spec: BotSpec, args: argparse.Namespace) -> Iterator[Running]:
    """The bot, started against a fake Bot API server of its own; stopped on exit."""
    fake = FakeTelegram()
    with tempfile.TemporaryDirectory(prefix="bench_telegram_") as tmp, fake:
        workdir = Path(tmp)
        profile = workdir / "bot.prof" if args.profile and spec is RAPPORT else None
        began = time.perf_counter()
        proc = start_bot(fake, spec, workdir, profile, pg=args.postgresql and spec is RAPPORT)
        bot = Running(spec, fake, proc, time.perf_counter() - began)
        try:
            yield bot
        finally:
            stop_bot(proc)
        if fake.internal_errors:
            print(f"   note: the fake server logged {len(fake.internal_errors)} internal errors")
        if profile is not None and profile.exists():
            out = workdir / "profile.txt"
            with out.open("w") as stream:
                stats = pstats.Stats(str(profile), stream=stream)
                stats.sort_stats("cumulative").print_stats(args.profile_lines)
                stats.sort_stats("tottime").print_stats(args.profile_lines)
            bot.profile = out.read_text()


def drive_alternating(
    bots: list[Running], plan: list[str], uid: int, stall_s: float
) -> list[DriveResult]:
    """One chat per bot, the same messages: each message goes to every bot in turn, the
    next only after the reply. The bots take turns, so a busy or quiet spell of this
    shared machine falls on both alike (run one after the other, the ratio swung 2x)."""
    parts: list[list[DriveResult]] = [[] for _ in bots]
    for message in plan:
        for i, bot in enumerate(bots):
            parts[i].append(
                drive(
                    bot.fake,
                    bot.proc,
                    {uid: [message]},
                    scorecard_tails=bot.spec.scorecard_tails,
                    stall_s=stall_s,
                )
            )
    return [_joined(results) for results in parts]


def _joined(results: list[DriveResult]) -> DriveResult:
    cpu = [r.bot_cpu_s for r in results]
    calls: Counter[str] = Counter()
    for r in results:
        calls.update(r.calls)
    return DriveResult(
        messages=sum(r.messages for r in results),
        replies=sum(r.replies for r in results),
        wall_s=sum(r.wall_s for r in results),
        latencies=[lat for r in results for lat in r.latencies],
        stuck=sum(r.stuck for r in results),
        late_tails=sum(r.late_tails for r in results),
        bot_cpu_s=None if None in cpu else sum(c for c in cpu if c is not None),
        own_cpu_s=sum(r.own_cpu_s for r in results),
        calls=calls,
    )


def run_bots(specs: list[BotSpec], args: argparse.Namespace) -> dict[str, BotResult]:
    """Warm each bot up, run the single chat (the bots taking turns), then each bot's
    concurrent run on its own (each saturates the machine)."""
    scripts, contacts = script_lines(), personas()
    per_practice = args.lines + 2
    single_plan = [
        msg
        for j in range(-(-args.single // per_practice))
        for msg in practice(j, args.lines, scripts, contacts)
    ][: args.single]
    concurrent_plans = {
        1_000_001 + i: practice(i, args.lines, scripts, contacts) for i in range(args.chats)
    }
    with ExitStack() as stack:
        bots = [stack.enter_context(running(spec, args)) for spec in specs]
        warm = {900_001: practice(0, args.lines, scripts, contacts)}
        warmed = [
            drive(b.fake, b.proc, warm, scorecard_tails=b.spec.scorecard_tails, stall_s=args.stall)
            for b in bots
        ]
        singles = drive_alternating(bots, single_plan, 900_002, args.stall)
        back_to_back = [
            drive(
                b.fake,
                b.proc,
                {900_003: single_plan},
                scorecard_tails=b.spec.scorecard_tails,
                stall_s=args.stall,
            )
            for b in bots
        ]
        concurrent = [
            drive(
                b.fake,
                b.proc,
                concurrent_plans,
                scorecard_tails=b.spec.scorecard_tails,
                stall_s=args.stall,
            )
            for b in bots
        ]
    return {
        b.spec.name: BotResult(b.spec, w, s, t, c, b.startup_s, b.profile)
        for b, w, s, t, c in zip(bots, warmed, singles, back_to_back, concurrent, strict=True)
    }


# ------------------------------------------------------------------------------ report


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:8.1f} ms"


def describe(label: str, result: DriveResult) -> None:
    lat = result.latencies
    print(f"   {label}")
    print(
        f"     messages      {result.messages} injected, {result.replies} replies"
        + (f", {result.stuck} chats STUCK (no reply for --stall s)" if result.stuck else "")
    )
    print(f"     wall          {result.wall_s:8.2f} s     {result.rate:8.1f} updates/s")
    if lat:
        print(
            f"     round trip    median {ms(statistics.median(lat))}   "
            f"p99 {ms(pct(lat, 0.99))}   max {ms(max(lat))}"
        )
    wall = max(result.wall_s, 1e-9)
    bot = f"{result.bot_cpu_s / wall:5.0%}" if result.bot_cpu_s is not None else "  n/a"
    print(f"     CPU           bot process {bot}   fake + driver {result.own_cpu_s / wall:5.0%}")
    if result.messages:
        per = ", ".join(
            f"{method} {count / result.messages:.2f}"
            for method, count in result.calls.most_common()
        )
        print(f"     API calls     per user message: {per}")
    if result.late_tails:
        print(
            f"     note          {result.late_tails} trailing bot messages of an answer came "
            "after the next injection (not counted as its reply)"
        )


def ratio(num: float, den: float) -> float:
    return num / den if den > 0 else float("inf")


def p99(result: DriveResult) -> float:
    return pct(result.latencies, 0.99) if result.latencies else float("inf")


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=200, help="chats driven at once")
    parser.add_argument("--lines", type=int, default=8, help="script lines per practice")
    parser.add_argument(
        "--single", type=int, default=500, help="messages in the single chat (p99 needs 100s)"
    )
    parser.add_argument("--stall", type=float, default=60.0, help="give up after S idle s")
    parser.add_argument("--only", choices=("echo", "rapport"), help="run one bot only")
    parser.add_argument("--profile", action="store_true", help="cProfile the Rapport bot")
    parser.add_argument(
        "--postgresql",
        action="store_true",
        help=f"Rapport on the database of {PG_ENV} (its public schema is DROPPED) not SQLite",
    )
    parser.add_argument("--profile-lines", type=int, default=30)
    args = parser.parse_args()

    began = time.perf_counter()
    calib = calibration_us()
    specs = [s for s in (ECHO, RAPPORT) if args.only in (None, s.name)]
    per_chat = args.lines + 2
    print(
        f"== Telegram bots over the fake Bot API: {args.chats} chats x {per_chat} messages "
        f"(/practice, {args.lines} lines, /end); single chat {args.single} messages =="
    )
    print(f"calibration loop   {calib:.0f} us   ({os.cpu_count()} CPUs)")
    results = run_bots(specs, args)
    for spec in specs:
        result = results[spec.name]
        print(f"-- {spec.name} (python -m {' '.join((spec.module, *spec.args))})")
        print(f"   startup         {result.startup_s:.1f} s to the first getUpdates")
        warm = result.warm.latencies
        if warm:
            print(
                f"   warm-up         first reply {ms(warm[0]).strip()}, slowest "
                f"{ms(max(warm)).strip()}, median {ms(statistics.median(warm)).strip()} "
                f"({len(warm)} messages, one chat, not counted below)"
            )
        describe(f"single chat, {args.single} messages, the bots taking turns", result.single)
        describe(f"single chat, {args.single} messages back to back", result.back_to_back)
        describe(f"{args.chats} chats at once", result.concurrent)
        if result.profile:
            print("   profile of the bot's main thread:")
            print(result.profile)

    if "echo" in results and "rapport" in results:
        echo, rapport = results["echo"], results["rapport"]
        thr = ratio(rapport.concurrent.rate, echo.concurrent.rate)
        p99_single = ratio(p99(rapport.single), p99(echo.single))
        p99_conc = ratio(p99(rapport.concurrent), p99(echo.concurrent))
        print("== Targets ==")
        print(
            f"Rapport throughput >= half the echo bot's:     "
            f"{rapport.concurrent.rate:.1f} / {echo.concurrent.rate:.1f} updates/s "
            f"= {thr:.2f}  (>= {THROUGHPUT_TARGET:.2f}: {verdict(thr >= THROUGHPUT_TARGET)})"
        )
        print(
            f"Rapport p99 round trip <= 2x the echo bot's:   single chat "
            f"{p99(rapport.single) * 1e3:.1f} / {p99(echo.single) * 1e3:.1f} ms = "
            f"{p99_single:.2f}x  (<= {P99_TARGET:.1f}x: {verdict(p99_single <= P99_TARGET)})"
        )
        b2b = ratio(p99(rapport.back_to_back), p99(echo.back_to_back))
        print(
            f"                                               (back to back "
            f"{p99(rapport.back_to_back) * 1e3:.1f} / {p99(echo.back_to_back) * 1e3:.1f} ms "
            f"= {b2b:.2f}x)"
        )
        print(
            f"                                               {args.chats} chats "
            f"{p99(rapport.concurrent) * 1e3:.0f} / {p99(echo.concurrent) * 1e3:.0f} ms = "
            f"{p99_conc:.2f}x  (<= {P99_TARGET:.1f}x: {verdict(p99_conc <= P99_TARGET)})"
        )
    print(f"total run time     {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()
