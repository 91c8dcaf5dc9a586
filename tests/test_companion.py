"""The companion's pure rules: what to schedule around a real meeting."""

from __future__ import annotations

from datetime import timedelta

import pytest

from flows import companion as c
from tests.conftest import T0


def test_a_meeting_gets_a_mark_and_optionally_a_heads_up() -> None:
    assert [r.kind for r in c.start_meeting(T0, 20, heads_up=False)] == [c.MARK]
    both = c.start_meeting(T0, 20, heads_up=True)
    assert [(r.kind, r.due - T0) for r in both] == [
        (c.HEADS_UP, timedelta(minutes=15)),
        (c.MARK, timedelta(minutes=20)),
    ]
    assert [r.kind for r in c.start_meeting(T0, 4, heads_up=True)] == [c.MARK]  # too short
    with pytest.raises(ValueError):
        c.start_meeting(T0, 0, heads_up=False)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Ana Ruiz, Sam Patel and Chris", ["Ana Ruiz", "Sam Patel", "Chris"]),
        ("none", []),
        ("No one yet.", []),
        ("Li; li; Omar\nBea & Kim", ["Li", "Omar", "Bea", "Kim"]),
        ("  Dr. Rivera  ", ["Dr. Rivera"]),
    ],
)
def test_names_are_read_from_free_text(text: str, names: list[str]) -> None:
    assert c.parse_names(text) == names


def test_follow_ups_after_the_meeting() -> None:
    with_names = c.after_meeting(T0, ["Ana", "Sam"])
    assert [(r.kind, r.about, r.due - T0) for r in with_names] == [
        (c.THANK_YOU, "", timedelta(hours=2)),
        (c.REACH_OUT, "Ana", timedelta(days=1)),
        (c.REACH_OUT, "Sam", timedelta(days=2)),
    ]
    without = c.after_meeting(T0, [])
    assert [(r.kind, r.due - T0) for r in without] == [
        (c.THANK_YOU, timedelta(hours=2)),
        (c.CHECK_BACK, timedelta(days=2)),
    ]
    assert "Ana" in c.nudge_text(c.REACH_OUT, "Jordan", "Ana")
    assert "Jordan" in c.nudge_text(c.THANK_YOU, "Jordan")
