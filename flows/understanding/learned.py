"""The learned topic reader: a small classifier over the sentence encoder (``encoder.py``)
that reads questions the topic rules miss or misplace.

Beside the rules, not instead of them. For each question of a message:
- the model is sure (probability >= ``override``) of a topic: that topic wins;
- it is very sure (>= ``veto``) that the question has no topic: none, whatever the rules;
- otherwise the rules' topic, when a rule fired;
- otherwise the model's topic when it reaches ``fallback``.

The weights and both thresholds come from ``model/topic_head.json``, written by
``tests/models/train_topics.py`` (thresholds chosen by cross-validation on training data
only). Without the encoder (switched off, or not installed) the rules read alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Final

from flows.understanding.encoder import MODEL_DIR, encoder

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

NONE: Final = "none"


@dataclass(frozen=True)
class Reading:
    topic: str
    """A topic id, or ``none``."""
    confidence: float


@dataclass(frozen=True)
class TopicHead:
    classes: tuple[str, ...]
    coef: npt.NDArray[np.float32]
    intercept: npt.NDArray[np.float32]
    override: float
    veto: float
    fallback: float

    def read(self, vector: npt.NDArray[np.float32]) -> Reading:
        import numpy as np

        scores = self.coef @ vector + self.intercept
        scores = np.exp(scores - scores.max())
        probs = scores / scores.sum()
        best = int(np.argmax(probs))
        return Reading(self.classes[best], float(probs[best]))

    def decide(self, reading: Reading, ruled: str | None, *, guess: bool = True) -> str | None:
        """The topic of one question, given the model's reading and the rules' topic;
        ``guess=False``: no topic the rules did not find unless the model is sure."""
        if reading.topic == NONE:
            return None if reading.confidence >= self.veto else ruled
        if reading.confidence >= self.override:
            return reading.topic
        if ruled is not None:
            return ruled
        if guess and reading.confidence >= self.fallback and reading.topic != NONE:
            return reading.topic
        return None


@cache
def topic_head() -> TopicHead | None:
    if encoder() is None:  # (switched off: numpy is not even imported)
        return None
    import numpy as np

    data = json.loads((MODEL_DIR / "topic_head.json").read_text(encoding="utf-8"))
    return TopicHead(
        classes=tuple(data["classes"]),
        coef=np.asarray(data["coef"], dtype=np.float32),
        intercept=np.asarray(data["intercept"], dtype=np.float32),
        override=float(data["override"]),
        veto=float(data["veto"]),
        fallback=float(data["fallback"]),
    )


@lru_cache(maxsize=512)
def read_question(question: str) -> Reading | None:
    """The model's reading of one normalised question, or None without a model."""
    head = topic_head()
    model = encoder()
    if head is None or model is None:
        return None
    return head.read(model.encode([question])[0])


@dataclass(frozen=True)
class ActHead:
    """One logistic regression per act over the encoder's vector, beside the act rules: it
    adds an act the rules missed only when sure (``add``), and drops one they found only
    when sure the message does not do it (``drop``)."""

    acts: tuple[str, ...]
    coef: npt.NDArray[np.float32]
    intercept: npt.NDArray[np.float32]
    add: float
    drop: float

    def probabilities(self, vector: npt.NDArray[np.float32]) -> dict[str, float]:
        import numpy as np

        scores = self.coef @ vector + self.intercept
        probs = 1.0 / (1.0 + np.exp(-scores))
        return dict(zip(self.acts, (float(p) for p in probs), strict=True))

    def combine(self, ruled: frozenset[str], probs: dict[str, float]) -> frozenset[str]:
        kept = {a for a in ruled if probs.get(a, 1.0) > self.drop}
        return frozenset(kept | {a for a, p in probs.items() if p >= self.add})


@cache
def act_head() -> ActHead | None:
    """The shipped act head, or None (no file, or no encoder): the rules then read alone.
    (No file, none is shipped: the encoder is not loaded for it.)"""
    path = MODEL_DIR / "act_head.json"
    if not path.exists() or encoder() is None:
        return None
    import numpy as np

    data = json.loads(path.read_text(encoding="utf-8"))
    return ActHead(
        acts=tuple(data["acts"]),
        coef=np.asarray(data["coef"], dtype=np.float32),
        intercept=np.asarray(data["intercept"], dtype=np.float32),
        add=float(data["add"]),
        drop=float(data["drop"]),
    )


@lru_cache(maxsize=512)
def read_acts(message: str, ruled: frozenset[str]) -> frozenset[str]:
    """The acts of one normalised message, given the rules' reading."""
    head = act_head()
    model = encoder()
    if head is None or model is None:
        return ruled
    return head.combine(ruled, head.probabilities(model.encode([message])[0]))
