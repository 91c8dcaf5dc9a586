"""Train the learned act reader shipped as ``flows/understanding/model/act_head.json``.

One logistic regression per act over the sentence encoder's vector (``encoder.py``). Beside
the rules (``flows/understanding/learned.py``): the model adds an act the rules missed only
when it is sure (``add``), and removes one the rules found only when it is sure the message
does not do it (``drop``).

Training data: every act set in ``tests/data/`` whose name contains neither ``heldout`` nor
the validation set's name. The two thresholds are chosen on the validation set
(``--validate FILE``, a blind set already scored once with the rules alone, as
``tests/data/README.md`` records), never on a held-out set.

    PYTHONPATH=. /tmp/v/bin/python tests/models/train_acts.py \
        --validate tests/data/acts_blind_d.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

os.environ["RAPPORT_LEARNED_UNDERSTANDING"] = "0"  # the rules alone, to learn beside them

from flows.acts import ACTS
from flows.understanding import normalised
from flows.understanding.encoder import MODEL_DIR, Encoder
from flows.understanding.evaluate import evaluate, in_context, load_contexts, load_examples

DATA = Path(__file__).resolve().parents[2] / "tests" / "data"
HELD_OUT = ("acts_blind_e.jsonl", "acts_blind_f.jsonl")
"""Blind sets kept for a single score (tests/data/README.md): never trained or tuned on."""


def features(encoder: Encoder, texts: list[str]) -> np.ndarray:
    batches = [texts[i : i + 64] for i in range(0, len(texts), 64)]
    return np.vstack([encoder.encode([normalised(t) for t in batch]) for batch in batches])


def combine(
    ruled: frozenset[str], probs: dict[str, float], add: float, drop: float
) -> frozenset[str]:
    """Mirrors ``flows.understanding.learned.ActHead.combine``."""
    kept = {a for a in ruled if probs.get(a, 1.0) > drop}
    return frozenset(kept | {a for a, p in probs.items() if p >= add})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--validate", type=Path, required=True)
    args = parser.parse_args()
    files = [
        f
        for f in sorted(DATA.glob("acts*.jsonl"))
        if "heldout" not in f.name and f.name not in HELD_OUT and f.name != args.validate.name
    ]
    examples = [e for f in files for e in load_examples(f)]
    print(f"training on {len(examples)} messages from {', '.join(f.name for f in files)}")
    encoder = Encoder()
    x = features(encoder, [t for t, _ in examples])
    heads: dict[str, LogisticRegression] = {}
    for act in ACTS:
        y = np.array([act in gold for _, gold in examples])
        if y.sum() < 5:
            continue
        heads[act] = LogisticRegression(C=10, max_iter=5000, class_weight="balanced").fit(x, y)
    validation = load_examples(args.validate)
    vx = features(encoder, [t for t, _ in validation])
    vprobs = [
        {act: float(model.predict_proba(vx[i : i + 1])[0][1]) for act, model in heads.items()}
        for i in range(len(validation))
    ]
    read = in_context(load_contexts(args.validate))  # the rules as the engine runs them
    ruled = {t: read(t) for t, _ in validation}
    index = {t: i for i, (t, _) in enumerate(validation)}
    rules_alone = evaluate(validation, lambda t: ruled[t])
    print(
        f"validation {args.validate.name}: rules alone macro-F1 {rules_alone.macro_f1:.4f}, "
        f"exact {rules_alone.exact_match:.3f}"
    )
    alone = evaluate(
        validation,
        lambda t: frozenset(a for a, p in vprobs[index[t]].items() if p >= 0.5),
    )
    print(f"  model alone: macro-F1 {alone.macro_f1:.4f}, exact {alone.exact_match:.3f}")
    best = (rules_alone.macro_f1 + rules_alone.exact_match, 2.0, -1.0)
    for add in (0.8, 0.85, 0.9, 0.95, 0.97, 0.99, 2.0):
        for drop in (-1.0, 0.005, 0.01, 0.02, 0.05, 0.1):
            report = evaluate(
                validation, lambda t, a=add, d=drop: combine(ruled[t], vprobs[index[t]], a, d)
            )
            score = report.macro_f1 + report.exact_match
            print(
                f"  add {add:.2f} drop {drop:.3f}: "
                f"macro-F1 {report.macro_f1:.4f} exact {report.exact_match:.3f}"
            )
            if score > best[0] + 1e-9:
                best = (score, add, drop)
    _, add, drop = best
    print(f"chose add {add}, drop {drop}")
    head = {
        "about": "act heads over encoder.onnx; trained by tests/models/train_acts.py",
        "validated_on": args.validate.name,
        "add": add,
        "drop": drop,
        "acts": list(heads),
        "coef": [[round(float(v), 5) for v in heads[a].coef_[0]] for a in heads],
        "intercept": [round(float(heads[a].intercept_[0]), 5) for a in heads],
    }
    (MODEL_DIR / "act_head.json").write_text(json.dumps(head) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
