"""The meeting's state machine: one shared ``transitions`` Machine for every session.

A session's state lives in its :class:`~flows.session.Session` as a plain string. To act on
it, :func:`attached` adds a short-lived model to the shared machine *at* that state (entry
callbacks are not re-run), lets the caller fire triggers, copies the new state back and
removes the model again. No Machine is built per message and no model stays attached.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Final

from transitions import Machine

from flows.session import Session

ARRIVE: Final = "arrive"
CONVERSE: Final = "converse"
GOODBYE: Final = "goodbye"
REFERRAL: Final = "referral"
DONE: Final = "done"
ABANDONED: Final = "abandoned"

STATES: Final[tuple[str, ...]] = (ARRIVE, CONVERSE, GOODBYE, REFERRAL, DONE, ABANDONED)
STAGES: Final[tuple[str, ...]] = (ARRIVE, CONVERSE, GOODBYE, REFERRAL)
"""The four stages of the meeting itself (the states a user acts in)."""

TRANSITIONS: Final[list[dict[str, Any]]] = [
    # The contact greets the user: the meeting (and its clock) begins.
    {"trigger": "begin", "source": ARRIVE, "dest": CONVERSE},
    # The time was raised, or feedback asked for: time to say goodbye.
    {"trigger": "wrap_up", "source": CONVERSE, "dest": GOODBYE},
    # The user asks for names of other people to talk to.
    {"trigger": "ask_names", "source": [CONVERSE, GOODBYE], "dest": REFERRAL},
    # A closing thanks or goodbye.
    {"trigger": "finish", "source": [CONVERSE, GOODBYE, REFERRAL], "dest": DONE},
    # /end before the meeting is over.
    {"trigger": "abandon", "source": list(STAGES), "dest": ABANDONED},
]


class Meeting:
    """The model the machine drives: a session plus hooks the engine fills in.

    ``on_enter_<state>`` hooks run only on real transitions, never when a stored
    state is restored.
    """

    state: str

    def __init__(self, session: Session, on_enter: Callable[[str], None]) -> None:
        self.session = session
        self._on_enter = on_enter

    def on_enter_converse(self) -> None:
        self._on_enter(CONVERSE)

    def on_enter_goodbye(self) -> None:
        self._on_enter(GOODBYE)

    def on_enter_referral(self) -> None:
        self._on_enter(REFERRAL)

    def on_enter_done(self) -> None:
        self._on_enter(DONE)

    def on_enter_abandoned(self) -> None:
        self._on_enter(ABANDONED)

    def fire(self, trigger: str) -> None:
        """Fire ``trigger``; raises ``transitions.MachineError`` if not allowed here."""
        getattr(self, trigger)()

    def can(self, trigger: str) -> bool:
        return bool(getattr(self, f"may_{trigger}")())


def build_machine(
    machine_class: type[Machine] = Machine, model: object = None, **extra: Any
) -> Machine:
    """The machine definition; the diagram reuses it with ``GraphMachine``."""
    return machine_class(
        model=model,
        states=list(STATES),
        transitions=TRANSITIONS,
        initial=ARRIVE,
        auto_transitions=False,
        **extra,
    )


MACHINE: Final = build_machine()
_LOCK: Final = threading.Lock()


@contextmanager
def attached(session: Session, on_enter: Callable[[str], None]) -> Iterator[Meeting]:
    """Attach ``session`` to the shared machine at its stored state, for one step."""
    meeting = Meeting(session, on_enter)
    with _LOCK:
        MACHINE.add_model(meeting, initial=session.state)
    try:
        yield meeting
    finally:
        session.state = meeting.state
        with _LOCK:
            MACHINE.remove_model(meeting)
