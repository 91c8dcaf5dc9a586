"""The learned topic reader beside the rules (flows/understanding/learned.py)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from flows.understanding import clear_cache, learned, topics
from flows.understanding.encoder import encoder
from flows.understanding.learned import NONE, Reading, TopicHead


def head() -> TopicHead:
    return TopicHead(
        classes=("none", "pay", "tools"),
        coef=np.zeros((3, 2), dtype=np.float32),
        intercept=np.zeros(3, dtype=np.float32),
        override=0.6,
        veto=0.9,
        fallback=0.3,
    )


@pytest.mark.parametrize(
    ("reading", "ruled", "guess", "expected"),
    [
        (Reading("tools", 0.7), "pay", True, "tools"),  # sure of another topic: it wins
        (Reading("tools", 0.5), "pay", True, "pay"),  # unsure: the rule stands
        (Reading("tools", 0.4), None, True, "tools"),  # nothing ruled: a fair guess is taken
        (Reading("tools", 0.2), None, True, None),  # too unsure to guess
        (Reading("tools", 0.4), None, False, None),  # beside a classic question: no guessing
        (Reading("tools", 0.7), None, False, "tools"),  # ... unless sure
        (Reading(NONE, 0.95), "pay", True, None),  # near certain there is no topic
        (Reading(NONE, 0.8), "pay", True, "pay"),  # a plain "no topic" never vetoes a rule
    ],
)
def test_the_model_and_the_rules_share_the_decision(
    reading: Reading, ruled: str | None, guess: bool, expected: str | None
) -> None:
    assert head().decide(reading, ruled, guess=guess) == expected


@pytest.fixture
def readings(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Reading]]:
    seen: dict[str, Reading] = {}
    clear_cache()
    monkeypatch.setattr(learned, "read_question", lambda q: seen.get(q, Reading(NONE, 0.0)))
    yield seen
    monkeypatch.undo()
    clear_cache()


def test_each_question_of_a_message_is_read_on_its_own(readings: dict[str, Reading]) -> None:
    if learned.topic_head() is None:
        pytest.skip("the encoder is not installed")
    readings["what apps do you keep open ?"] = Reading("tools", 0.99)
    readings["is the money decent ?"] = Reading("pay", 0.99)
    asked = "What apps do you keep open? Is the money decent?"
    assert topics(asked) == ("tools", "pay")


def test_a_question_the_model_cannot_place_keeps_the_rules_reading(
    readings: dict[str, Reading],
) -> None:
    if learned.topic_head() is None:
        pytest.skip("the encoder is not installed")
    assert topics("What's the salary like?") == ("pay",)


def test_the_encoder_is_deterministic_and_gives_unit_vectors() -> None:
    model = encoder()
    if model is None:
        pytest.skip("the encoder is not installed")
    first = model.encode(["what do u use all day, software wise", "hi"])
    again = model.encode(["what do u use all day, software wise", "hi"])
    assert np.allclose(first, again)
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-4)
    assert first.shape == (2, 384)


def test_the_shipped_head_matches_the_encoder_and_the_topics() -> None:
    from flows.topics import TOPICS

    shipped = learned.topic_head()
    if shipped is None:
        pytest.skip("the encoder is not installed")
    assert set(shipped.classes) == {*TOPICS, NONE}
    assert shipped.coef.shape == (len(shipped.classes), 384)
    assert 0 < shipped.fallback < shipped.override <= 1 and shipped.veto >= 0.85
