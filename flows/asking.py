"""Whether a message asks the contact something, and about which topics.

Apart from ``answers.py`` (which re-exports both) so that ``rapport understand`` reads
messages without loading the contacts' models.
"""

from __future__ import annotations

from collections.abc import Set

from flows import acts as A
from flows.understanding import asks_something, topics

_ASKING = frozenset(A.QUESTIONS)


def asks(text: str, acts: Set[str]) -> bool:
    """Whether a message asks the contact something (a question act, or a message with no
    other act that is put as a question)."""
    return bool(acts & _ASKING) or (not acts and asks_something(text))


def question_topics(text: str, acts: Set[str]) -> tuple[str, ...]:
    """The topics a message asks about, as the contact hears them (none unless it asks)."""
    return topics(text) if asks(text, acts) else ()
