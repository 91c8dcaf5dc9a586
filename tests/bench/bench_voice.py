"""Benchmark: what the model voice costs the real bot, over the Bot API wire.

    python3 -m tests.bench.bench_voice                        # 100 chats, 6 lines each
    python3 -m tests.bench.bench_voice --chats 50 --lines 4   # a smaller run

Prints figures only; it asserts nothing. Built on ``tests/bench/bench_telegram.py`` (its
workload, bots and closed-loop driver; read it first), with the project's fake model server
(``tests/fake_llm``) in this process:

1. *Throughput.* The echo bot, Rapport without a model, and Rapport with a model answering
   in 0 ms (every contact line phrased), its voice in a worker process and in the bot's
   own (``RAPPORT_LLM_WORKER``; ``--worker 1`` or ``0`` runs one of them), each on its own
   fake Bot API, one after the other, ``--chats`` chats at once. Target: Rapport's
   throughput ratio against the echo bot drops by no more than 10% with the model (0 ms:
   what the bot itself spends on it). CPU is printed for the bot's process and its worker
   apart: on a machine whose cores are all busy, their sum is what counts.
2. *A slow model does not hold up other chats.* Rapport with the model answering in 0 ms,
   then in ``--slow`` s (2 s), half the chats having switched the voice off in /settings
   first. Target: the p99 round trip of those chats (which never wait on the model) with
   the slow model stays where it was with the fast one; the chats that use it wait.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager

from tests.bench.bench_telegram import (
    ECHO,
    RAPPORT,
    BotSpec,
    DriveResult,
    Running,
    drive,
    ms,
    personas,
    practice,
    ratio,
    running,
    verdict,
)
from tests.bench.figures import calibration_us, pct
from tests.fake_llm import FakeLLM
from tests.workload import script_lines

DROP_TARGET = 0.10
"""Rapport's throughput ratio against the echo bot may drop at most this much with a model."""
P99_SLACK = 1.25
"""The p99 of chats that do not use the model, slow model over fast: at most this."""


@contextmanager
def model_env(fake: FakeLLM | None, worker: str = "") -> Iterator[None]:
    """The bot started in this block talks to ``fake`` (None: no model), its voice in a
    worker process or not as ``worker`` says (RAPPORT_LLM_WORKER; "": in process)."""
    keys = {
        "RAPPORT_LLM_WORKER": worker,
        "RAPPORT_LLM_BASE_URL": fake.url if fake else "",
        "RAPPORT_LLM_MODEL": "fake-model" if fake else "",
        "RAPPORT_LLM_TIMEOUT": "6",
        "RAPPORT_LLM_CONCURRENCY": "256",  # the fake server is not the bottleneck studied
    }
    saved = {k: os.environ.get(k) for k in keys}
    os.environ.update(keys)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def switch_off(bot: Running, uids: list[int]) -> None:
    """These users turn the model voice off in /settings (before the measured run)."""
    for uid in uids:
        user = bot.fake.user(uid, f"User{uid}")
        since = time.time()
        bot.fake.send_command(user, "/settings")
        menu = bot.fake.wait_for_text(uid, "Model voice: on", 30, since=since)
        bot.fake.press_button(user, menu, "set:voice")
        bot.fake.wait_for_text(uid, "Model voice: off", 30, since=since)


def run_one(
    spec: BotSpec,
    args: argparse.Namespace,
    plans: dict[int, list[str]],
    fake: FakeLLM | None = None,
    off: list[int] | None = None,
    worker: str = "",
) -> tuple[DriveResult, dict[int, list[float]]]:
    """One bot's warm-up and concurrent run; the round trips by chat too."""
    with model_env(fake, worker), running(spec, args) as bot:
        warm = {900_001: plans[next(iter(plans))]}
        drive(bot.fake, bot.proc, warm, scorecard_tails=spec.scorecard_tails, stall_s=args.stall)
        if off:
            switch_off(bot, off)
        result = drive(
            bot.fake, bot.proc, plans, scorecard_tails=spec.scorecard_tails, stall_s=args.stall
        )
    return result, result.by_chat


def describe(label: str, result: DriveResult) -> None:
    lat = result.latencies
    print(
        f"   {label:34} {result.rate:7.1f} updates/s   median {ms(statistics.median(lat))}   "
        f"p99 {ms(pct(lat, 0.99))}   ({result.replies}/{result.messages} replies"
        + (f", {result.stuck} STUCK" if result.stuck else "")
        + f"; CPU of a core: bot {share(result.main_cpu_s, result)}, its worker "
        f"{share((result.bot_cpu_s or 0) - (result.main_cpu_s or 0), result)}, "
        f"fakes {share(result.own_cpu_s, result)})"
    )


