"""The topic vocabulary: what a user's question is *about* (``understanding/TOPICS.md``).

Acts say what a message does; a topic says which part of the contact's work a question
asks about, so the contact can answer the thing that was asked. Labels (how the contact
names a topic when offering or closing it) are data in ``content/topics.yaml``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Final

from flows import yamltext

BEST: Final = "best"
LEAST: Final = "least"
CREDENTIALS: Final = "credentials"

TOPICS: Final[tuple[str, ...]] = (
    BEST, LEAST, CREDENTIALS,
    "typical_day", "pay", "balance", "future", "ai", "hardest", "advice", "hiring",
    "surprises", "tools", "progression", "culture", "differently", "remote", "community",
    "leaving", "proudest", "mistakes", "thrives", "entry", "side_projects", "location",
    "employer_size", "organisation", "demand", "difficult_people", "later_start", "part_time",
    "record", "from_abroad", "stories",
)  # fmt: skip

COMMON: Final[frozenset[str]] = frozenset(
    {BEST, LEAST, CREDENTIALS, "typical_day", "pay", "balance", "future", "hardest", "advice",
     "hiring"}
)  # fmt: skip
"""Topics asked about often enough that each contact has two or more answers."""

QUALIFIERS: Final[frozenset[str]] = frozenset({"later_start", "part_time", "record", "from_abroad"})
"""The user's own circumstances: asked in one question with another topic, they are what the
question is about ("do firms hire people on a graduate visa?", "do analysts ever work part
time?"); asked in a question of their own beside another, both are answered."""

TOLD_AS_STORIES: Final[frozenset[str]] = frozenset({"stories"})
"""Topics whose answers are stories, and whose continuations pick a story up mid-telling
("I caught myself on the next joist by my armpits..."): told only straight after their
story, when the user asks to hear more, never as the next answer to the topic asked again
("any other stories?" once both are told gets the contact's "that's all I've got")."""

CLASSIC_PARTS: Final[dict[str, str]] = {BEST: "ask_likes", LEAST: "ask_likes"}
"""Topics that are a part of a classic question (answered instead of the whole)."""

_LABELS = Path(__file__).parent / "content" / "topics.yaml"


@cache
def labels() -> dict[str, str]:
    """How the contact names each topic: "a typical day", "pay", ..."""
    raw = yamltext.load(_LABELS.read_text(encoding="utf-8"))
    missing = set(TOPICS) - set(raw)
    if missing:
        raise ValueError(f"{_LABELS.name} lacks labels for {sorted(missing)}")
    return {topic: str(raw[topic]) for topic in TOPICS}
