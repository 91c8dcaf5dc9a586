"""Whether a message asks the contact something, and about which topics.

Apart from ``answers.py`` (which re-exports both) so that ``rapport understand`` reads
messages without loading the contacts' models.
"""

from __future__ import annotations

from collections.abc import Set
from typing import Final

from flows import acts as A
from flows.understanding import asks_something, topics

_ASKING = frozenset(A.QUESTIONS)
NOT_ASKING: Final = frozenset({A.FOLLOW_UP, A.THANK, A.GREET})
"""Acts beside which a message put as a question is still a plain question to answer
("thanks! rookie mistakes?"; a short question the act reader takes for a follow-up)."""


def asks(text: str, acts: Set[str]) -> bool:
    """Whether a message asks the contact something: a question act, or a message put as a
    question whose acts are only those that ask nothing themselves (``NOT_ASKING``), as the
    contact hears it (``flows.conversation``)."""
    return bool(acts & _ASKING) or (acts <= NOT_ASKING and asks_something(text))


def question_topics(text: str, acts: Set[str]) -> tuple[str, ...]:
    """The topics a message asks about, as the contact hears them (none unless it asks)."""
    return topics(text) if asks(text, acts) else ()
