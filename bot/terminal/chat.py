"""The interactive terminal chat: rehearse a meeting at your keyboard.

Nudges are delivered by a background ticker on the wall clock, so they appear on time
even while the prompt sits idle. Run it with ``rapport chat``.
"""

from __future__ import annotations

import shutil
import sys
import textwrap
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TextIO

from bot.render import render_scorecard, render_turn
from bot.terminal.choose import choose
from bot.terminal.practice import Practice
from bot.terminal.script import parse_command
from flows.effects import Effect, Finished, Show
from flows.engine import CHECK_BACK, Engine
from flows.persona import Persona

QUIT_COMMANDS = ("quit", "exit")
TERMINAL_HELP = (
    "(In the terminal: /quit leaves and keeps the practice, to continue later with "
    "`rapport chat --resume`.)"
)


def check_back_note(practice: Practice, due: datetime) -> str:
    """How a check-back reminder two days away will really reach a terminal user."""
    when = f"{due:%A %d %B at %H:%M} UTC"
    if not practice.resumable:
        return f"(In a real practice the contact would expect to hear from you on {when}.)"
    session_id = getattr(practice, "session_id", "")
    return (
        f"(A check-back reminder is due on {when}. If this chat is still open then, it shows "
        f"here; otherwise run `rapport chat --resume {session_id}` after that time and it will "
        "be waiting, with the contact ready to answer. On Telegram it arrives as a message.)"
    )


Clock = Callable[[], datetime]
Reader = Callable[[str], str]


def wall_clock() -> datetime:
    return datetime.now(UTC)


class TerminalChat:
    def __init__(
        self,
        engine: Engine,
        *,
        out: TextIO,
        read: Reader,
        clock: Clock = wall_clock,
        prompt: str = "> ",
        typed_so_far: Callable[[], str] | None = None,
        width: int | None = None,
    ) -> None:
        self.engine = engine
        self.out = out
        self.read = read
        self.clock = clock
        self.prompt = prompt
        self.typed_so_far = typed_so_far
        """On a terminal: what the user has typed at the prompt, to redraw after a nudge."""
        self.width = width
        """On a terminal: wrap lines to this width."""
        self._lock = threading.Lock()
        self._waiting = False

    # -- output -----------------------------------------------------------------------------

    def write(self, text: str) -> None:
        if self.width:
            text = "\n".join(
                textwrap.fill(line, self.width, subsequent_indent="  ") if line else line
                for line in text.splitlines()
            )
        self.out.write(text + "\n")
        self.out.flush()

    def show(self, practice: Practice, effects: Sequence[Effect]) -> None:
        for effect in effects:
            if isinstance(effect, Show):
                self.write(render_turn(effect.turn, practice.persona))
            elif isinstance(effect, Finished):
                self.write("")
                self.write(render_scorecard(effect.scorecard))

    # -- choosing a contact -----------------------------------------------------------------

    def choose_persona(self, among: Sequence[Persona] | None = None) -> str | None:
        """Ask which contact to meet (``among``: only these, e.g. the ones a field fits)."""
        personas = list(among if among is not None else self.engine.personas.values())
        chosen = choose(personas, self.write, self.read)
        return chosen.id if chosen else None

    # -- the loop ---------------------------------------------------------------------------

    def _on_nudge(self, practice: Practice, effects: Sequence[Effect]) -> None:
        """Called from the nudge thread: print above the prompt, then redraw it."""
        if not effects:
            return
        with self._lock:
            self.out.write("\r\033[K" if self.typed_so_far else "\n")
            self.show(practice, effects)
            if self._waiting:
                typed = self.typed_so_far() if self.typed_so_far else ""
                self.out.write(self.prompt + typed)
                self.out.flush()

    def _prepare_interactively(self, practice: Practice) -> None:
        self.write("Type the questions you'll send ahead, one per line; an empty line finishes.")
        while True:
            try:
                question = self.read("? ").strip()
            except EOFError:
                return
            if not question:
                return
            with self._lock:
                self.show(practice, practice.command("prepare", question, self.clock()))

    def _read_line(self) -> str | None:
        self._waiting = True
        try:
            return self.read(self.prompt)
        except EOFError:
            return None
        finally:
            self._waiting = False

    def run(self, practice: Practice, opening: Sequence[Effect]) -> Practice:
        self.show(practice, [*opening, *practice.catch_up(self.clock())])
        self.write("(Type /help for help, /end to finish early.)")
        stop = threading.Event()
        nudges = threading.Thread(
            target=practice.run_nudges,
            args=(stop, self.clock, lambda effects: self._on_nudge(practice, effects)),
            daemon=True,
        )
        nudges.start()
        try:
            self._loop(practice)
        finally:
            stop.set()
            practice.wake()
            nudges.join()
        return practice

    def _leave(self, practice: Practice) -> None:
        """Leaving keeps a saved practice for later; an in-memory one is ended here."""
        if practice.session.finished:
            return
        if practice.resumable:
            self.write("(Your practice is saved. Continue it with `rapport chat --resume`.)")
            return
        with self._lock:
            self.show(practice, practice.command("end", "", self.clock()))

    def _loop(self, practice: Practice) -> None:
        while True:
            line = self._read_line()
            text = "/quit" if line is None else line.strip()  # end of input leaves too
            if text.startswith("/") and len(text) > 1:
                command = parse_command(text)
                if command.name in QUIT_COMMANDS:
                    self._leave(practice)
                    return
                if command.name == "help":
                    with self._lock:
                        self.show(practice, practice.command("help", "", self.clock()))
                    self.write(TERMINAL_HELP)
                    continue
                if command.name == "prepare" and not command.argument:
                    self._prepare_interactively(practice)
                    continue
                with self._lock:
                    effects = practice.command(command.name, command.argument, self.clock())
            else:
                with self._lock:
                    effects = practice.message(text, self.clock())
            with self._lock:
                self.show(practice, effects)
            if any(isinstance(e, Finished) for e in effects):
                if CHECK_BACK not in practice.session.nudges:
                    return
                self.write(check_back_note(practice, practice.session.nudges[CHECK_BACK]))


def for_this_terminal(engine: Engine) -> TerminalChat:
    """On a terminal: line editing, wrapped lines, the typed line redrawn after a nudge.
    From a pipe: plain line reads and no prompts."""
    if not sys.stdin.isatty():
        return TerminalChat(engine, out=sys.stdout, read=lambda _p: _read_stdin_line(), prompt="")
    try:
        import readline

        typed: Callable[[], str] | None = readline.get_line_buffer
    except ImportError:  # not on every platform
        typed = None
    width = min(shutil.get_terminal_size().columns, 100) - 1
    return TerminalChat(engine, out=sys.stdout, read=input, typed_so_far=typed, width=width)


def _read_stdin_line() -> str:
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line.rstrip("\n")
