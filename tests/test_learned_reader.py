"""The learned topic reader beside the rules (flows/understanding/learned.py)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from flows.understanding import Context, clear_cache, learned, topics, understand
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


STORY = "I've never set foot in a law firm, so hours mean nothing to me yet. What fills your day?"


@pytest.mark.parametrize(
    ("whole", "expected"),
    [
        (Reading("typical_day", 0.95), ("typical_day",)),  # sure of the whole message: it wins
        (Reading("typical_day", 0.55), ("balance",)),  # unsure: the question-by-question reading
        (Reading(NONE, 0.99), ("balance",)),  # "no topic" for the whole never drops one
    ],
)
def test_a_story_before_the_question_does_not_pull_it_off_topic(
    readings: dict[str, Reading], whole: Reading, expected: tuple[str, ...]
) -> None:
    if learned.topic_head() is None:
        pytest.skip("the encoder is not installed")
    from flows.understanding import normalised

    for part in ("i've never set foot in a law firm", "so hours mean nothing to me yet"):
        readings[part] = Reading("balance", 0.99)
    readings["what fills your day ?"] = Reading("balance", 0.99)
    readings[normalised(STORY).strip()] = whole
    assert topics(STORY) == expected


def test_two_questions_keep_their_own_readings_whatever_the_whole_says(
    readings: dict[str, Reading],
) -> None:
    if learned.topic_head() is None:
        pytest.skip("the encoder is not installed")
    from flows.understanding import normalised

    readings["what apps do you keep open ?"] = Reading("tools", 0.99)
    readings["is the money decent ?"] = Reading("pay", 0.99)
    asked = "What apps do you keep open? Is the money decent?"
    readings[normalised(asked).strip()] = Reading("culture", 0.99)
    assert topics(asked) == ("tools", "pay")


def test_beside_a_classic_question_the_whole_message_must_be_near_certain(
    readings: dict[str, Reading],
) -> None:
    if learned.topic_head() is None:
        pytest.skip("the encoder is not installed")
    from flows.understanding import normalised

    unsure, sure = "Thanks for this. How did you get started?", "Thanks! How did you start?"
    readings[normalised(unsure).strip()] = Reading("entry", 0.8)
    readings[normalised(sure).strip()] = Reading("entry", 0.95)
    assert topics(unsure) == ()
    assert topics(sure) == ("entry",)


@pytest.mark.parametrize(
    ("asked", "conjuncts", "expected"),
    [
        # The rules find pay and hours in one question; each half read alone confirms it.
        (
            "What are the pay and the hours like?",
            {"what are the pay": Reading("pay", 0.9), "the hours like ?": Reading("balance", 0.9)},
            ("pay", "balance"),
        ),
        # In the order asked, whichever the whole question is read as.
        (
            "Are the hours and the pay OK?",
            {"are the hours": Reading("balance", 0.9), "the pay ok ?": Reading("pay", 0.9)},
            ("balance", "pay"),
        ),
        # A word the rules took for a second topic, which the half read alone does not bear
        # out: one topic, as before.
        (
            "What are the pay and the hours like?",
            {"what are the pay": Reading("pay", 0.9), "the hours like ?": Reading("pay", 0.9)},
            ("pay",),
        ),
        # The reader unsure of the half: one topic.
        (
            "What are the pay and the hours like?",
            {"what are the pay": Reading("pay", 0.99), "the hours like ?": Reading("balance", 0.8)},
            ("pay",),
        ),
        # The halves are read only for a topic the rules also found: a half the reader
        # places elsewhere on its own adds nothing.
        (
            "What are the pay and the perks like?",
            {"what are the pay": Reading("pay", 0.9), "the perks like ?": Reading("culture", 0.9)},
            ("pay",),
        ),
    ],
)
def test_two_topics_in_one_breath_are_both_answered_when_each_half_bears_it_out(
    readings: dict[str, Reading],
    asked: str,
    conjuncts: dict[str, Reading],
    expected: tuple[str, ...],
) -> None:
    if learned.topic_head() is None:
        pytest.skip("the encoder is not installed")
    from flows.understanding import normalised

    readings[normalised(asked).strip()] = Reading("pay", 0.99)
    readings.update(conjuncts)
    assert topics(asked) == expected


def test_a_question_with_no_halves_gets_one_topic(readings: dict[str, Reading]) -> None:
    """No half to read (a rule word inside a one-part question: "collaborative or
    competitive?" is not a question about demand): one topic."""
    if learned.topic_head() is None:
        pytest.skip("the encoder is not installed")
    from flows.understanding import normalised

    single = "What hours does the pay cover?"
    readings[normalised(single).strip()] = Reading("balance", 0.95)
    assert len(topics(single)) == 1


def test_the_encoder_is_deterministic_and_gives_unit_vectors() -> None:
    model = encoder()
    if model is None:
        pytest.skip("the encoder is not installed")
    first = model.encode(["what do u use all day, software wise", "hi"])
    again = model.encode(["what do u use all day, software wise", "hi"])
    assert np.allclose(first, again)
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-4)
    assert first.shape == (2, 384)


