"""The user lines of the practice scripts in tests/scripts, for drivers that play them
(the Telegram benchmark, the reliability suite)."""

from __future__ import annotations

from pathlib import Path

from bot.terminal.script import Say, parse_script

SCRIPTS = Path(__file__).resolve().parent / "scripts"


def script_lines() -> list[list[str]]:
    """Each script's user lines, in order (``@wait`` and comments skipped)."""
    scripts = []
    for path in sorted(SCRIPTS.glob("*.txt")):
        steps = parse_script(path.read_text(encoding="utf-8").splitlines())
        scripts.append([s.text for s in steps if isinstance(s, Say)])
    return scripts
