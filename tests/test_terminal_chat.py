"""The interactive terminal chat, driven as a user at the keyboard would."""

from __future__ import annotations

import io
import queue
import threading
import time
from datetime import datetime, timedelta

from bot.terminal.chat import TerminalChat
from bot.terminal.practice import LocalPractice
from flows.engine import Engine
from tests.conftest import T0


class FakeClock:
    def __init__(self) -> None:
        self.now = T0
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self.now

    def advance(self, delta: timedelta) -> None:
        with self._lock:
            self.now += delta


class Keyboard:
    """Lines typed by the test; ``None`` is Ctrl-D."""

    def __init__(self) -> None:
        self.lines: queue.Queue[str | None] = queue.Queue()

    def type(self, *lines: str | None) -> None:
        for line in lines:
            self.lines.put(line)

    def __call__(self, _prompt: str) -> str:
        line = self.lines.get(timeout=10)
        if line is None:
            raise EOFError
        return line


def wait_for(out: io.StringIO, text: str, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while text not in out.getvalue():
        assert time.monotonic() < deadline, f"never saw {text!r} in:\n{out.getvalue()}"
        time.sleep(0.02)


def start(
    engine: Engine, keyboard: Keyboard, clock: FakeClock, out: io.StringIO, **kw: object
) -> threading.Thread:
    chat = TerminalChat(engine, out=out, read=keyboard, clock=clock)
    session, opening = engine.start(
        "dana", now=clock(), seed=4, minutes=1.5, scenario={"stay": "no"}
    )
    thread = threading.Thread(
        target=chat.run, args=(LocalPractice(engine, session), opening), daemon=True
    )
    thread.start()
    return thread


def test_a_nudge_appears_while_the_prompt_is_idle(engine: Engine) -> None:
    keyboard, clock, out = Keyboard(), FakeClock(), io.StringIO()
    thread = start(engine, keyboard, clock, out)
    keyboard.type("Hi, I'm ready", "How did you get started?")
    wait_for(out, "Dana:")
    clock.advance(timedelta(seconds=91))  # past the 1.5-minute mark, no typing
    wait_for(out, "[nudge]")
    assert "1.5 minutes have passed" in out.getvalue()
    keyboard.type("Oh, our time is up, I should let you go", "Thanks, goodbye!")
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert "Scorecard:" in out.getvalue()


def test_end_of_input_ends_the_practice_with_a_scorecard(engine: Engine) -> None:
    keyboard, clock, out = Keyboard(), FakeClock(), io.StringIO()
    thread = start(engine, keyboard, clock, out)
    keyboard.type("/help", None)
    thread.join(timeout=10)
    assert "The four stages" in out.getvalue()
    assert "You ended this practice early" in out.getvalue()
    assert "Scorecard:" in out.getvalue()


def test_prepare_without_a_question_asks_for_several(engine: Engine) -> None:
    keyboard, clock, out = Keyboard(), FakeClock(), io.StringIO()
    thread = start(engine, keyboard, clock, out)
    keyboard.type(
        "/prepare", "How did you start?", "What do you like least?", "", "/questions", "/quit"
    )
    thread.join(timeout=10)
    assert "You have 2 prepared" in out.getvalue()
    assert "2. What do you like least?" in out.getvalue()


def test_choosing_a_contact_by_number_or_id(engine: Engine) -> None:
    keyboard, out = Keyboard(), io.StringIO()
    chat = TerminalChat(engine, out=out, read=keyboard)
    keyboard.type("99", "2")
    assert chat.choose_persona() == list(engine.personas)[1]
    keyboard.type("priya")
    assert chat.choose_persona() == "priya"
    assert "Please type a number" in out.getvalue()


def test_help_in_the_terminal_says_how_to_leave_and_come_back(engine: Engine) -> None:
    keyboard, out, clock = Keyboard(), io.StringIO(), FakeClock()
    thread = start(engine, keyboard, clock, out)
    keyboard.type("/help")
    wait_for(out, "/quit leaves and keeps the practice")
    keyboard.type(None)
    thread.join(timeout=10)


def test_choosing_a_contact_by_field(engine: Engine) -> None:
    keyboard, out = Keyboard(), io.StringIO()
    chat = TerminalChat(engine, out=out, read=keyboard)
    keyboard.type("nursing")
    assert chat.choose_persona() == "priya"
    keyboard.type("manager", "tomas")
    assert chat.choose_persona() == "tomas"
    assert "Several contacts fit 'manager'" in out.getvalue()


def test_a_check_back_reminder_says_how_it_will_reach_a_terminal_user() -> None:
    from bot.terminal.chat import check_back_note

    class Stored:
        resumable = True
        session_id = 42

    class Local:
        resumable = False

    due = T0 + timedelta(days=2)
    note = check_back_note(Stored(), due)  # type: ignore[arg-type]
    assert "rapport chat --resume 42" in note and "Telegram" in note
    assert "Keep this chat open" not in note
    assert "--resume" not in check_back_note(Local(), due)  # type: ignore[arg-type]
