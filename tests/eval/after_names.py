"""Does the contact answer questions about the people it just named? Each row of a set in
``tests/data/referrals/after_names_*.jsonl`` is one message (``text``) sent to a contact
(``persona``) right after it gave its names, about one of them (``person``), asking how the
contact knows them (``known_from``), about their work (``their_work``), what to ask them
(``ask_them``) or how to reach them (``reach``).

    python3 -m tests.eval.after_names [FILE ...] [--errors]

Prints how often the reply was about the right person, and how often it was the answer
asked for. ``--errors`` lists the misses (for training sets only: a held-out set is scored,
never read). Score another checkout's code (a session's start) with ``PYTHONPATH=<it>``.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flows.engine import Engine
from flows.session import Turn
from tests.conftest import T0
from tests.eval.sets import files_and_errors, load

DATA = Path(__file__).resolve().parents[1] / "data" / "referrals"
TO_THE_NAMES = (
    "Hello, I got here early, in a suit, with my notebook. I am ready to go in.",
    "Thank you for your time today; I see we're nearly out of time.",
    "Could you suggest two or three people I could talk to?",
)
_SCENARIO = {"referrals": "names", "tangent": "no", "stay": "no"}
_FIELDS = {"known_from", "their_work", "ask_them"}


def reply(engine: Engine, persona: str, text: str) -> list[Turn]:
    """The contact's lines after ``text``, sent once the names are given."""
    session, _ = engine.start(persona, now=T0, seed=3, minutes=20, scenario=_SCENARIO)
    for i, said in enumerate((*TO_THE_NAMES, text)):
        before = len(session.turns)
        engine.message(session, said, T0 + timedelta(minutes=i))
    return [t for t in session.turns[before:] if t.speaker == "contact"]


def judged(engine: Engine, row: dict[str, str]) -> tuple[bool, bool, str]:
    """(about the right person, the answer asked for, what was said)."""
    referrals = engine.personas[row["persona"]].referrals
    at = next(i for i, r in enumerate(referrals) if r.name == row["person"])
    said = reply(engine, row["persona"], row["text"])
    first = said[0] if said else None
    if first is None:
        return False, False, "(nothing)"
    shown = f"{first.kind} {first.ref}: {first.text[:70]}"
    if row["asks"] == "reach":
        ok = first.kind == "reach_them"
        return ok, ok, shown
    person = first.kind == "about_referral" and first.ref.startswith(f"referral.{at}.")
    return person, person and first.ref == f"referral.{at}.{row['asks']}", shown


def main() -> None:
    files, show_errors = files_and_errors(__doc__, DATA, "after_names_*.jsonl")
    engine = Engine()
    for path in files:
        rows = load(path)
        results = [(row, *judged(engine, row)) for row in rows]
        person = sum(r[1] for r in results) / len(rows)
        asked = sum(r[2] for r in results) / len(rows)
        print(f"== {path.name}: {len(rows)} messages")
        print(f"  about the right person {person:.3f}   the answer asked for {asked:.3f}")
        for kind in ("known_from", "their_work", "ask_them", "reach"):
            mine = [r for r in results if r[0]["asks"] == kind]
            if mine:
                rate = sum(r[2] for r in mine) / len(mine)
                print(f"    {kind:<11} {rate:.3f} ({len(mine)})")
        if show_errors:
            for row, _, ok, shown in results:
                if not ok:
                    print(f"    {row['persona']} [{row['asks']}] {row['text']}\n      -> {shown}")


if __name__ == "__main__":
    main()
