"""Faults found practising as a support engineer who wants to move into product, with Greg
(the session after stop 36), each asked as a user would in a meeting with him."""

from __future__ import annotations

from tests.real_contacts import replies_in_turn


def test_hiring_managers_are_not_the_contacts_first_time_managing() -> None:
    """ "what do hiring managers look for in a first-time PM?" got Greg's story of his
    first months managing other product managers ("Bad, for the first six months"): a
    detail's key took "first time" and the "manager" in "hiring managers"."""
    [said] = replies_in_turn("greg", "what do hiring managers look for in a first-time PM?")
    assert said[0].ref.startswith("hiring."), (said[0].ref, said[0].text)


def test_his_first_year_managing_is_still_his_own_story() -> None:
    [said] = replies_in_turn("greg", "was it hard becoming a manager of other PMs?")
    assert said[0].ref.startswith("spec."), (said[0].ref, said[0].text)
    assert "first six months" in said[0].text


def test_a_request_for_names_that_names_his_own_road_gets_names() -> None:
    """ "would you know anyone else I could talk to, maybe someone who went from support
    to product?" got his own road in first ("Not on purpose. I did support for three
    years..."), then the names."""
    [said] = replies_in_turn(
        "greg",
        "would you know anyone else I could talk to, maybe someone who went from support "
        "to product?",
    )
    assert said, "no reply"
    assert said[0].kind == "referrals", [(t.kind, t.ref) for t in said]
    assert not any(t.ref.startswith("ask_start") for t in said)


def test_how_he_deals_with_what_he_just_said_goes_on_with_it() -> None:
    """ "sounds rough. how do you deal with that?" right after roadmap politics got the
    hours and the stress ("Most weeks run forty-five to fifty hours"): a coping rule read
    the hours; the user asked how he deals with *that*."""
    least, coping, stress = replies_in_turn(
        "greg",
        "what's the most annoying part of the job honestly",
        "sounds rough. how do you deal with that?",
        "And how do you deal with the stress in general?",
    )
    assert coping[0].ref == f"{least[0].ref}+", (least[0].ref, coping[0].ref)
    assert stress[0].ref.startswith("balance."), stress[0].ref


def test_an_apm_programme_is_a_way_in_not_a_degree() -> None:
    """ "do you think an APM program is worth it or should I try to move internally?" got
    "You don't need a specific degree or certification": a firm rule named the way in, but a
    longer rule's reading (advice) was the one the learned reader was asked to settle."""
    [said] = replies_in_turn(
        "greg", "do you think an APM program is worth it or should I try to move internally?"
    )
    assert said[0].ref.startswith("entry."), (said[0].ref, said[0].text)
