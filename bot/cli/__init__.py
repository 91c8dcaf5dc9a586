"""The ``rapport`` command line.

rapport chat                      rehearse in the terminal (pick a contact)
rapport chat --script FILE --json replay a rehearsal script on a virtual clock
rapport understand                read messages on stdin, print their dialogue acts
rapport personas list|check       list or validate the contacts

One module per group of commands; a command imports its module, and so what it needs,
only when it runs: ``rapport personas list`` never loads the database or the
understanding, ``rapport understand`` never the database or the contacts, ``rapport
serve`` never matplotlib or alembic (tests/test_lazy_imports.py keeps it so).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence

from bot.cli.common import EX_TEMPFAIL, TransientStartError, UsageError
from bot.cli.parser import build_parser
from bot.failures import StartupFailure

__all__ = ["COMMANDS", "EX_TEMPFAIL", "TransientStartError", "UsageError", "build_parser", "main"]

COMMANDS = {
    "chat": "chat",
    "understand": "understand",
    "personas": "personas",
    "history": "records",
    "report": "records",
    "export": "records",
    "delete": "records",
    "migrate": "database",
    "serve": "serve",
}
"""Each command -> the module of ``bot.cli`` with its ``cmd_<command>``."""


def command(name: str) -> Callable[[argparse.Namespace], int]:
    module = importlib.import_module(f"bot.cli.{COMMANDS[name]}")
    run: Callable[[argparse.Namespace], int] = getattr(module, f"cmd_{name}")
    return run


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        # Bare `rapport`: the Telegram bot when a token is set, else a terminal practice.
        token = os.environ.get("TELEGRAM_BOT_TOKEN", "").strip()
        args = parser.parse_args(["serve"] if token else ["chat"])
    try:
        return command(args.command)(args)
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
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`rapport report --json | head`): stop quietly, as Unix
        # tools do, and keep Python from complaining again while it flushes at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:
        from flows.persona import PersonaError  # (only the commands that load it raise it)

        if not isinstance(exc, PersonaError):
            raise
        print(
            f"rapport: the contacts have problems; run 'rapport personas check'.\n{exc}",
            file=sys.stderr,
        )
        return 1
