"""The model voice against a real endpoint: how much it helps and what it costs.

    python -m tests.eval.llm --base-url http://localhost:11434/v1 --model llama3.1:8b
    python -m tests.eval.llm --base-url https://api.openai.com/v1 --model gpt-4o-mini \\
        --api-key "$OPENAI_API_KEY" --persona dana --persona priya --limit 40

Not part of CI (no model is reachable there). It runs, with understanding on:

- the listening evaluation (``tests/eval/listening.py``, ``tests/data/listening/*.jsonl``):
  each question asked in a fresh meeting, with and without the model; *on topic* as
  there (the flow's choice of answer, which the model's labels may change);
- every contact line of those meetings phrased: how many were shown, how many a guard
  rejected (by reason), timed out or failed;
- the labelled act sets (``tests/data/acts_*.jsonl``): acts macro-F1 with the rules alone and
  with the model's labels where the rules read nothing (as the flow uses them);
- p50 and p95 latency of each kind of request.

Questions and messages are cut to ``--limit`` per file and ``--acts-limit`` per act set
(a real endpoint is slow and may cost money); ``--json`` prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.terminal.practice import LocalPractice
from bot.terminal.script import SCRIPT_EPOCH, Say, run_script
from bot.voice.config import VoiceConfig
from bot.voice.model import ModelVoice
from bot.voice.terminal import TerminalVoice
from flows.engine import Engine
from flows.phrasing import hinted_acts, wants_hint
from flows.understanding import understand
from flows.understanding.evaluate import evaluate, load_examples
from tests.eval.listening import DATA, Question, _replies, load, on_topic

ACT_SETS = Path(__file__).resolve().parents[1] / "data"
DEFAULT_CONTACTS = ("dana", "priya", "conor", "helen")
_SCENARIO = {"tangent": "no", "stay": "no", "referrals": "names"}


class Tally:
    """Every model request's outcome, guard reason and latency, by purpose."""

    def __init__(self) -> None:
        self.outcomes: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self.reasons: Counter[str] = Counter()
        self.seconds: defaultdict[str, list[float]] = defaultdict(list)

    def __call__(self, purpose: str, outcome: str, reason: str, seconds: float) -> None:
        self.outcomes[purpose][outcome] += 1
        if reason:
            self.reasons[reason] += 1
        self.seconds[purpose].append(seconds)

    def latency(self, purpose: str) -> dict[str, float | None]:
        values = sorted(self.seconds[purpose])
        if not values:
            return {"p50_ms": None, "p95_ms": None}
        p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        return {"p50_ms": statistics.median(values) * 1000, "p95_ms": p95 * 1000}


def _on_topic_rate(
    engine: Engine, voice: TerminalVoice | None, questions: list[Question], personas: Sequence[str]
) -> float:
    hits = asked = 0
    for persona_id in personas:
        for n, question in enumerate(questions):
            session, _ = engine.start(
                persona_id, now=SCRIPT_EPOCH, seed=n, minutes=30, scenario=_SCENARIO
            )
            practice = LocalPractice(engine, session, voice=voice)
            run_script(practice, [Say("Hello, I'm ready"), Say(question.text)], SCRIPT_EPOCH)
            hits += on_topic(question, _replies(session.turns, question.text))
            asked += 1
    return hits / asked if asked else 0.0


