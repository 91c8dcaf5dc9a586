"""What the scoring scripts of one labelled set share: its rows (one JSON object per line),
and the command line ``[FILE ...] [--errors]`` (no files: every set of its folder)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def load(path: Path) -> list[dict[str, Any]]:
    """The rows of a JSONL set."""
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def files_and_errors(
    doc: str | None, data: Path, pattern: str = "*.jsonl"
) -> tuple[list[Path], bool]:
    """The sets named on the command line (else every ``pattern`` in ``data``), and whether
    to list the misses (``--errors``: for training sets only; a held-out set is scored,
    never read)."""
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--errors", action="store_true")
    args = parser.parse_args()
    return args.files or sorted(data.glob(pattern)), args.errors
