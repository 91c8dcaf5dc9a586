"""``rapport history``, ``report``, ``export`` and ``delete``: what the local database keeps."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.cli.common import UsageError
from bot.cli.database import open_store
from bot.store.accounts import delete_user, export_user
from bot.store.practices import NotFound
from bot.terminal.chat import wall_clock
from bot.terminal.records import LOCAL_USER, history_lines, latest_scored, write_report
from flows.coaching import score_session


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
