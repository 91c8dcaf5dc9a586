"""A practice session as plain data: what the flow reads and writes, what storage keeps.

Nothing here performs I/O. A :class:`Session` round-trips through :meth:`Session.to_dict`
and :meth:`Session.from_dict` (JSON-safe), so any adapter can persist it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

Speaker = Literal["user", "contact", "narrator", "nudge"]
ReferralTrait = Literal["names", "undecided"]


@dataclass
class Turn:
    """One line of the transcript."""

    at: datetime
    speaker: Speaker
    stage: str
    text: str
    acts: tuple[str, ...] = ()
    kind: str = ""
    ref: str = ""
    """Which of the contact's answers this line is ("pay.1", "ask_start.0", "pay.1+" for
    its continuation, "offer>pay" for an offer), so follow-ups continue it and no answer is
    told twice; empty for other lines."""
    phrased: str = ""
    """What was shown instead of ``text`` when a model voice phrased this contact line
    (empty: ``text`` was shown). The flow reads ``text`` only."""

    def to_dict(self) -> dict[str, Any]:
        data = {
            "at": self.at.isoformat(),
            "speaker": self.speaker,
            "stage": self.stage,
            "text": self.text,
            "acts": list(self.acts),
            "kind": self.kind,
        }
        if self.ref:
            data["ref"] = self.ref
        if self.phrased:
            data["phrased"] = self.phrased
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Turn:
        return cls(
            at=datetime.fromisoformat(data["at"]),
            speaker=data["speaker"],
            stage=data["stage"],
            text=data["text"],
            acts=tuple(data.get("acts", ())),
            kind=data.get("kind", ""),
            ref=data.get("ref", ""),
            phrased=data.get("phrased", ""),
        )


@dataclass(frozen=True)
class Scenario:
    """How this contact behaves in this practice (drawn once, from the seed)."""

    tangent: bool
    stay: bool
    referrals: ReferralTrait

    def to_dict(self) -> dict[str, Any]:
        return {"tangent": self.tangent, "stay": self.stay, "referrals": self.referrals}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Scenario:
        return cls(tangent=data["tangent"], stay=data["stay"], referrals=data["referrals"])


@dataclass
class Session:
    """Everything about one practice meeting."""

    persona_id: str
    seed: int
    scenario: Scenario
    started_at: datetime
    meeting_minutes: float = 20.0
    prepared_questions: list[str] = field(default_factory=list)
    state: str = "arrive"
    clock_started_at: datetime | None = None
    turns: list[Turn] = field(default_factory=list)
    nudges: dict[str, datetime] = field(default_factory=dict)
    """Nudges scheduled and not yet delivered or cancelled, by kind."""
    heard: frozenset[str] = frozenset()
    """Answers (turn refs) this user heard from this contact in earlier practices: the
    contact prefers ones they have not heard yet. The adapter fills it in at the start."""

    @property
    def finished(self) -> bool:
        return self.state in ("done", "abandoned")

    def to_dict(self) -> dict[str, Any]:
        return {
            "persona_id": self.persona_id,
            "seed": self.seed,
            "scenario": self.scenario.to_dict(),
            "started_at": self.started_at.isoformat(),
            "meeting_minutes": self.meeting_minutes,
            "prepared_questions": list(self.prepared_questions),
            "state": self.state,
            "clock_started_at": (
                self.clock_started_at.isoformat() if self.clock_started_at else None
            ),
            "turns": [t.to_dict() for t in self.turns],
            "nudges": {kind: due.isoformat() for kind, due in self.nudges.items()},
            "heard": sorted(self.heard),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Session:
        clock = data.get("clock_started_at")
        return cls(
            persona_id=data["persona_id"],
            seed=data["seed"],
            scenario=Scenario.from_dict(data["scenario"]),
            started_at=datetime.fromisoformat(data["started_at"]),
            meeting_minutes=data["meeting_minutes"],
            prepared_questions=list(data.get("prepared_questions", ())),
            state=data["state"],
            clock_started_at=datetime.fromisoformat(clock) if clock else None,
            turns=[Turn.from_dict(t) for t in data.get("turns", ())],
            nudges={k: datetime.fromisoformat(v) for k, v in data.get("nudges", {}).items()},
            heard=frozenset(data.get("heard", ())),
        )
