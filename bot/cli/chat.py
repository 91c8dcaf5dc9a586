"""``rapport chat``: a practice in the terminal, or a script replayed on a virtual clock
(which needs no database: it is opened only for a practice kept in it)."""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.common import UsageError
from bot.late_notes import late_note_after
from bot.render import render_scorecard, render_turn
from bot.terminal import choose
from bot.terminal.chat import for_this_terminal, wall_clock
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

if TYPE_CHECKING:
    from bot.voice.terminal import TerminalVoice

LLM_ENV = "RAPPORT_LLM_BASE_URL"
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


def _flow(*, phrasing: bool = False) -> Engine:
    """The flow, with settings from the environment (``phrasing``: a model voice may
    phrase the contact's lines)."""
    try:
        late = late_note_after()
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if late is None:
        return Engine(phrasing=phrasing)
    return Engine(late_note_after=late, phrasing=phrasing)


def _model_may_be_configured() -> bool:
    """Whether RAPPORT_LLM_BASE_URL may be set (the environment or a ``.env`` file): only
    then is the model voice's code loaded, which decides for sure."""
    if os.environ.get(LLM_ENV, "").strip():
        return True
    try:
        return LLM_ENV in Path(".env").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def cmd_chat(args: argparse.Namespace) -> int:
    if not _model_may_be_configured():
        return _chat(args, _flow(), None)
    from bot.voice.terminal import terminal_voice, voice_config

    config = voice_config()
    engine = _flow(phrasing=config is not None)
    with terminal_voice(config, engine) as voice:
        return _chat(args, engine, voice)


def _chat(args: argparse.Namespace, engine: Engine, voice: TerminalVoice | None) -> int:
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
        practice = LocalPractice(engine, session, voice=voice)
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

    return _interactive(engine, args, questions, seed, scenario, voice)


def _interactive(
    engine: Engine,
    args: argparse.Namespace,
    questions: list[str],
    seed: int,
    scenario: dict[str, str],
    voice: TerminalVoice | None = None,
) -> int:
    # The database only for a practice kept in it: a script replays without one.
    from bot.cli.database import open_store
    from bot.store.practices import NotFound
    from bot.terminal.records import LOCAL_USER
    from bot.terminal.stored import StoredPractice

    store = open_store(engine)
    now = wall_clock()
    user_id = store.user_id(LOCAL_USER, now)
    chat = for_this_terminal(engine)
    if voice is not None:
        chat.write(voice.note)
    if args.resume is not None:
        session_id = args.resume or store.unfinished(user_id)
        if not session_id:
            raise UsageError("no unfinished practice to resume; start one with `rapport chat`")
        try:
            practice = StoredPractice(store, user_id, session_id, voice)
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
    if voice is not None:  # the greeting is phrased too; the scene is the narrator's
        from bot.store.voice import save_phrased

        save_phrased(store, voice.phrase(outcome.effects, outcome.session_id))
    chat.run(StoredPractice(store, user_id, outcome.session_id, voice), outcome.effects)
    return 0


def _parse(path: str) -> list[Step]:
    try:
        return list(parse_script(_read_lines(path)))
    except ScriptError as exc:
        raise UsageError(f"{path}: {exc}") from None
