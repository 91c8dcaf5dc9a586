"""The contact remembers what the user says about themselves (flows/userfacts.py)."""

from __future__ import annotations

import pytest

from flows.userfacts import read_message

BACKGROUNDS = [
    # (what the user typed, the background as the contact would say it, its sector)
    ("I worked 8 years as a pharmacy tech", "eight years as a pharmacy tech", "healthcare"),
    (
        "I spent ten years in the army as a logistics officer. What would you look for?",
        "ten years as a logistics officer",
        "logistics",
    ),
    ("I worked 5 years at a bank as a teller", "five years as a teller", "finance"),
    ("i'm a retail supervisor rn", "a retail supervisor", "retail"),
    ("Hi, I'm Sam! I've been a teacher for 12 years", "twelve years as a teacher", "education"),
    ("I spent 10 years in the army", "ten years in the army", "military"),
    ("I've been a barista for three years", "three years as a barista", "hospitality"),
    ("I'm currently a stay-at-home parent", "a stay-at-home parent", "parenting"),
    ("I was in the navy for six years", "six years in the navy", "military"),
    ("I've worked in hospitality for about 5 yrs", "five years in hospitality", "hospitality"),
    ("I am a software developer", "a software developer", "tech"),
    ("im an accountant looking to move into ux design", "an accountant", "finance"),
    ("I was a paralegal before law school fell through", "a paralegal", "law"),
    ("I'm coming from customer service", "a background in customer service", "customer_service"),
    ("i taught for 10 years", "ten years as a teacher", "education"),
    ("I'm a warehouse supervisor at a distribution centre", "a warehouse supervisor", "logistics"),
    ("I work as an electrician", "an electrician", "trades"),
]


@pytest.mark.parametrize(("text", "a_role", "sector"), BACKGROUNDS)
def test_backgrounds_are_read_as_a_person_would_repeat_them(
    text: str, a_role: str, sector: str
) -> None:
    background = read_message(text)[1]
    assert background is not None, text
    assert background.a_role == a_role
    assert background.sector == sector


@pytest.mark.parametrize(
    "text",
    [
        "I'm a bit nervous, sorry",
        "I'm a huge fan of your work",
        "I'm happy to be here",
        "what does a typical day look like?",
        "I read an article about nurses",
    ],
)
def test_small_talk_is_no_background(text: str) -> None:
    assert read_message(text)[1] is None


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Hi, I'm Sam! I've been a teacher for 12 years", "Sam"),
        ("my name is priya and I work in retail", "Priya"),
        ("Hello, this is Maria", "Maria"),
        ("I'm Happy to be here", ""),
        ("hi, im early", ""),
    ],
)
def test_names(text: str, name: str) -> None:
    assert read_message(text)[0] == name


def test_the_aim() -> None:
    assert read_message("i m a nurse but i want to become a data analyst")[2] == "data analyst"
    assert read_message("I've been a barista for 3 years and want to get into marketing")[2] == (
        "marketing"
    )
