"""The command line's arguments (``rapport --help``).

Only light modules are imported here: every command builds the whole parser, and a
command's own imports wait until it runs (``bot.cli.COMMANDS``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from flows import acts as A
from flows.timing import DEFAULT_MINUTES
from flows.topics import TOPICS


def _minutes(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of minutes") from None
    if not 0 < value <= 24 * 60:
        raise argparse.ArgumentTypeError("minutes must be more than 0 and at most 1440")
    return value


def _scenario(text: str) -> tuple[str, str]:
    from flows.scenario import ScenarioError, parse_override

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
        "--dir",
        type=Path,
        default=None,  # flows.persona.PERSONA_DIR, found by the command (it imports pydantic)
        help="the folder of contact files to use",
    )
    return parser
