"""Faults found practising as a nurse from Brazil, in second-language English, with Priya
(the session after stop 36), each asked as a user would in a meeting with her."""

from __future__ import annotations

from tests.real_contacts import replies_in_turn


def test_nurses_who_come_from_another_country_are_not_small_talk() -> None:
    """ "What is the hardest for nurses who come from other country?" got "Scarborough,
    originally. My mother taught grade four..." before the answer: a small-talk rule took
    "come from other country" for a question about where Priya comes from."""
    [said] = replies_in_turn("priya", "What is the hardest for nurses who come from other country?")
    assert all(t.kind != "personal" for t in said), [(t.kind, t.text[:40]) for t in said]


def test_and_for_an_rpn_after_the_pay_asks_an_rpns_pay() -> None:
    """ "And for RPN?" right after a new grad's take-home pay got what an RPN is: the
    question carried over (RPN pay, which Priya has) was then read as the field's term, and
    "RPN", three letters, tied no answer."""
    pay, rpn = replies_in_turn("priya", "How much do new grads make here?", "And for RPN?")
    assert pay[0].ref.startswith("pay."), pay[0].ref
    assert rpn[0].ref.startswith("pay."), (rpn[0].ref, rpn[0].text)
    assert "RPN" in rpn[0].text


def test_how_many_patients_one_nurse_has_is_the_ratio() -> None:
    """ "How many patients one nurse have on your ward?" got how the ward is organised
    (thirty-six beds, ninety people on the schedule): Priya's answer on the ratio was
    reached only by "nurse to patient ratio"."""
    [said] = replies_in_turn("priya", "How many patients one nurse have on your ward?")
    assert said[0].ref.startswith("term."), (said[0].ref, said[0].text)
    assert "four or five patients" in said[0].text
