"""Does the contact remember what the user says about themselves? Reads every message of
a labelled set (``tests/data/userfacts/``) with ``flows.self_description.read_message`` and
prints, per fact (name, role, years, target), how often the reading was right:

- right: the expected value found (a role may differ by an article or a qualifier:
  "purchasing coordinator" for "senior purchasing coordinator" is right, since the contact
  can say it back; "coordinator" alone is not; a target may be read shorter);
- missed: a value was expected and nothing (or something else) was read;
- invented: nothing was expected and something was read ("I'm a bit nervous" as a role).

    python3 -m tests.eval.userfacts [FILE ...] [--errors]

Without FILE it reads every ``tests/data/userfacts/*.jsonl``. ``--errors`` lists the
misreadings (for development sets only: a held-out set is scored, never read).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from flows.self_description import _NUMBERS, read_message
from tests.eval.sets import files_and_errors, load

DATA = Path(__file__).resolve().parents[1] / "data" / "userfacts"
FACTS = ("name", "role", "years", "target")
_ARTICLES = frozenset({"a", "an", "the", "my", "our"})


def _words(value: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9]+", value.lower()) if w not in _ARTICLES]


_HEDGES = frozenset(
    {"about", "nearly", "almost", "around", "roughly", "maybe", "over", "like", "just", "of"}
)


def _number(value: str) -> str:
    """A number of years as a number, hedges dropped ("about three" says three)."""
    words = [w for w in _words(value) if w not in _HEDGES]
    if len(words) == 1 and words[0] in _NUMBERS:
        return str(_NUMBERS[words[0]])
    return " ".join(words)


def same(fact: str, expected: str, read: str) -> bool:
    """Whether ``read`` says ``expected`` well enough for the contact to say it back."""
    if fact == "name":
        return expected.lower() == read.lower()
    if fact == "years":
        return _number(expected) == _number(read)
    want, got = _words(expected), _words(read)
    if not want or not got:
        return False
    if fact == "target":  # "sustainability" for "sustainability reporting" will do
        return set(want) <= set(got) or set(got) <= set(want)
    if set(want) <= set(got) and got[-1] == want[-1]:
        return True  # said as expected, perhaps with a qualifier ("dental nurse" for "nurse")
    # A role may drop a qualifier but keep its head and one more word: "purchasing
    # coordinator" for "senior purchasing coordinator"; "coordinator" alone says too little.
    return len(got) >= 2 and got[-1] == want[-1] and set(got) <= set(want)


@dataclass
class Tally:
    right: int = 0
    missed: int = 0
    invented: int = 0
    expected: int = 0
    empty: int = 0
    errors: list[str] = field(default_factory=list)


def read_facts(text: str) -> dict[str, str]:
    name, background, target = read_message(text)
    return {
        "name": name,
        "role": background.role if background else "",
        "years": background.years if background else "",
        "target": target,
    }


def score(rows: list[dict[str, str]]) -> dict[str, Tally]:
    tallies = {fact: Tally() for fact in FACTS}
    for row in rows:
        got = read_facts(row["text"])
        for fact in FACTS:
            t = tallies[fact]
            want = row.get(fact, "")
            if want:
                t.expected += 1
                if same(fact, want, got[fact]):
                    t.right += 1
                else:
                    t.missed += 1
                    t.errors.append(f"{fact}: want {want!r}, read {got[fact]!r}: {row['text']}")
            else:
                t.empty += 1
                if got[fact]:
                    t.invented += 1
                    t.errors.append(f"{fact}: want nothing, read {got[fact]!r}: {row['text']}")
    return tallies


def messages_right(rows: list[dict[str, str]]) -> float:
    """The share of messages whose every fact was read right (nothing missed, nothing
    invented)."""
    right = 0
    for row in rows:
        got = read_facts(row["text"])
        if all(same(f, row.get(f, ""), got[f]) if row.get(f) else not got[f] for f in FACTS):
            right += 1
    return right / len(rows) if rows else 0.0


def main() -> None:
    files, show_errors = files_and_errors(__doc__, DATA)
    for path in files:
        rows = load(path)
        print(f"== {path.name}: {len(rows)} messages, all facts right {messages_right(rows):.3f}")
        print(f"{'fact':8} {'recall':>7} {'invented':>9}   (expected / empty)")
        for fact, t in score(rows).items():
            recall = t.right / t.expected if t.expected else 1.0
            invented = t.invented / t.empty if t.empty else 0.0
            print(f"{fact:8} {recall:7.3f} {invented:9.3f}   ({t.expected} / {t.empty})")
            if show_errors:
                for line in t.errors:
                    print("   ", line)


if __name__ == "__main__":
    main()
