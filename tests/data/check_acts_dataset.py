#!/usr/bin/env python3
"""Sanity checks for the labelled dialogue-act evaluation set (tests/data/acts.jsonl).

This is a plain script, not a test module. Run it as:

    python3 tests/data/check_acts_dataset.py [path/to/acts.jsonl]

It prints per-act counts plus the number of multi-act and no-act messages, and
exits with status 1 if any of the following holds:
  * a line is not valid JSON, or not an object with a string "text" and a list "acts";
  * an act is outside the fixed vocabulary, repeated within a line, or the acts are
    not sorted alphabetically;
  * a text is empty or duplicated (exactly, or after lowercasing / collapsing spaces);
  * a minimum is unmet: total messages, per-act occurrences, multi-act messages,
    no-act messages.
"""

import json
import sys
from collections import Counter
from pathlib import Path

VOCAB = (
    "greet",
    "thank",
    "arrive_early",
    "dressed",
    "notebook",
    "questions_copy",
    "ask_start",
    "ask_likes",
    "ask_qualifications",
    "ask_fit",
    "ask_resume",
    "ask_other",
    "follow_up",
    "share_info",
    "ask_job",
    "time_check",
    "accept_stay",
    "decline_stay",
    "ask_feedback",
    "ask_strengths",
    "ask_referrals",
    "ask_check_back",
    "golden_rule",
    "goodbye",
)

MIN_TOTAL = 480
MIN_PER_ACT = 16
MIN_MULTI = 100
MIN_NONE = 50

DEFAULT_PATH = Path(__file__).resolve().parent / "acts.jsonl"


_KEYS = {"text", "acts", "context", "meeting"}
"""Whole-meeting sets say which meeting a message is from and the stage it was said in."""


def normalise(text):
    return " ".join(text.lower().split())


def main(argv):
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT_PATH
    errors = []
    counts = Counter()
    seen = {}
    total = multi = none = 0

    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        print(f"ERROR: cannot read {path}: {exc}")
        return 1

    for lineno, raw in enumerate(lines, 1):
        if not raw.strip():
            errors.append(f"line {lineno}: blank line")
            continue
        try:
            item = json.loads(raw)
        except json.JSONDecodeError as exc:
            errors.append(f"line {lineno}: invalid JSON ({exc})")
            continue
        if not isinstance(item, dict) or not {"text", "acts"} <= set(item) <= _KEYS:
            errors.append(
                f"line {lineno}: expected an object with 'text' and 'acts' "
                "(and optionally 'context' and 'meeting')"
            )
            continue
        text, acts = item["text"], item["acts"]
        if not isinstance(text, str) or not text.strip():
            errors.append(f"line {lineno}: 'text' must be a non-empty string")
            continue
        if not isinstance(acts, list) or not all(isinstance(a, str) for a in acts):
            errors.append(f"line {lineno}: 'acts' must be a list of strings")
            continue

        bad = [a for a in acts if a not in VOCAB]
        if bad:
            errors.append(f"line {lineno}: unknown act(s) {bad} in {text!r}")
        if len(set(acts)) != len(acts):
            errors.append(f"line {lineno}: repeated act in {acts}")
        if acts != sorted(acts):
            errors.append(f"line {lineno}: acts not sorted alphabetically: {acts}")

        key = normalise(text)
        if key in seen:
            errors.append(f"line {lineno}: duplicate text (first on line {seen[key]}): {text!r}")
        else:
            seen[key] = lineno

        total += 1
        counts.update(a for a in set(acts) if a in VOCAB)
        if len(set(acts)) >= 2:
            multi += 1
        elif not acts:
            none += 1

    print(f"file: {path}")
    print(f"{'act':<20} count")
    for act in VOCAB:
        flag = "" if counts[act] >= MIN_PER_ACT else f"   <-- below {MIN_PER_ACT}"
        print(f"{act:<20} {counts[act]:>5}{flag}")
    print("-" * 26)
    print(f"{'messages':<20} {total:>5}   (min {MIN_TOTAL})")
    print(f"{'multi-act (>=2)':<20} {multi:>5}   (min {MIN_MULTI})")
    print(f"{'no act':<20} {none:>5}   (min {MIN_NONE})")

    if total < MIN_TOTAL:
        errors.append(f"only {total} messages (need >= {MIN_TOTAL})")
    for act in VOCAB:
        if counts[act] < MIN_PER_ACT:
            errors.append(f"act {act!r} occurs {counts[act]} times (need >= {MIN_PER_ACT})")
    if multi < MIN_MULTI:
        errors.append(f"only {multi} multi-act messages (need >= {MIN_MULTI})")
    if none < MIN_NONE:
        errors.append(f"only {none} no-act messages (need >= {MIN_NONE})")

    if errors:
        print(f"\nFAILED: {len(errors)} problem(s)")
        for err in errors:
            print(f"  - {err}")
        return 1
    print("\nOK: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
