"""Faults found practising as a bartender texting Conor about sales (the session after stop
36), each asked as a user would in a meeting with him."""

from __future__ import annotations

from tests.real_contacts import replies_in_turn


def test_advice_for_getting_a_first_interview_is_not_a_request_for_feedback() -> None:
    """ "any advice for getting my first interview" got the advice, then the closing
    feedback ("Okay, feedback. No sugar on it..."), and the meeting moved to its goodbye:
    the learned reader alone read a request for feedback."""
    [said] = replies_in_turn("conor", "any advice for getting my first interview")
    assert [t.kind for t in said if t.kind == "feedback"] == [], [(t.kind, t.ref) for t in said]
    assert said[0].ref.startswith("advice."), said[0].ref


def test_feedback_asked_twice_is_not_read_out_twice() -> None:
    """Asked again, the contact read out the same feedback, sentence for sentence."""
    _, first, again = replies_in_turn(
        "conor",
        "hi, I was a bartender for 6 years",
        "How did I come across?",
        "any feedback for me? be honest",
    )
    assert first[0].kind == again[0].kind == "feedback"
    first_sentences = {s.strip() for s in first[0].text.split(".") if len(s.strip()) > 20}
    again_sentences = {s.strip() for s in again[0].text.split(".") if len(s.strip()) > 20}
    assert not first_sentences & again_sentences, first_sentences & again_sentences


def test_his_worst_rejection_is_a_rejection() -> None:
    """ "whats the worst rejection uve had" got the story of a gas leak in a cellar (its
    "worst" tied it): Conor had no rejection to tell, in a job made of them."""
    [said] = replies_in_turn("conor", "ha fair. whats the worst rejection uve had")
    assert said[0].ref.startswith("spec."), (said[0].ref, said[0].text)
    assert "Limerick" in said[0].text


def test_the_worst_thing_that_went_wrong_is_a_story_not_the_best_part() -> None:
    """ "What's the worst thing that ever went wrong behind the bar?" got the story and
    then the best part of the job: a rule read "the worst thing" as best and least."""
    [said] = replies_in_turn("conor", "What's the worst thing that ever went wrong behind the bar?")
    assert [t.ref.split(".")[0] for t in said] == ["stories"], [t.ref for t in said]


def test_an_sdrs_day_is_an_sdrs_day() -> None:
    """ "whats a normal day look like for an SDR" got Conor's own day as an AE, in the
    job the user is aiming for: he now has an SDR's day to tell, kept for when it is asked."""
    sdr, own = replies_in_turn(
        "conor", "whats a normal day look like for an SDR", "What does a typical day look like?"
    )
    assert "SDR's day" in sdr[0].text, sdr[0].text
    assert own[0].ref.startswith("typical_day.") and "SDR's day" not in own[0].text


def test_commission_only_hears_about_base_and_commission() -> None:
    """ "is it true ur basically on commission only" got how pay grows in jumps."""
    [said] = replies_in_turn("conor", "is it true ur basically on commission only")
    assert "base" in said[0].text, said[0].text
