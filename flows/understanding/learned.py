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
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Final

from flows.acts import CHECKLIST, GOODBYE, GREET, THANK, TIME_CHECK
from flows.understanding.encoder import MODEL_DIR, encoder

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

NONE: Final = "none"
ONLY_WHEN_ASKED: Final = frozenset({"ask_other", "ask_likes"})
"""Questions the head adds only to a message put as a question (the patterns' ``question``
form) unless the rules read them too: a statement on a work subject reads like one to it
("I know what is expected in this industry." as the catch-all; "the worst part was the
commute, honestly", about the user's own past, as asking what the contact likes least). In
the labelled sets, 2 of about 600 messages with ``ask_other`` were not put as a question,
and 0 of 365 with ``ask_likes`` that the rules did not read ("and the worst" is a question)."""
CLAUSE_ACTS: Final = frozenset({*CHECKLIST, GREET, THANK, TIME_CHECK, GOODBYE})
"""Facts and courtesies people string together in one message ("got here 15 minutes early,
in my navy suit"). One vector for the whole message dilutes each, and the act head used to
drop the second. When the rules read one of these and the head did not, the clauses are
read one by one, and the act is kept if the rules and the head both read it in one clause.
Not intent-level acts: a clause alone loses the qualification around it ("I know I said I
wasn't here about jobs, but..."), and in cross-validation those rescues were mostly wrong."""
_CLAUSE_BREAK: Final = re.compile(r"[.!?;,]+|\s+(?:and|but|also)\s+")


def clauses(text: str) -> list[str]:
    """The clauses of a normalised message worth reading alone (two words or more); empty
    when there is only one."""
    parts = [p.strip() for p in _CLAUSE_BREAK.split(text)]
    parts = [p for p in parts if len(p.split()) >= 2]
    return parts if len(parts) > 1 else []


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

    def probabilities(self, vector: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """One probability per class (``classes``), summing to 1."""
        import numpy as np

        scores = self.coef @ vector + self.intercept
        scores = np.exp(scores - scores.max())
        out: npt.NDArray[np.float32] = scores / scores.sum()
        return out

    def read(self, vector: npt.NDArray[np.float32]) -> Reading:
        import numpy as np

        probs = self.probabilities(vector)
        best = int(np.argmax(probs))
        return Reading(self.classes[best], float(probs[best]))

    def decide(self, reading: Reading, ruled: str | None, *, guess: bool = True) -> str | None:
        """The topic of one question, given the model's reading and the rules' topic;
        ``guess=False``: no topic the rules did not find unless the model is sure."""
        if ruled is not None and ruled not in self.classes:
            return ruled  # a topic newer than the head: it has no say on it
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
def vector(text: str) -> npt.NDArray[np.float32]:
    """The encoder's vector of one normalised text, shared by both heads: a message that is
    one question is encoded once, not once per head. Only called when the encoder loaded."""
    model = encoder()
    assert model is not None
    row: npt.NDArray[np.float32] = model.encode([text])[0]
    return row


@lru_cache(maxsize=512)
def read_question(question: str) -> Reading | None:
    """The model's reading of one normalised question, or None without a model."""
    head = topic_head()
    model = encoder()
    if head is None or model is None:
        return None
    return head.read(vector(question.strip()))


def act_features(
    ruled: frozenset[str], signalled: frozenset[str], after: str, *, asks: bool
) -> list[str]:
    """The names of the non-text inputs of the act head that are on for one message: what
    the rules read, the plain yes/no/ready signals, what the contact just did, and whether
    the message is put as a question. A head reads only the names it was trained with."""
    return [
        *(f"rule:{a}" for a in sorted(ruled)),
        *(f"signal:{s}" for s in sorted(signalled)),
        *([f"after:{after}"] if after else []),
        *(["asks"] if asks else []),
    ]


@dataclass(frozen=True)
class ActHead:
    """One logistic regression per act over the encoder's vector *and* the rules' reading,
    the signals and the context (stage, what the contact just did): a second opinion that
    has learned, from labelled messages, when the rules miss an act or fire on a mention.
    An act is read when its probability reaches ``threshold``."""

    acts: tuple[str, ...]
    inputs: tuple[str, ...]
    """Names of the inputs after the text vector (``act_features``)."""
    coef: npt.NDArray[np.float32]
    intercept: npt.NDArray[np.float32]
    threshold: float
    keep: float
    rescue: float
    """The bar for an act the rules read in one clause of a message and the whole message's
    reading dropped (``CLAUSE_ACTS``): chosen by the same cross-validation as ``threshold``."""

    def probabilities(self, vector: npt.NDArray[np.float32], on: list[str]) -> dict[str, float]:
        import numpy as np

        extra = np.zeros(len(self.inputs), dtype=np.float32)
        positions = self._positions()
        for name in on:
            if (at := positions.get(name)) is not None:
                extra[at] = 1.0
        scores = self.coef @ np.concatenate([vector, extra]) + self.intercept
        probs = 1.0 / (1.0 + np.exp(-np.clip(scores, -60.0, 60.0)))
        return dict(zip(self.acts, (float(p) for p in probs), strict=True))

    def _positions(self) -> dict[str, int]:
        return _positions(self.inputs)

    def read(
        self, vector: npt.NDArray[np.float32], on: list[str], ruled: frozenset[str]
    ) -> frozenset[str]:
        probs = self.probabilities(vector, on)
        asks = "asks" in on
        return frozenset(
            a
            for a, p in probs.items()
            if (p >= self.threshold and (asks or a in ruled or a not in ONLY_WHEN_ASKED))
            or (a in ruled and p >= self.keep)
        )


@lru_cache(maxsize=4)
def _positions(inputs: tuple[str, ...]) -> dict[str, int]:
    return {name: i for i, name in enumerate(inputs)}


@cache
def act_head() -> ActHead | None:
    """The shipped act head, or None (no file, or no encoder): the rules then read alone.
    (Without the file the encoder is not loaded for it.)"""
    path = MODEL_DIR / "act_head.json"
    if not path.exists() or encoder() is None:
        return None
    import numpy as np

    data = json.loads(path.read_text(encoding="utf-8"))
    return ActHead(
        acts=tuple(data["acts"]),
        inputs=tuple(data["inputs"]),
        coef=np.asarray(data["coef"], dtype=np.float32),
        intercept=np.asarray(data["intercept"], dtype=np.float32),
        threshold=float(data["threshold"]),
        keep=float(data["keep"]),
        rescue=float(data.get("rescue", min(data["threshold"], data["keep"]))),
    )


@lru_cache(maxsize=512)
def read_acts(message: str, on: tuple[str, ...], ruled: frozenset[str]) -> frozenset[str]:
    """The acts of one normalised message, given the head's other inputs (``on``) and the
    rules' reading (kept as it is without a model)."""
    head = act_head()
    model = encoder()
    if head is None or model is None:
        return ruled
    return head.read(vector(message.strip()), list(on), ruled)


@lru_cache(maxsize=512)
def clause_acts(clause: str, on: tuple[str, ...], ruled: frozenset[str]) -> frozenset[str]:
    """Of the acts the rules read in one normalised clause, those the head agrees with (at
    its ``rescue`` bar); the rules' reading without a model."""
    head = act_head()
    model = encoder()
    if head is None or model is None:
        return ruled
    probs = head.probabilities(vector(clause.strip()), list(on))
    return frozenset(a for a in ruled if probs.get(a, 0.0) >= head.rescue)
