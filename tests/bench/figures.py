"""Shared by the benchmarks: the machine's speed today, and percentiles."""

from __future__ import annotations

import statistics
import time


def calibration_us() -> float:
    """Median microseconds of a fixed pure-Python workload: the machine's speed today.

    Every benchmark prints it beside its figures, measured in the same run, so results
    from a busy, shared machine can be compared."""
    samples = []
    for _ in range(200):
        start = time.perf_counter()
        sum(len(str(i)) for i in range(2000))
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1e6


def pct(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values``, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]