def share(cpu_s: float | None, result: DriveResult) -> str:
    return f"{cpu_s / result.wall_s:4.0%}" if cpu_s is not None and result.wall_s > 0 else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=100, help="chats driven at once")
    parser.add_argument("--lines", type=int, default=6, help="script lines per practice")
    parser.add_argument("--slow", type=float, default=2.0, help="the slow model's seconds")
    parser.add_argument("--rounds", type=int, default=3, help="throughput runs per bot")
    parser.add_argument("--stall", type=float, default=60.0, help="give up after S idle s")
    parser.add_argument(
        "--worker",
        choices=("both", "1", "0"),
        default="both",
        help="the voice in a worker process (1), in the bot's (0), or each in turn",
    )
    args = parser.parse_args()
    args.profile, args.postgresql, args.profile_lines = False, False, 0
    began = time.perf_counter()
    scripts, contacts = script_lines(), personas()
    plans = {1_000_001 + i: practice(i, args.lines, scripts, contacts) for i in range(args.chats)}
    print(
        f"== The model voice in the bot: {args.chats} chats x {args.lines + 2} messages; "
        f"calibration loop {calibration_us():.0f} us ({os.cpu_count()} CPUs) =="
    )
    print(f"-- 1. throughput, every chat using the model ({args.rounds} rounds, taking turns)")
    modes = {"1": "in a worker", "0": "in process"}
    if args.worker != "both":
        modes = {args.worker: modes[args.worker]}
    rounds: list[tuple[DriveResult, DriveResult, dict[str, DriveResult]]] = []
    phrasings = 0
    for _ in range(args.rounds):  # in turns: a busy spell of the machine falls on all alike
        echo, _ = run_one(ECHO, args, plans)
        plain, _ = run_one(RAPPORT, args, plans)
        voiced: dict[str, DriveResult] = {}
        for mode in modes:
            with FakeLLM() as fast:
                voiced[mode], _ = run_one(RAPPORT, args, plans, fast, worker=mode)
                phrasings += len(fast.phrasings())
        describe("echo bot", echo)
        describe("Rapport, no model", plain)
        for mode, name in modes.items():
            describe(f"Rapport, 0 ms model {name}", voiced[mode])
        rounds.append((echo, plain, voiced))
    messages = sum(v.messages for _, _, vs in rounds for v in vs.values())
    print(f"   model requests: {phrasings / max(messages, 1):.2f} a user message")
    before = statistics.median(ratio(p.rate, e.rate) for e, p, _ in rounds)
    for mode, name in modes.items():
        after = statistics.median(ratio(vs[mode].rate, e.rate) for e, _, vs in rounds)
        drop = 1 - ratio(after, before)
        print(
            f"   {name}: ratio against the echo bot (median of rounds): {before:.3f} without, "
            f"{after:.3f} with the model: a drop of {drop:.1%} (<= {DROP_TARGET:.0%}: "
            f"{verdict(drop <= DROP_TARGET)})"
        )
        cpu = [
            (p.bot_cpu_s / p.messages, v.bot_cpu_s / v.messages, (v.main_cpu_s or 0) / v.messages)
            for _, p, vs in rounds
            if p.bot_cpu_s and (v := vs[mode]).bot_cpu_s
        ]
        if cpu:
            without, with_model, own = (
                statistics.median(c[i] for c in cpu) * 1e3 for i in (0, 1, 2)
            )
            print(
                f"   {name}: bot CPU per user message {without:.2f} ms without, "
                f"{with_model:.2f} ms with the model (+{ratio(with_model, without) - 1:.0%}), "
                f"of which the bot's own process {own:.2f} ms (+{ratio(own, without) - 1:.0%})"
            )
    print("   (the fake model server's own CPU is in this process, on the same cores)")

    off = sorted(plans)[::2]  # every other chat switches the voice off
    with FakeLLM() as fast:
        _, fast_chats = run_one(RAPPORT, args, plans, fast, off)
    with FakeLLM(delay=args.slow) as slow:
        _, slow_chats = run_one(RAPPORT, args, plans, slow, off)
        slow_used = sum(1 for r in slow.phrasings())
    on = [uid for uid in plans if uid not in off]

    def p(chats: dict[int, list[float]], uids: list[int], q: float) -> float:
        values = [lat for uid in uids for lat in chats[uid]]
        return pct(values, q) if values else float("inf")

    print(f"-- 2. a model answering in {args.slow:g} s; {len(off)} chats switched it off")
    for name, chats in (
        ("fast model (0 ms)", fast_chats),
        (f"slow model ({args.slow:g} s)", slow_chats),
    ):
        print(
            f"   {name:20} voice off: median {ms(p(chats, off, 0.5))} p99 {ms(p(chats, off, 0.99))}"
            f" | voice on: median {ms(p(chats, on, 0.5))} p99 {ms(p(chats, on, 0.99))}"
        )
    print(f"   slow model requests: {slow_used}")
    held = ratio(p(slow_chats, off, 0.99), p(fast_chats, off, 0.99))
    print(
        f"   p99 of the chats with the voice off, slow over fast: {held:.2f}x "
        f"(<= {P99_SLACK:.2f}x: {verdict(held <= P99_SLACK)})"
    )
    print(f"total run time     {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()
