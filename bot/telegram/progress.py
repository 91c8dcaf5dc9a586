"""/progress: a chart of the user's scores, drawn off the event loop.

Drawing one takes a few hundred milliseconds of CPU (matplotlib). It is done after the
update's transaction has committed, in a thread of its own: never on the event loop
(where SQLite's work and every other user's updates run) nor in the default executor
(where PostgreSQL's work runs), and one chart at a time, so the other core stays free.
Before, one user's 40 /progress delayed another user's /help by 10 s.

Bounds, so that a flood costs one chart: a user has at most one chart being drawn (or
waiting to be); a /progress meanwhile gets :data:`STILL_DRAWING`. At most
:data:`MAX_DRAWING` users' charts are in hand at once; beyond that, :data:`BUSY`. The
chart goes out when it is ready (after whatever the chat was sent meanwhile). It is not
kept in the outbox, as files never are: one lost to a crash costs another /progress.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from bot import charts
from bot.store.practices import PracticeStore
from bot.telegram.replies import Attachment, Reply

log = logging.getLogger(__name__)

NO_CHART = "No finished practice yet: your progress chart starts after the first."
STILL_DRAWING = "Still drawing your chart: it comes in a moment."
BUSY = "I'm drawing a lot of charts just now: send /progress again in a minute."
FAILED = "Sorry, I couldn't draw your chart. Try /progress again later."
MAX_DRAWING = 8
"""Users whose chart is being drawn or waits for the drawing thread."""
CLOSE_SECONDS = 5.0
"""On the way out, how long charts being drawn may take to be done (then they are lost)."""


@dataclass(frozen=True)
class Chart:
    """What a user's chart shows, read in their update's transaction."""

    caption: str
    scores: list[tuple[datetime, int]]
    rates: dict[str, float | None]


def chart_of(store: PracticeStore, user_id: int) -> Chart | None:
    """The user's chart, or None before their first finished practice."""
    finished = [r for r in store.practices(user_id) if r.scorecard and r.score is not None]
    if not finished:
        return None
    scores = [(r.started_at, r.score or 0) for r in finished]
    rates = charts.stage_hit_rates([r.scorecard for r in finished if r.scorecard])
    best = max(score for _, score in scores)
    caption = (
        f"{len(scores)} practice{'s' if len(scores) != 1 else ''}, latest score "
        f"{scores[-1][1]}/100, best {best}/100."
    )
    return Chart(caption, scores, rates)


class Drawer:
    """Draws charts in one thread of its own, within the bounds above (event loop only)."""

    def __init__(self, max_drawing: int = MAX_DRAWING) -> None:
        self.max_drawing = max_drawing
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="charts")
        self._drawing: dict[int, asyncio.Task[None]] = {}

    def refusal(self, user_id: int) -> Reply | None:
        """Why ``user_id``'s chart cannot be drawn now (a reply to send instead), or None."""
        if user_id in self._drawing:
            return Reply(STILL_DRAWING)
        if len(self._drawing) >= self.max_drawing:
            return Reply(BUSY)
        return None

    def draw(self, user_id: int, chart: Chart, send: Callable[[Reply], object]) -> None:
        """Draw ``chart`` and ``send`` it, in the background."""
        task = asyncio.create_task(self._draw(chart, send))
        self._drawing[user_id] = task
        task.add_done_callback(lambda _task: self._drawing.pop(user_id, None))

    async def _draw(self, chart: Chart, send: Callable[[Reply], object]) -> None:
        loop = asyncio.get_running_loop()
        try:
            png = await loop.run_in_executor(
                self._thread, charts.progress_png, chart.scores, chart.rates
            )
        except Exception as exc:
            log.error("drawing a progress chart failed (%s)", type(exc).__name__)
            send(Reply(FAILED))
            return
        send(Reply(chart.caption, attachment=Attachment("progress.png", png, photo=True)))

    async def close(self, timeout: float = CLOSE_SECONDS) -> None:
        """Let the charts being drawn go out (for up to ``timeout``), then stop the thread."""
        if self._drawing:
            await asyncio.wait(list(self._drawing.values()), timeout=timeout)
        self._thread.shutdown(wait=False, cancel_futures=True)
