"""The ``rapport`` command line.

rapport chat                      rehearse in the terminal (pick a contact)
rapport chat --script FILE --json replay a rehearsal script on a virtual clock
rapport understand                read messages on stdin, print their dialogue acts
rapport personas list|check       list or validate the contacts
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from pydantic import ValidationError

from bot import logs, opening
from bot.config import Settings, settings_problem
from bot.failures import StartupFailure
from bot.opening import EX_TEMPFAIL, TransientStartError, open_store, when_reachable
from bot.render import render_scorecard, render_turn
from bot.store.accounts import delete_user, export_user
from bot.store.practices import NotFound
from bot.store.schema import current_revision, upgrade
from bot.store.updates import bot_id_of
from bot.store.voice import save_phrased
from bot.terminal import choose
from bot.terminal.chat import for_this_terminal, wall_clock
from bot.terminal.practice import LocalPractice
from bot.terminal.records import (
    LOCAL_USER,
    history_lines,
    latest_scored,
    write_report,
)
from bot.terminal.script import (
    SCRIPT_EPOCH,
    ScriptError,
    Step,
    parse_script,
    report,
    run_script,
)
from bot.terminal.stored import StoredPractice
from bot.voice.model import VoiceConfig
from bot.voice.terminal import TerminalVoice, terminal_voice, voice_config
from flows import acts as A
from flows.answers import question_topics
from flows.coaching import score_session
from flows.effects import Show
from flows.engine import DEFAULT_MINUTES, Engine
from flows.persona import PERSONA_DIR, Persona, PersonaError, load_personas
from flows.persona_check import check_personas
from flows.scenario import ScenarioError, parse_override
from flows.topics import TOPICS
from flows.understanding import explain, normalised, understand

LATE_ENV = "RAPPORT_NUDGE_LATE_MINUTES"
"""Nudges delivered later than this many minutes say when they were due (default 5)."""
RESUME_CONTEXT = 4
"""How many of the latest lines to show again when resuming."""


class UsageError(Exception):
    """Bad input from the command line: printed as one clear line, exit status 2."""


def _minutes(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of minutes") from None
    if not 0 < value <= 24 * 60:
        raise argparse.ArgumentTypeError("minutes must be more than 0 and at most 1440")
    return value


def _scenario(text: str) -> tuple[str, str]:
    try:
        return parse_override(text)
    except ScenarioError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rapport", description="Rehearse informational interviews and get coached."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    chat = sub.add_parser("chat", help="practise a meeting in the terminal")
    chat.add_argument(
        "--persona",
        metavar="ID|FIELD",
        help="the contact to meet, by id or by field: dana, nurse, 'ux design' (default: choose)",
    )
    chat.add_argument(
        "--field", metavar="FIELD", help="meet someone in this field (the same as --persona FIELD)"
    )
    chat.add_argument("--seed", type=int, help="seed for the contact's choices (default: random)")
    chat.add_argument(
        "--minutes",
        type=_minutes,
        default=DEFAULT_MINUTES,
        help="meeting length in minutes, decimals allowed (default: 20)",
    )
    chat.add_argument("--questions", metavar="FILE", help="questions sent ahead, one per line")
    chat.add_argument(
        "--scenario",
        type=_scenario,
        action="append",
        default=[],
        metavar="TRAIT=VALUE",
        help="fix a trait: tangent=yes|no, stay=yes|no, referrals=names|undecided",
    )
    chat.add_argument(
        "--resume",
        nargs="?",
        const=0,
        type=int,
        metavar="ID",
        help="continue your last unfinished practice (or practice ID)",
    )
    chat.add_argument("--script", metavar="FILE", help="replay a script ('-' for stdin)")
    chat.add_argument("--json", action="store_true", help="with --script: print one JSON report")

    understand_cmd = sub.add_parser(
        "understand",
        help="print the dialogue acts and topics of each line on stdin, as JSON lines",
        description=(
            "Reads messages from standard input, one per line, and prints one JSON object "
            'per line: {"text", "acts", "topics"}. Acts say what a message does, topics what '
            "a question asks about (a message that asks nothing has no topics). Try: "
            "printf 'what does a normal week look like?\\n' | rapport understand"
        ),
        epilog=(
            f"acts: {', '.join(A.ACTS)}. topics: {', '.join(TOPICS)}. Definitions: "
            "flows/understanding/ACTS.md and TOPICS.md."
        ),
    )
    understand_cmd.add_argument(
        "--explain",
        action="store_true",
        help="also show the normalised text and every rule that fired",
    )

    sub.add_parser("history", help="list your practices with their scores")
    report_cmd = sub.add_parser("report", help="print a practice's scorecard")
    report_cmd.add_argument("id", nargs="?", type=int, help="practice ID (default: the last)")
    report_cmd.add_argument("--json", action="store_true", help="as JSON")
    export_cmd = sub.add_parser("export", help="write everything Rapport keeps about you as JSON")
    export_cmd.add_argument(
        "--output", "-o", metavar="FILE", help="file to write (default: stdout)"
    )
    delete_cmd = sub.add_parser("delete", help="erase everything Rapport keeps about you")
    delete_cmd.add_argument("--yes", action="store_true", help="don't ask for confirmation")
    sub.add_parser("migrate", help="bring the database schema up to date")
    serve = sub.add_parser("serve", help="run the Telegram bot (needs TELEGRAM_BOT_TOKEN)")
    serve.add_argument(
        "--webhook",
        action="store_true",
        help="receive updates on PORT via WEBHOOK_URL (needs WEBHOOK_SECRET) instead of polling",
    )

    personas = sub.add_parser("personas", help="list or check the contacts")
    personas.add_argument("action", choices=["list", "check"])
    personas.add_argument("--json", action="store_true", help="list: one JSON array of contacts")
    personas.add_argument(
        "--dir", type=Path, default=PERSONA_DIR, help="the folder of contact files to use"
    )
    return parser


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
    raw = os.environ.get(LATE_ENV, "").strip()
    if not raw:
        return Engine(phrasing=phrasing)
    try:
        minutes = float(raw)
    except ValueError:
        raise UsageError(f"{LATE_ENV} must be a number of minutes, not {raw!r}") from None
    if minutes < 0:
        raise UsageError(f"{LATE_ENV} must not be negative")
    return Engine(late_note_after=timedelta(minutes=minutes), phrasing=phrasing)


def cmd_chat(args: argparse.Namespace) -> int:
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
        save_phrased(store, voice.phrase(outcome.effects, outcome.session_id))
    chat.run(StoredPractice(store, user_id, outcome.session_id, voice), outcome.effects)
    return 0


def cmd_history(_args: argparse.Namespace) -> int:
    store = open_store()
    user_id = store.user_id(LOCAL_USER, wall_clock())
    print("\n".join(history_lines(store, user_id)))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    store = open_store()
    user_id = store.user_id(LOCAL_USER, wall_clock())
    session_id = args.id or latest_scored(store, user_id)
    if session_id is None:
        raise UsageError("no finished practice yet; start one with `rapport chat`")
    try:
        session = store.load(session_id, user_id)
    except NotFound:
        raise UsageError(f"no practice {session_id}; see `rapport history`") from None
    write_report(score_session(session), args.json, sys.stdout, session)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    store = open_store()
    data = export_user(store, store.user_id(LOCAL_USER, wall_clock()))
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"Wrote {args.output}.", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    store = open_store()
    user_id = store.user_id(LOCAL_USER, wall_clock())
    if not args.yes:
        if not sys.stdin.isatty():
            raise UsageError("refusing to delete without confirmation; add --yes")
        answer = input("This erases all your practices, scores and questions. Type 'delete': ")
        if answer.strip().lower() != "delete":
            print("Nothing was deleted.")
            return 1
    delete_user(store, user_id)
    print("All your Rapport data has been deleted.")
    return 0


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        raise UsageError(settings_problem(exc)) from None


def cmd_serve(args: argparse.Namespace) -> int:
    settings = load_settings()
    if settings.telegram_bot_token is None:
        raise UsageError(
            "set TELEGRAM_BOT_TOKEN to your bot's token (from @BotFather) to run the "
            "Telegram bot, or use `rapport chat` to practise in the terminal"
        )
    if args.webhook and not (settings.webhook_url and settings.webhook_secret):
        raise UsageError("webhook mode needs WEBHOOK_URL and WEBHOOK_SECRET")
    try:
        voice = VoiceConfig.from_settings(settings)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if voice is not None:
        logs.keep_secret(voice.api_key)  # never in a log line, whatever its shape
    store = open_store(
        _flow(phrasing=voice is not None),
        bot_id=bot_id_of(settings.telegram_bot_token.get_secret_value()),
        wait_seconds=settings.start_wait_seconds,
    )
    # Only the bot needs python-telegram-bot: import it here, not for the terminal.
    if args.webhook:
        from bot.telegram.webhook import run_webhook

        run_webhook(settings, store)
    else:
        from bot.telegram.polling import run_polling

        run_polling(settings, store)
    return 0


def cmd_migrate(_args: argparse.Namespace) -> int:
    db = opening.engine()
    revisions: list[str | None] = []

    def migrate() -> None:
        revisions.clear()
        revisions.append(current_revision(db))
        upgrade(db)
        revisions.append(current_revision(db))

    when_reachable(migrate, load_settings().start_wait_seconds, db)
    before, after = revisions
    print(
        f"Schema at {after}"
        + (" (already current)." if before == after else f" (was {before or 'empty'}).")
    )
    return 0


def _parse(path: str) -> list[Step]:
    try:
        return list(parse_script(_read_lines(path)))
    except ScriptError as exc:
        raise UsageError(f"{path}: {exc}") from None


def cmd_understand(args: argparse.Namespace) -> int:
    for line in sys.stdin:
        text = line.rstrip("\n")
        found = understand(text)
        record: dict[str, object] = {
            "text": text,
            "acts": [a for a in A.ACTS if a in found],
            "topics": list(question_topics(text, found)),
        }
        if args.explain:
            record["normalised"] = normalised(text)
            record["why"] = [
                {"act": m.act, "rule": m.rule, "matched": m.matched} for m in explain(text)
            ]
        print(json.dumps(record, ensure_ascii=False), flush=True)
    return 0


def cmd_personas(args: argparse.Namespace) -> int:
    if args.action == "check":
        problems = list(check_personas(args.dir))
        for problem in problems:
            print(problem)
        if problems:
            print(f"{len(problems)} problem(s) found.", file=sys.stderr)
            return 1
        print("All contacts are valid.")
        return 0
    personas = list(load_personas(args.dir).values())
    if args.json:
        json.dump([_listed(p) for p in personas], sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    for persona in personas:
        field = persona.field or persona.industry
        print(f"{persona.id}\t{persona.name}\t{persona.role}\t{field}\t{persona.summary}")
    return 0


def _listed(persona: Persona) -> dict[str, object]:
    return {
        "id": persona.id,
        "name": persona.name,
        "role": persona.role,
        "field": persona.field or persona.industry,
        "industry": persona.industry,
        "location": persona.location,
        "summary": persona.summary,
        "synonyms": list(persona.synonyms),
    }


COMMANDS = {
    "chat": cmd_chat,
    "understand": cmd_understand,
    "personas": cmd_personas,
    "history": cmd_history,
    "report": cmd_report,
    "export": cmd_export,
    "delete": cmd_delete,
    "migrate": cmd_migrate,
    "serve": cmd_serve,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        # Bare `rapport`: the Telegram bot when a token is set, else a terminal practice.
        token = os.environ.get("TELEGRAM_BOT_TOKEN", "").strip()
        args = parser.parse_args(["serve"] if token else ["chat"])
    try:
        return COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"rapport: {exc}", file=sys.stderr)
        return 2
    except StartupFailure as exc:
        print(f"rapport: {exc}", file=sys.stderr)
        return exc.status
    except TransientStartError as exc:
        print(
            f"rapport: {exc}; exiting with status {EX_TEMPFAIL} so it can be retried",
            file=sys.stderr,
        )
        return EX_TEMPFAIL
    except PersonaError as exc:
        print(
            f"rapport: the contacts have problems; run 'rapport personas check'.\n{exc}",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`rapport report --json | head`): stop quietly, as Unix
        # tools do, and keep Python from complaining again while it flushes at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
