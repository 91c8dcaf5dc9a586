"""Each command imports what it needs and no more (issue 14, cold start).

A heavy import creeping back (matplotlib ~0.6 s, alembic ~0.1 s, the database layer, the
sentence encoder...) would slow every start of the bot and every ``rapport`` command; these
tests catch it by looking at ``sys.modules`` after a real command, not at the time it took
(``tests/bench/bench_cold_start.py`` measures that).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bot.store.db import make_engine
from bot.store.schema import upgrade
from tests.fake_telegram import FakeTelegram

ROOT = Path(__file__).resolve().parents[1]
PROBE = """
import json, sys
from bot.cli import main
status = main(sys.argv[1:])
print("MODULES " + json.dumps(sorted(sys.modules)), file=sys.stderr)
raise SystemExit(status)
"""
NEVER = {"matplotlib", "alembic", "mako"}
"""Needed by ``/progress`` and ``rapport migrate`` only."""
DATABASE = {"sqlalchemy", "psycopg", "bot.store"}
ENCODER = {"onnxruntime", "numpy", "tokenizers"}
BOT = {"telegram", "aiohttp", "httpx"}


def environment(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "RAPPORT_"))}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'rapport.sqlite3'}"
    return env


def loaded(tmp_path: Path, *argv: str, stdin: str = "", **env: str) -> set[str]:
    """The modules a real ``rapport ARGV`` had imported when it finished."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**environment(tmp_path), **env},
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    line = [x for x in done.stderr.splitlines() if x.startswith("MODULES ")][-1]
    return set(json.loads(line.removeprefix("MODULES ")))


def among(modules: set[str], packages: set[str]) -> set[str]:
    """Which of ``packages`` (or a module inside one) are in ``modules``."""
    return {p for p in packages if any(m == p or m.startswith(p + ".") for m in modules)}


def imported_by(tmp_path: Path, modules: str) -> set[str]:
    """The modules a fresh interpreter has loaded once it has imported ``modules``."""
    probe = f"import {modules}, json, sys; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment(tmp_path),
        check=True,
    )
    return set(json.loads(done.stdout))


def test_importing_the_command_line_imports_no_command(tmp_path: Path) -> None:
    modules = imported_by(tmp_path, "bot.cli")
    heavy = NEVER | DATABASE | ENCODER | BOT | {"pydantic", "flows.persona", "flows.understanding"}
    assert among(modules, heavy) == set()


def test_personas_list_loads_the_contacts_only(tmp_path: Path) -> None:
    modules = loaded(tmp_path, "personas", "list")
    assert "flows.persona" in modules
    assert among(modules, NEVER | DATABASE | ENCODER | BOT | {"flows.understanding"}) == set()


def test_understand_loads_the_encoder_and_nothing_it_does_not_need(tmp_path: Path) -> None:
    remark = loaded(tmp_path, "understand", stdin="thanks, that was really useful\n")
    assert "flows.understanding.rules" in remark
    assert among(remark, ENCODER) == ENCODER  # the learned act reader reads every message
    assert among(remark, NEVER | DATABASE | BOT | {"pydantic"}) == set()

    asking = "what does a normal week look like?\n"
    question = loaded(tmp_path, "understand", stdin=asking)
    assert among(question, NEVER | DATABASE | BOT | {"pydantic"}) == set()

    rules_alone = loaded(tmp_path, "understand", stdin=asking, RAPPORT_LEARNED_UNDERSTANDING="0")
    assert among(rules_alone, ENCODER) == set()


def test_a_script_replays_without_the_database(tmp_path: Path) -> None:
    script = ROOT / "tests" / "scripts" / "exemplary.txt"
    modules = loaded(tmp_path, "chat", "--script", str(script), "--json", "--seed", "1")
    assert among(modules, NEVER | DATABASE | BOT) == set()


def test_serve_reaches_its_first_get_updates_without_matplotlib_or_alembic(
    tmp_path: Path, fake_telegram: FakeTelegram
) -> None:
    env = environment(tmp_path)
    engine = make_engine(env["DATABASE_URL"])
    upgrade(engine)  # a restart: the schema is current
    engine.dispose()
    env.update(TELEGRAM_BOT_TOKEN=fake_telegram.token, TELEGRAM_API_BASE_URL=fake_telegram.url)
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        bot = subprocess.Popen(
            [sys.executable, "-X", "importtime", "-m", "bot", "serve"],
            cwd=ROOT,
            env=env,
            stderr=out,
        )
        try:
            deadline = time.monotonic() + 60
            while not fake_telegram.calls("getUpdates"):
                assert bot.poll() is None, log.read_text()
                assert time.monotonic() < deadline
                time.sleep(0.02)
            time.sleep(1.0)  # and the understanding's loading in the background
        finally:
            bot.send_signal(signal.SIGINT)
            bot.wait(timeout=30)
    imported = {
        line.rsplit("|", 1)[1].strip()
        for line in log.read_text().splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert {"bot.telegram.polling", "sqlalchemy.orm"} <= imported
    assert among(imported, NEVER | {"bot.status", "bot.cli.chat", "bot.cli.personas"}) == set()


def test_serve_checks_the_voice_settings_without_importing_the_voice(tmp_path: Path) -> None:
    """``rapport serve`` reads the model voice's settings before its first getUpdates; the
    voice itself (the guards, the flows, the ``openai`` client) loads in the background."""
    modules = imported_by(tmp_path, "bot.cli.serve, bot.voice.config")
    voice = {"bot.voice.model", "openai", "flows.guards", "flows.phrasing", "flows.persona"}
    assert among(modules, voice | {"flows.understanding"}) == set()
