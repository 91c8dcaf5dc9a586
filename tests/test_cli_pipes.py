"""Commands piped into a reader that stops early end quietly, as Unix tools do."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_a_closed_pipe_ends_quietly() -> None:
    lines = "".join("What's the pay like?\n" for _ in range(3000))
    command = (
        f"{sys.executable} -m bot understand | head -n 1 >/dev/null; "
        'echo "exit ${PIPESTATUS[0]}" >&2'
    )
    done = subprocess.run(
        ["bash", "-c", command], input=lines, capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert "Traceback" not in done.stderr and "BrokenPipeError" not in done.stderr, done.stderr
    assert "exit 0" in done.stderr