NEWER_THAN_THE_HEAD: frozenset[str] = frozenset()
"""Topics added since the last rebuild (2026-12-06, the session after stop 29): the rules
alone read them (``TopicHead.decide``) until the next rebuild learns them."""


def test_the_shipped_head_matches_the_encoder_and_the_topics() -> None:
    from flows.topics import TOPICS

    shipped = learned.topic_head()
    if shipped is None:
        pytest.skip("the encoder is not installed")
    assert set(shipped.classes) == {*TOPICS, NONE} - NEWER_THAN_THE_HEAD
    assert shipped.coef.shape == (len(shipped.classes), 384)
    assert 0 < shipped.fallback < shipped.override <= 1 and shipped.veto >= 0.85


def act_head(coef_by_act: dict[str, list[float]], inputs: tuple[str, ...]) -> learned.ActHead:
    acts = tuple(coef_by_act)
    return learned.ActHead(
        acts=acts,
        inputs=inputs,
        coef=np.asarray([coef_by_act[a] for a in acts], dtype=np.float32),
        intercept=np.full(len(acts), -2.0, dtype=np.float32),  # unsure without evidence
        threshold=0.5,
        keep=0.2,
        rescue=0.2,
    )


def test_the_act_head_reads_the_rules_and_the_context_beside_the_text() -> None:
    # Two text dimensions, then the inputs: the rules' reading and what the contact just did.
    inputs = ("rule:time_check", "after:invite_stay", "asks")
    head = act_head(
        {
            "time_check": [0.0, 0.0, 4.0, 0.0, 0.0],  # trusts the rule
            "accept_stay": [0.0, 0.0, 0.0, 4.0, -8.0],  # after an invitation, unless asking
            "ask_other": [4.0, 0.0, 0.0, 0.0, 0.0],  # from the text alone
        },
        inputs,
    )
    text = np.asarray([0.0, 1.0], dtype=np.float32)
    on = learned.act_features(frozenset({"time_check"}), frozenset(), "invite_stay", asks=False)
    assert head.read(text, on, frozenset({"time_check"})) == {"time_check", "accept_stay"}
    on = learned.act_features(frozenset(), frozenset(), "", asks=False)
    assert head.read(text, on, frozenset()) == frozenset()  # nothing speaks for any act


def test_the_act_head_adds_the_catch_all_question_only_to_a_question() -> None:
    head = act_head({"ask_other": [4.0, 0.0, 0.0]}, ("asks",))
    topical = np.asarray([1.0, 0.0], dtype=np.float32)
    statement = learned.act_features(frozenset(), frozenset(), "", asks=False)
    question = learned.act_features(frozenset(), frozenset(), "", asks=True)
    assert head.read(topical, statement, frozenset()) == frozenset()
    assert head.read(topical, question, frozenset()) == {"ask_other"}
    # ... and keeps it where the rules read it, whatever the form
    assert head.read(topical, statement, frozenset({"ask_other"})) == {"ask_other"}


