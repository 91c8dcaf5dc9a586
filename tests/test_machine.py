"""The shared state machine: restore from a string, no entry re-runs, no models left behind."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from transitions import MachineError

from flows.diagram import block, embedded
from flows.machine import MACHINE, STATES, TRANSITIONS, attached
from flows.session import Scenario, Session

README = Path(__file__).resolve().parents[1] / "README.md"


def _session(state: str) -> Session:
    return Session(
        "dana", 1, Scenario(False, False, "names"), datetime(2026, 1, 1, tzinfo=UTC), state=state
    )


def test_states_are_the_four_stages_plus_endings() -> None:
    assert STATES == ("arrive", "converse", "goodbye", "referral", "done", "abandoned")


@pytest.mark.parametrize("state", STATES)
def test_restoring_a_state_runs_no_entry_callback(state: str) -> None:
    entered: list[str] = []
    session = _session(state)
    with attached(session, entered.append) as meeting:
        assert meeting.state == state
    assert entered == []
    assert session.state == state


def test_a_transition_runs_the_entry_callback_and_is_stored() -> None:
    entered: list[str] = []
    session = _session("goodbye")
    with attached(session, entered.append) as meeting:
        meeting.fire("ask_names")
    assert entered == ["referral"]
    assert session.state == "referral"


def test_no_model_stays_attached_even_after_an_error() -> None:
    session = _session("done")
    with pytest.raises(MachineError), attached(session, lambda _s: None) as meeting:
        meeting.fire("begin")
    assert MACHINE.models == []
    assert session.state == "done"


def test_finished_states_have_no_way_out() -> None:
    sources = {
        s
        for t in TRANSITIONS
        for s in ([t["source"]] if isinstance(t["source"], str) else t["source"])
    }
    assert "done" not in sources and "abandoned" not in sources


def test_readme_diagram_matches_the_machine() -> None:
    current = embedded(README.read_text(encoding="utf-8"))
    assert current is not None, "README lost its state-machine markers"
    assert current == block(), "README diagram is stale: run `python -m flows.diagram README.md`"
