"""Benchmark: the engine's cost per message, and understanding scores per act.

    python3 -m tests.bench.bench_engine [--rounds N]

Prints figures only; it asserts nothing. The cost per message covers everything the
engine does for a user message: understanding, the transition on the shared machine, the
contact's reply and the effects. Target: median under 1 ms on a 2-core machine. A
calibration loop (pure-Python work of a fixed size) is timed in the same run so figures
from a busy, shared machine can be compared.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import timedelta
from pathlib import Path

from bot.terminal.script import SCRIPT_EPOCH, Say, Wait, parse_script
from flows.engine import Engine
from flows.understanding import clear_cache, understand
from flows.understanding.evaluate import evaluate, load_examples
from tests.bench.figures import calibration_us, pct

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "tests" / "scripts"
DATA = ROOT / "tests" / "data"


def engine_costs(engine: Engine, rounds: int) -> list[float]:
    costs: list[float] = []
    scripts = [
        parse_script(p.read_text(encoding="utf-8").splitlines())
        for p in sorted(SCRIPTS.glob("*.txt"))
    ]
    for r in range(rounds):
        for persona_id in engine.personas:
            for steps in scripts:
                session, _ = engine.start(persona_id, now=SCRIPT_EPOCH, seed=r)
                now = SCRIPT_EPOCH
                for step in steps:
                    if isinstance(step, Wait):
                        now += step.delta
                        for kind, due in sorted(session.nudges.items(), key=lambda kv: kv[1]):
                            if due <= now:
                                engine.nudge(session, kind, due)
                    elif isinstance(step, Say):
                        now += timedelta(seconds=20)
                        clear_cache()  # time a cold read, as for a new message
                        start = time.perf_counter()
                        engine.message(session, step.text, now)
                        costs.append(time.perf_counter() - start)
    return costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    engine = Engine()
    engine_costs(engine, 1)  # warm caches (patterns, personas)
    calib = calibration_us()
    costs = engine_costs(engine, args.rounds)
    texts = [text for text, _ in load_examples(DATA / "acts.jsonl")]
    understand_costs = []
    for text in texts * 3:
        clear_cache()
        start = time.perf_counter()
        understand(text)
        understand_costs.append(time.perf_counter() - start)

    print("== Engine cost per user message ==")
    print(f"messages timed      {len(costs)}")
    print(f"median              {statistics.median(costs) * 1e3:.3f} ms   (target < 1 ms)")
    print(f"p99                 {pct(costs, 0.99) * 1e3:.3f} ms")
    print(f"understanding only  median {statistics.median(understand_costs) * 1e3:.3f} ms")
    print(
        f"calibration loop    {calib:.0f} us  (same run; engine median = "
        f"{statistics.median(costs) * 1e6 / calib:.2f}x calibration)"
    )
    print()
    for name in ("acts.jsonl", "acts_dev.jsonl"):
        path = DATA / name
        if not path.exists():
            continue
        report = evaluate(load_examples(path))
        print(f"== Understanding scores on tests/data/{name} ==")
        print(report.format())
        print()


if __name__ == "__main__":
    main()
