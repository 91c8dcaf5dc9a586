"""``rapport chat``: a practice in the terminal, or a script replayed on a virtual clock
(which needs no database: it is opened only for a practice kept in it)."""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from bot.cli.common import UsageError
from bot.render import render_scorecard, render_turn
from bot.terminal import choose
from bot.terminal.chat import TerminalChat, wall_clock
from bot.terminal.practice import LocalPractice
from bot.terminal.script import (
    SCRIPT_EPOCH,
    ScriptError,
    Step,
    parse_script,
    report,
    run_script,
)
from flows.effects import Show
from flows.engine import Engine
from flows.persona import Persona

LATE_ENV = "RAPPORT_NUDGE_LATE_MINUTES"
"""Nudges delivered later than this many minutes say when they were due (default 5)."""
RESUME_CONTEXT = 4
"""How many of the latest lines to show again when resuming."""


def _read_lines(path: str) -> list[str]:
    if path == "-":
        return sys.stdin.read().splitlines()
    try:
        return Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"cannot read {path}: it is not UTF-8 text") from None


def _flow() -> Engine:
    """The flow, with settings from the environment."""
    raw = os.environ.get(LATE_ENV, "").strip()
    if not raw:
        return Engine()
    try:
        minutes = float(raw)
    except ValueError:
        raise UsageError(f"{LATE_ENV} must be a number of minutes, not {raw!r}") from None
    if minutes < 0:
        raise UsageError(f"{LATE_ENV} must not be negative")
    return Engine(late_note_after=timedelta(minutes=minutes))


def cmd_chat(args: argparse.Namespace) -> int:
    engine = _flow()
    if args.persona is not None and args.field is not None:
        raise UsageError("give --persona or --field, not both")
    query = args.persona if args.persona is not None else args.field
    among: list[Persona] | None = None
    if query is not None:
        try:
            if args.script:
                args.persona = choose.one(list(engine.personas.values()), query).id
            else:
                among = choose.resolve(list(engine.personas.values()), query)
                args.persona = among[0].id if len(among) == 1 else None
        except choose.NoContact as exc:
            raise UsageError(str(exc)) from None
    args.among = among
    if args.json and not args.script:
        raise UsageError("--json goes with --script")
    questions = _read_lines(args.questions) if args.questions else []
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**31)
    scenario = dict(args.scenario)

    if args.script:
        steps = _parse(args.script)
        persona_id = args.persona or next(iter(engine.personas))
        session, _ = engine.start(
            persona_id,
            now=SCRIPT_EPOCH,
            seed=seed,
            minutes=args.minutes,
            prepared_questions=questions,
            scenario=scenario,
        )
        practice = LocalPractice(engine, session)
        run_script(practice, steps, SCRIPT_EPOCH)
        if args.json:
            json.dump(report(practice), sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
        else:
            for turn in session.turns:
                prefix = "You: " if turn.speaker == "user" else ""
                print(prefix + render_turn(turn, practice.persona).strip("[]"))
            print()
            print(render_scorecard(practice.final_scorecard()))
        return 0

    return _interactive(engine, args, questions, seed, scenario)


def _interactive(
    engine: Engine,
    args: argparse.Namespace,
    questions: list[str],
    seed: int,
    scenario: dict[str, str],
) -> int:
    # The database only for a practice kept in it: a script replays without one.
    from bot.cli.database import open_store
    from bot.store.practices import NotFound
    from bot.terminal.records import LOCAL_USER
    from bot.terminal.stored import StoredPractice

    store = open_store(engine)
    now = wall_clock()
    user_id = store.user_id(LOCAL_USER, now)
    chat = _terminal_chat(engine)
    if args.resume is not None:
        session_id = args.resume or store.unfinished(user_id)
        if not session_id:
            raise UsageError("no unfinished practice to resume; start one with `rapport chat`")
        try:
            practice = StoredPractice(store, user_id, session_id)
        except NotFound:
            raise UsageError(f"no practice {session_id}; see `rapport history`") from None
        recent = practice.session.turns[-RESUME_CONTEXT:]
        opening = [Show(turn) for turn in recent if turn.speaker != "user"]
        chat.write(f"(Resuming practice {session_id} with {practice.persona.name}.)")
        chat.run(practice, opening)
        return 0
    if (old := store.unfinished(user_id)) is not None:
        chat.write(f"(Practice {old} is unfinished; `rapport chat --resume` continues it.)")
    persona_id = args.persona or chat.choose_persona(args.among)
    if persona_id is None:
        return 0
    outcome = store.start(
        user_id,
        persona_id,
        now=now,
        seed=seed,
        minutes=args.minutes,
        prepared_questions=questions or store.questions(user_id),
        scenario=scenario,
    )
    chat.run(StoredPractice(store, user_id, outcome.session_id), outcome.effects)
    return 0


def _parse(path: str) -> list[Step]:
    try:
        return list(parse_script(_read_lines(path)))
    except ScriptError as exc:
        raise UsageError(f"{path}: {exc}") from None


def _terminal_chat(engine: Engine) -> TerminalChat:
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