def test_the_act_head_overrules_the_rules_only_when_sure() -> None:
    head = act_head({"goodbye": [1.0, 0.0], "thank": [-2.0, 0.0]}, ())
    text = np.asarray([1.0, 0.0], dtype=np.float32)  # goodbye p=0.27, thank p=0.02
    ruled = frozenset({"goodbye", "thank"})
    assert head.read(text, [], ruled) == {"goodbye"}  # kept above ``keep``, thank dropped


needs_act_head = pytest.mark.skipif(
    learned.act_head() is None, reason="no encoder or no shipped act head"
)


@needs_act_head
@pytest.mark.parametrize(
    ("text", "context", "acts"),
    [
        # ACTS.md's notes, as the shipped reader reads them
        ("I rocked up far too early haha", Context("arrive"), {"arrive_early"}),
        ("sorry about the suit, I never usually dress this smart", Context("arrive"), {"dressed"}),
        ("could you share your impressions of how I did?", Context("goodbye"), {"ask_feedback"}),
        ("can you picture an accountant like me doing well in design?", None, {"ask_fit"}),
        ("any openings on ur team?", None, {"ask_job"}),
        ("my last interview went badly", None, set()),
        ("I'm stressed about time lately", None, set()),
        ("What would you do differently if you started today?", None, {"ask_other"}),
        ("I'd better not", Context("goodbye", "invite_stay"), {"decline_stay"}),
        ("anyone else I should meet?", Context("referral"), {"ask_referrals"}),
        # the labelled sets give no time check after an answer: the head must not learn that
        ("I don't want to keep you.", Context("converse", "answer"), {"time_check"}),
        ("I know what is expected in this industry.", None, set()),
    ],
)
def test_the_shipped_act_reader_follows_the_labelling_conventions(
    text: str, context: Context | None, acts: set[str]
) -> None:
    assert understand(text, context) == acts


def test_a_topic_newer_than_the_head_is_the_rules_alone() -> None:
    """ "How do you deal with difficult clients?" got the hours answer from 11 contacts in
    reviewers' practices: the head, which has never seen the new topic, must not overrule
    the rules' reading of it, however sure it is of another."""
    from flows.asking import question_topics
    from flows.understanding import understand

    for text in (
        "How do you deal with difficult clients who have unrealistic expectations?",
        "How do you cope with demanding clients?",
        "ever had a nightmare client?",
    ):
        assert list(question_topics(text, understand(text))) == ["difficult_people"], text
    stress = "how do you handle the stress?"
    assert list(question_topics(stress, understand(stress))) == ["balance"]


@needs_act_head
def test_the_shipped_act_head_carries_its_clause_bar() -> None:
    """The bar a clause's act needs (rules and head both reading it there) comes from the
    head's cross-validation, never above its own threshold."""
    head = learned.act_head()
    assert head is not None
    assert 0 < head.rescue <= head.threshold


def test_a_clause_act_is_kept_at_the_heads_clause_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    """A check-in fact the rules read in one clause is kept when the head reaches its
    ``rescue`` bar there, though that is under the whole-message ``threshold``; below the
    bar it is not."""
    head = learned.ActHead(
        acts=("dressed",),
        inputs=("rule:dressed",),
        coef=np.asarray([[0.0, 0.0, 2.2]], dtype=np.float32),
        intercept=np.asarray([-2.0], dtype=np.float32),  # with the rule: p = 0.55
        threshold=0.6,
        keep=1.0,
        rescue=0.5,
    )
    monkeypatch.setattr(learned, "act_head", lambda: head)
    monkeypatch.setattr(learned, "encoder", lambda: object())
    monkeypatch.setattr(learned, "vector", lambda text: np.zeros(2, dtype=np.float32))
    learned.clause_acts.cache_clear()
    ruled = frozenset({"dressed"})
    assert learned.clause_acts("in my navy suit", ("rule:dressed",), ruled) == ruled
    assert learned.read_acts.__wrapped__("in my navy suit", ("rule:dressed",), ruled) == set()
    strict = learned.ActHead(**{**head.__dict__, "rescue": 0.6})
    monkeypatch.setattr(learned, "act_head", lambda: strict)
    learned.clause_acts.cache_clear()
    assert learned.clause_acts("in my navy suit", ("rule:dressed",), ruled) == set()
    learned.clause_acts.cache_clear()
