"""Progress charts as PNG (matplotlib, drawn off-screen).

Figures are made with matplotlib's object API, not pyplot: pyplot keeps global state
(the current figure, the figure manager) that is not safe to use from several threads,
and charts are drawn in a worker thread (:mod:`bot.telegram.progress`). matplotlib is
imported on the first chart, not with this module: it takes half a second, and only
``/progress`` draws (the bot's start would otherwise wait for it)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime

from bot.render import STAGE_TITLES

STAGES = ("arrive", "converse", "goodbye", "referral")


def stage_hit_rates(scorecards: Sequence[dict[str, object]]) -> dict[str, float | None]:
    """Share of passed items per stage across scorecards (None: no item applied yet)."""
    passed = dict.fromkeys(STAGES, 0)
    counted = dict.fromkeys(STAGES, 0)
    for card in scorecards:
        items = card.get("items", [])
        assert isinstance(items, list)
        for item in items:
            stage = str(item["id"]).split(".", 1)[0]
            if stage in counted and item["status"] != "n/a":
                counted[stage] += 1
                passed[stage] += item["status"] == "passed"
    return {s: (passed[s] / counted[s] if counted[s] else None) for s in STAGES}


def progress_png(scores: Sequence[tuple[datetime, int]], rates: dict[str, float | None]) -> bytes:
    """Scores over the user's practices (left) and hit rate per stage (right)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9, 4), dpi=110)
    FigureCanvasAgg(fig)  # no display: render to memory
    left, right = fig.subplots(1, 2)
    numbers = list(range(1, len(scores) + 1))
    left.plot(numbers, [s for _, s in scores], marker="o", color="#2b6cb0")
    left.set_ylim(0, 100)
    left.set_xlabel("practice")
    left.set_ylabel("score")
    left.set_title("Your scores")
    if numbers:
        left.set_xticks(numbers)
    left.grid(alpha=0.3)

    labels = [STAGE_TITLES[s] for s in STAGES]
    values = [100 * (rates[s] or 0.0) for s in STAGES]
    bars = right.bar(labels, values, color="#48bb78")
    for bar, stage in zip(bars, STAGES, strict=True):
        text = "–" if rates[stage] is None else f"{100 * (rates[stage] or 0):.0f}%"
        right.annotate(
            text,
            (bar.get_x() + bar.get_width() / 2, bar.get_height()),
            ha="center",
            va="bottom",
        )
    right.set_ylim(0, 110)
    right.set_title("Habits hit, per stage")
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()
