"""Faults found practising as a chemistry teacher who wants to move into research, with
Samuel (the session after stop 36), each asked as a user would in a meeting with him."""

from __future__ import annotations

from tests.real_contacts import replies_in_turn


def test_offering_to_stay_uninvited_is_not_a_question_to_defer() -> None:
    """ "I'd love to stay a bit longer if that's okay." with no invitation got "Might I
    suggest noting that one down for our next conversation?": "if that's okay" was taken
    for a question, which no topic covers."""
    [said] = replies_in_turn("samuel", "I'd love to stay a bit longer if that's okay.")
    assert said[0].kind == "time_noted", (said[0].kind, said[0].text)


def test_how_grants_work_is_his_answer_on_grants() -> None:
    """ "How do grants work, in simple terms?" got "I would like to do justice to that one":
    his answer on NIH grants was reached only by "R01", "NIH grant" and the like."""
    [said] = replies_in_turn("samuel", "How do grants work, in simple terms?")
    assert said[0].ref.startswith("term."), (said[0].ref, said[0].text)
    assert "R01" in said[0].text


def test_a_phd_question_hears_about_degrees_for_lab_work() -> None:
    """ "Do I really need a PhD to work in a lab like yours?" got which certifications matter
    ("PhD", in mixed capitals, tied no answer)."""
    [said] = replies_in_turn("samuel", "Do I really need a PhD to work in a lab like yours?")
    assert "bachelor's degree" in said[0].text, said[0].text
