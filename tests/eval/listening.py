"""Does the contact answer what was asked? Asks every contact every question of the
listening sets in script mode (``LocalPractice`` + ``run_script``, as ``rapport chat
--script`` does) and prints, per topic and per contact:

- on topic: how often the reply came from the asked topic (for a question no topic covers:
  how often the contact said so instead of answering something else);
- repeats: contact lines said twice within one meeting of 18 off-script questions;
- short: the share of contact replies under 80 words.

    python3 -m tests.eval.listening [FILE ...] [--persona ID] [--json]

Without FILE it uses every ``tests/data/listening/*.jsonl``. Each question is asked in a
fresh meeting (so earlier answers do not use a topic up); the repeat check runs whole
meetings.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from bot.terminal.practice import LocalPractice
from bot.terminal.script import SCRIPT_EPOCH, Say, run_script
from flows.asking import question_topics
from flows.engine import Engine
from flows.persona import Persona
from flows.session import Turn
from flows.specifics import SPEC
from flows.topics import TOPICS
from flows.understanding import understand

DATA = Path(__file__).resolve().parents[1] / "data" / "listening"
MEETING_QUESTIONS = 18
WORD_LIMIT = 80
_SCENARIO = {"tangent": "no", "stay": "no", "referrals": "names"}


@dataclass(frozen=True)
class Question:
    text: str
    topics: tuple[str, ...]


def load(paths: Iterable[Path]) -> list[Question]:
    questions = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                questions.append(Question(row["text"], tuple(row["topics"])))
    return questions


def _meeting(engine: Engine, persona_id: str, texts: Sequence[str], seed: int) -> list[Turn]:
    session, _ = engine.start(
        persona_id, now=SCRIPT_EPOCH, seed=seed, minutes=30, scenario=_SCENARIO
    )
    practice = LocalPractice(engine, session)
    run_script(practice, [Say("Hello, I'm ready"), *(Say(t) for t in texts)], SCRIPT_EPOCH)
    return session.turns


def _replies(turns: list[Turn], text: str) -> list[Turn]:
    """The contact's lines right after the user's message ``text``."""
    for i, turn in enumerate(turns):
        if turn.speaker == "user" and turn.text == text:
            following = []
            for later in turns[i + 1 :]:
                if later.speaker == "user":
                    break
                if later.speaker == "contact":
                    following.append(later)
            return following
    return []


def on_topic(question: Question, replies: list[Turn], persona: Persona | None = None) -> bool:
    """The reply answers the asked topics, in order. A question with no topic (a classic
    question, something no topic covers, or not a question) is on topic when it gets no
    topic's answer: a classic answer, an honest "I can't speak to that", or small talk.
    A detail of the contact's work (``spec.3``) is an answer on the topics its own example
    questions are read as ("how big is your team?" answered with the team's make-up is on
    the organisation)."""
    keys = [_topic_key(t.ref, persona) for t in replies if t.kind in ("answer", "tangent")]
    if not question.topics:
        return not [key for key in keys if key in TOPICS]
    asked = list(question.topics)
    told = keys[: len(asked)]
    return len(told) == len(asked) and all(
        key == topic or topic in _spec_topics(persona, key)
        for key, topic in zip(told, asked, strict=True)
    )


def _topic_key(ref: str, persona: Persona | None) -> str:
    key, _, rest = ref.partition(".")
    return f"{SPEC}.{rest.rstrip('+')}" if key == SPEC and persona is not None else key


def _spec_topics(persona: Persona | None, key: str) -> frozenset[str]:
    if persona is None or not key.startswith(f"{SPEC}."):
        return frozenset()
    spec = persona.specifics[int(key.removeprefix(f"{SPEC}."))]
    return frozenset(t for ask in spec.asks for t in _topics_read(ask))


@cache
def _topics_read(question: str) -> tuple[str, ...]:
    """The topics a question is read as (a detail's example questions say what it is about)."""
    return tuple(question_topics(question, understand(question)))


@dataclass
class Tally:
    asked: Counter[str] = field(default_factory=Counter)
    hit: Counter[str] = field(default_factory=Counter)
    misses: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def rate(self, key: str) -> float:
        return self.hit[key] / self.asked[key] if self.asked[key] else 0.0


def evaluate(engine: Engine, questions: list[Question], personas: Sequence[str]) -> dict[str, Any]:
    by_topic, by_contact = Tally(), Tally()
    words: list[int] = []
    repeats: Counter[str] = Counter()
    meetings: Counter[str] = Counter()
    for persona_id in personas:
        for n, question in enumerate(questions):
            turns = _meeting(engine, persona_id, [question.text], seed=n)
            replies = _replies(turns, question.text)
            ok = on_topic(question, replies, engine.personas[persona_id])
            label = "+".join(question.topics) or "(none)"
            for tally, key in ((by_topic, label), (by_contact, persona_id)):
                tally.asked[key] += 1
                tally.hit[key] += ok
            if not ok:
                got = ",".join(t.ref or t.kind for t in replies) or "(nothing)"
                by_topic.misses[label].append(f"{persona_id}: {question.text!r} -> {got}")
            words += [len(t.text.split()) for t in replies]
        order = list(questions)
        random.Random(persona_id).shuffle(order)
        for start in range(0, len(order) - MEETING_QUESTIONS + 1, MEETING_QUESTIONS):
            chunk = [q.text for q in order[start : start + MEETING_QUESTIONS]]
            turns = _meeting(engine, persona_id, chunk, seed=start)
            said = [t.text for t in turns if t.speaker == "contact"]
            meetings[persona_id] += 1
            repeats[persona_id] += len(said) - len(set(said))
            words += [len(t.text.split()) for t in turns if t.speaker == "contact"]
    total_asked = sum(by_contact.asked.values())
    return {
        "on_topic": sum(by_contact.hit.values()) / total_asked if total_asked else 0.0,
        "by_topic": {k: by_topic.rate(k) for k in sorted(by_topic.asked)},
        "by_contact": {k: by_contact.rate(k) for k in by_contact.asked},
        "repeats": dict(repeats),
        "meetings": dict(meetings),
        "under_80_words": sum(w < WORD_LIMIT for w in words) / len(words) if words else 1.0,
        "misses": {k: v for k, v in by_topic.misses.items()},
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m tests.eval.listening")
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--persona", action="append")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--misses", type=int, default=0, help="print N misses per topic")
    args = parser.parse_args(argv)
    engine = Engine()
    files = args.files or sorted(DATA.glob("*.jsonl"))
    result = evaluate(engine, load(files), args.persona or list(engine.personas))
    if args.json:
        json.dump({k: v for k, v in result.items() if k != "misses"}, sys.stdout, indent=1)
        print()
        return 0
    print(f"sets: {', '.join(f.name for f in files)}")
    print(
        f"on topic: {result['on_topic']:.3f}   replies under {WORD_LIMIT} words: "
        f"{result['under_80_words']:.3f}"
    )
    print(
        "repeated contact lines per contact (meetings of 18 questions): "
        + ", ".join(f"{k} {v} in {result['meetings'][k]}" for k, v in result["repeats"].items())
    )
    print("\nper contact:")
    for key, rate in result["by_contact"].items():
        print(f"  {key:14} {rate:.3f}")
    print("\nper topic:")
    for key, rate in result["by_topic"].items():
        print(f"  {key:28} {rate:.3f}")
        for miss in result["misses"].get(key, [])[: args.misses]:
            print(f"      {miss}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
