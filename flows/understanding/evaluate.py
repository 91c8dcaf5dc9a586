"""Evaluate the understanding component on labelled examples.

Data files are JSON lines: ``{"text": "...", "acts": ["greet", ...]}``.

    PYTHONPATH=. python -m flows.understanding.evaluate tests/data/acts.jsonl [-v]

prints the per-act report (and with ``-v`` every wrong prediction).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

Example = tuple[str, frozenset[str]]


@dataclass(frozen=True)
class ActScore:
    """Scores for one act."""

    act: str
    tp: int
    fp: int
    fn: int

    @property
    def support(self) -> int:
        """How many examples carry the act."""
        return self.tp + self.fn

    @property
    def predicted(self) -> int:
        """How many examples the act was predicted for."""
        return self.tp + self.fp

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.support if self.support else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Error:
    """One example whose predicted acts differ from the gold acts."""

    text: str
    gold: frozenset[str]
    predicted: frozenset[str]

    @property
    def missing(self) -> frozenset[str]:
        return self.gold - self.predicted

    @property
    def extra(self) -> frozenset[str]:
        return self.predicted - self.gold


@dataclass(frozen=True)
class Report:
    """Per-act scores, macro-F1 and the errors."""

    scores: dict[str, ActScore]
    examples: int
    exact: int
    errors: list[Error] = field(default_factory=list)

    @property
    def macro_f1(self) -> float:
        """Mean F1 over the acts that have support or predictions."""
        used = [s for s in self.scores.values() if s.support or s.predicted]
        return sum(s.f1 for s in used) / len(used) if used else 1.0

    @property
    def exact_match(self) -> float:
        """Share of examples whose act set is exactly right."""
        return self.exact / self.examples if self.examples else 1.0

    def format(self, errors: bool = False) -> str:
        """A printable table (and optionally the errors)."""
        lines = [f"{'act':<20} {'prec':>6} {'rec':>6} {'f1':>6} {'supp':>5} {'pred':>5}"]
        for s in sorted(self.scores.values(), key=lambda s: s.f1):
            if not (s.support or s.predicted):
                continue
            lines.append(
                f"{s.act:<20} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}"
                f" {s.support:5d} {s.predicted:5d}"
            )
        lines.append(
            f"macro-F1 {self.macro_f1:.4f}   exact match {self.exact_match:.3f}"
            f" ({self.exact}/{self.examples})"
        )
        if errors:
            for e in self.errors:
                miss = ",".join(sorted(e.missing)) or "-"
                extra = ",".join(sorted(e.extra)) or "-"
                lines.append(f"  missing {miss:<28} extra {extra:<22} | {e.text}")
        return "\n".join(lines)


def evaluate(
    examples: Iterable[Example],
    predict: Callable[[str], frozenset[str]] | None = None,
) -> Report:
    """Score ``predict`` (default: ``understand``) on (text, gold acts) examples."""
    if predict is None:
        from flows.understanding import understand

        predict = understand
    from flows.acts import ACTS

    counts: dict[str, list[int]] = {act: [0, 0, 0] for act in ACTS}
    n = exact = 0
    errors: list[Error] = []
    for text, gold in examples:
        n += 1
        pred = predict(text)
        if pred == gold:
            exact += 1
        else:
            errors.append(Error(text, frozenset(gold), frozenset(pred)))
        for act in gold | pred:
            c = counts.setdefault(act, [0, 0, 0])
            if act in gold and act in pred:
                c[0] += 1
            elif act in pred:
                c[1] += 1
            else:
                c[2] += 1
    scores = {act: ActScore(act, tp, fp, fn) for act, (tp, fp, fn) in counts.items()}
    return Report(scores=scores, examples=n, exact=exact, errors=errors)


def load_examples(path: str | Path) -> list[Example]:
    """Read a JSONL file of ``{"text": ..., "acts": [...]}`` objects (blank lines skipped)."""
    examples: list[Example] = []
    for lineno, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        obj = json.loads(line)
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            raise ValueError(f"{path}:{lineno}: expected an object with a string 'text'")
        acts = obj.get("acts", [])
        if not isinstance(acts, list):
            raise ValueError(f"{path}:{lineno}: 'acts' must be a list")
        examples.append((obj["text"], frozenset(str(a) for a in acts)))
    return examples


def load_contexts(path: str | Path) -> dict[str, str]:
    """The ``context`` of each message that has one (``"goodbye"``,
    ``"converse:invite_stay"``), by text."""
    contexts: dict[str, str] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            obj = json.loads(line)
            if isinstance(obj, dict) and isinstance(obj.get("context"), str):
                contexts[obj["text"]] = obj["context"]
    return contexts


def in_context(contexts: dict[str, str]) -> Callable[[str], frozenset[str]]:
    """``understand``, reading each message in its labelled context."""
    from flows.understanding import Context, understand

    def predict(text: str) -> frozenset[str]:
        stage, _, after = contexts.get(text, "converse").partition(":")
        return understand(text, Context(stage or "converse", after))

    return predict


def main(argv: list[str]) -> int:
    """Command line: print the report for each file given."""
    verbose = "-v" in argv
    for arg in (a for a in argv if a != "-v"):
        report = evaluate(load_examples(arg), in_context(load_contexts(arg)))
        print(f"== {arg}")
        print(report.format(errors=verbose))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