def _acts(voice: TerminalVoice, files: list[Path], limit: int) -> dict[str, Any]:
    examples = [e for path in files for e in load_examples(path)[:limit]]
    asked = [text for text, _ in examples if wants_hint(text)]
    hints = {text: voice.hint(text) for text in asked}
    without = evaluate(examples, understand)
    with_model = evaluate(examples, lambda text: hinted_acts(understand(text), hints.get(text)))
    return {
        "messages": len(examples),
        "asked_the_model": len(asked),
        "macro_f1_rules": without.macro_f1,
        "macro_f1_with_model": with_model.macro_f1,
        "exact_rules": without.exact_match,
        "exact_with_model": with_model.exact_match,
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    config = VoiceConfig(
        base_url=args.base_url.rstrip("/"),
        model=args.model,
        api_key=args.api_key or os.environ.get("RAPPORT_LLM_API_KEY") or None,
        timeout=args.timeout,
        understand=True,
        concurrency=args.concurrency,
    )
    files = args.files or sorted(DATA.glob("*.jsonl"))
    questions = [q for path in files for q in load([path])[: args.limit]]
    personas = args.persona or list(DEFAULT_CONTACTS)
    act_sets = args.acts or sorted(ACT_SETS.glob("acts_*.jsonl"))
    plain = Engine()
    phrasing = Engine(phrasing=True)
    model = ModelVoice(config, phrasing.personas)
    tally = Tally()
    model.listener = tally
    voice = TerminalVoice(model)
    try:
        rules_rate = _on_topic_rate(plain, None, questions, personas)
        model_rate = _on_topic_rate(phrasing, voice, questions, personas)
        acts = _acts(voice, act_sets, args.acts_limit)
    finally:
        voice.close()
    phrased = tally.outcomes["phrase"]
    return {
        "model": config.model,
        "host": config.host,
        "listening": {
            "questions": len(questions),
            "contacts": len(personas),
            "on_topic_rules": rules_rate,
            "on_topic_with_model": model_rate,
        },
        "phrasing": {
            "lines": sum(phrased.values()),
            "outcomes": dict(phrased),
            "used_rate": phrased["used"] / sum(phrased.values()) if phrased else 0.0,
            "guard_rejections": dict(tally.reasons),
        },
        "understanding": {"outcomes": dict(tally.outcomes["understand"]), **acts},
        "latency": {purpose: tally.latency(purpose) for purpose in ("phrase", "understand")},
    }


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f} ms"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.eval.llm", description=__doc__)
    parser.add_argument("--base-url", required=True, help="OpenAI-compatible API root (…/v1)")
    parser.add_argument("--model", required=True)
    parser.add_argument("--api-key", help="default: RAPPORT_LLM_API_KEY")
    parser.add_argument("--timeout", type=float, default=15.0, help="seconds per request")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--persona", action="append", help=f"default: {DEFAULT_CONTACTS}")
    parser.add_argument("--limit", type=int, default=25, help="questions per listening file")
    parser.add_argument("--acts-limit", type=int, default=150, help="messages per act set")
    parser.add_argument("--acts", action="append", type=Path, help="act sets (default: all)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("files", nargs="*", type=Path, help="listening sets (default: all)")
    args = parser.parse_args(argv)
    result = run(args)
    if args.json:
        json.dump(result, sys.stdout, indent=1)
        print()
        return 0
    listening, phrasing = result["listening"], result["phrasing"]
    understanding, latency = result["understanding"], result["latency"]
    print(f"model {result['model']} at {result['host']}")
    print(
        f"on topic: {listening['on_topic_with_model']:.3f} with the model, "
        f"{listening['on_topic_rules']:.3f} rules alone "
        f"({listening['questions']} questions x {listening['contacts']} contacts)"
    )
    print(
        f"phrasing: {phrasing['lines']} lines, {phrasing['used_rate']:.1%} shown; outcomes "
        f"{phrasing['outcomes']}; guard rejections {phrasing['guard_rejections'] or 'none'}"
    )
    print(
        f"acts macro-F1: {understanding['macro_f1_with_model']:.3f} with the model, "
        f"{understanding['macro_f1_rules']:.3f} rules alone ({understanding['messages']} "
        f"messages, {understanding['asked_the_model']} asked the model)"
    )
    for purpose, figures in latency.items():
        print(f"latency {purpose}: p50 {_ms(figures['p50_ms'])}, p95 {_ms(figures['p95_ms'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
