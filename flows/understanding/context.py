"""Where a message is said: the meeting's stage and what the contact just did.

The same words mean different things by context: "sure!" right after an invitation to stay
accepts it; "anyone else?" while saying goodbye asks for names. Rules may name the contexts
they fire in (``when:`` in patterns.yaml).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Context:
    stage: str = "converse"
    """arrive, converse, goodbye or referral."""
    after: str = ""
    """What the contact (or a nudge) just did: invite_stay, undecided, offer, answer,
    tangent, wrap_up_nudge, ... (empty at the start)."""

    @property
    def labels(self) -> frozenset[str]:
        """What a rule's ``when`` is matched against."""
        return frozenset({self.stage, f"after:{self.after}"} if self.after else {self.stage})


MID_CONVERSATION: Final = Context()
