"""Train the learned topic reader shipped as ``flows/understanding/model/topic_head.json``.

A multinomial logistic regression over the sentence encoder's vector (``encoder.py``), with
one extra class, ``none``, for questions no topic covers. It is consulted only for a question
where no topic rule fired (``topic_finder.py``), and only answers when it is confident.

Training data (never a held-out file):
- ``tests/data/listening/*.jsonl`` and ``tests/data/topic_training/*.jsonl`` whose name does
  not contain ``heldout``: one-topic rows as that topic, no-topic rows as ``none``;
- messages of the development act sets that ask nothing topical (greetings, thanks, the
  classic questions without a topic, referral and feedback requests) as ``none``.

The confidence thresholds are chosen by 5-fold cross-validation of the whole reader (rules
first, then the model) on the topic rows, and printed with its accuracy. When the encoder
was fine-tuned on these rows (``finetune_encoder.py``), 5-fold figures would flatter it:
give instead the held-out probabilities of encoders fine-tuned without one author each
(``compare_encoders.py --save``), and the thresholds are chosen on those.

    PYTHONPATH=. /tmp/v/bin/python tests/models/train_topics.py [FOLD.json ...]
"""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

os.environ["RAPPORT_LEARNED_UNDERSTANDING"] = "0"  # the rules alone, to learn beside them

from flows.acts import CLASSIC_QUESTIONS
from flows.understanding import normalised, topics, understand
from flows.understanding.encoder import MODEL_DIR, Encoder

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
NONE = "none"
_NOT_TOPICAL = {"ask_other", "ask_likes"}
_CREDENTIAL_WORDS = ("degree", "certif", "licen", "qualif", "school", "course", "study", "master")
_ACT_SETS = ("acts_dev.jsonl", "acts_casual.jsonl", "acts_formal.jsonl", "acts_mixed.jsonl")


def _rows(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def topic_rows(without: str | None = None) -> list[tuple[str, str]]:
    """One-topic and no-topic questions of every topic author but the held-out ones (and
    ``without``, a file's stem, left out for measuring on it)."""
    files = [*sorted((DATA / "listening").glob("*.jsonl"))]
    files += sorted((DATA / "topic_training").glob("*.jsonl"))
    out = []
    for path in files:
        if "heldout" in path.name or path.stem == without:
            continue
        for row in _rows(path):
            labels = row["topics"]
            assert isinstance(labels, list)
            if len(labels) <= 1:
                out.append((str(row["text"]), labels[0] if labels else NONE))
    return out


def none_rows(limit: int = 700) -> list[tuple[str, str]]:
    texts = []
    for name in _ACT_SETS:
        for row in _rows(DATA / name):
            acts = set(row["acts"])  # type: ignore[arg-type]
            lowered = str(row["text"]).lower()
            if "ask_qualifications" in acts and any(w in lowered for w in _CREDENTIAL_WORDS):
                continue
            if acts and not acts & _NOT_TOPICAL:
                texts.append(str(row["text"]))
    random.Random(7).shuffle(texts)
    return [(t, NONE) for t in texts[:limit]]


def features(encoder: Encoder, texts: list[str]) -> np.ndarray:
    chunks = [
        encoder.encode([normalised(t) for t in texts[i : i + 64]]) for i in range(0, len(texts), 64)
    ]
    return np.vstack(chunks)


def _decide(
    probs: np.ndarray,
    classes: list[str],
    ruled: tuple[str, ...],
    classic: bool,
    over: float,
    veto: float,
    fall: float,
) -> str:
    """Mirrors ``flows.understanding.learned.TopicHead.decide``."""
    best = int(np.argmax(probs))
    topic, confidence = classes[best], probs[best]
    if topic == NONE and confidence >= veto:
        return NONE
    if topic != NONE and confidence >= over:
        return topic
    if ruled:
        return ruled[0] if len(ruled) == 1 else "two"
    return topic if confidence >= fall and not classic else NONE


def choose(
    probs: np.ndarray,
    classes: list[str],
    ruled: list[tuple[str, ...]],
    classic: list[bool],
    labels: list[str],
    n: int,
) -> tuple[float, float, float, tuple[float, float], tuple[float, float]]:
    """The thresholds (override, veto, fallback) that read the most rows right, given the
    head's probabilities on rows it was not trained on; the first ``n`` rows are topic
    authors' questions, the rest extra no-topic messages. Returns them with the scores
    (topic rows, extra rows) chosen and of the rules alone."""

    def score(over: float, veto: float, fall: float) -> tuple[float, float]:
        guesses = [
            _decide(probs[i], classes, ruled[i], classic[i], over, veto, fall)
            for i in range(len(labels))
        ]
        right = [g == label for g, label in zip(guesses, labels, strict=True)]
        return float(np.mean(right[:n])), float(np.mean(right[n:])) if n < len(labels) else 1.0

    best = (-1.0, 0.0, 0.0, 0.0, (0.0, 0.0))
    for over in np.arange(0.3, 1.01, 0.05):
        for veto in np.arange(0.85, 1.01, 0.05):  # "no topic" over a rule only when near certain
            for fall in np.arange(0.0, over, 0.05):
                topical_score, none_score = score(over, veto, fall)
                # a topic invented for a classic question costs as much as a missed one
                both = (topical_score * n + none_score * (len(labels) - n)) / len(labels)
                best = max(
                    best, (both, float(over), float(veto), float(fall), (topical_score, none_score))
                )
    _, over, veto, fall, chosen = best
    print(f"  model alone: topic rows {score(0.0, 0.0, 0.0)[0]:.3f}")
    return over, veto, fall, chosen, score(2.0, 2.0, 2.0)


def _fold_probabilities(paths: list[str]) -> tuple[np.ndarray, list[str], list[str], int]:
    """Held-out probabilities written by ``compare_encoders.py --save`` (each from an encoder
    fine-tuned without that author): what the thresholds are chosen on when the shipped
    encoder was fine-tuned on these very rows, so that 5-fold figures would flatter it."""
    probs, texts, labels, classes = [], [], [], None
    for path in paths:
        saved = json.loads(Path(path).read_text(encoding="utf-8"))
        assert classes is None or classes == saved["classes"]
        classes = saved["classes"]
        probs += saved["probs"]
        texts += saved["texts"]
        labels += saved["labels"]
    assert classes is not None
    return np.array(probs), classes, texts, labels


def main() -> None:
    folds = sys.argv[1:]
    encoder = Encoder()
    topical = topic_rows()
    extra = none_rows(int(os.environ.get("NONE_LIMIT", "100")))
    rows = topical + extra
    texts = [t for t, _ in rows]
    labels = np.array([label for _, label in rows])
    x = features(encoder, texts)
    classes = sorted(set(labels))
    if folds:
        probs, classes, held_texts, held_labels = _fold_probabilities(folds)
        n = len(held_texts)
        print(f"{n} questions of left-out authors, thresholds from their probabilities")
    else:
        probs = np.zeros((len(rows), len(classes)))
        for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(x, labels):
            model = LogisticRegression(C=10, max_iter=5000).fit(x[train], labels[train])
            order = [list(model.classes_).index(c) for c in classes]
            probs[test] = model.predict_proba(x[test])[:, order]
        held_texts, held_labels, n = texts, list(labels), len(topical)
        print(f"{n} topic rows, {len(extra)} extra none rows (5-fold)")
    ruled = [topics(t) for t in held_texts]
    classic = [bool(understand(t) & set(CLASSIC_QUESTIONS)) for t in held_texts]
    over, veto, fall, (topical_score, none_score), rules_alone = choose(
        probs, classes, ruled, classic, held_labels, n
    )
    print(f"  rules alone: topic rows {rules_alone[0]:.3f}, none rows {rules_alone[1]:.3f}")
    print(
        f"  chose override {over:.2f}, veto {veto:.2f}, fallback {fall:.2f}: "
        f"topic rows {topical_score:.3f}, none rows {none_score:.3f}"
    )
    model = LogisticRegression(C=10, max_iter=5000).fit(x, labels)
    head = {
        "about": "topic head over encoder.onnx; trained by tests/models/train_topics.py",
        "classes": list(model.classes_),
        "override": round(over, 2),
        "veto": round(veto, 2),
        "fallback": round(fall, 2),
        "cross_validated": {
            "on": "left-out authors" if folds else "5-fold",
            "topic_rows": round(topical_score, 3),
            "none_rows": round(none_score, 3),
            "rules_alone_topic_rows": round(rules_alone[0], 3),
            "rules_alone_none_rows": round(rules_alone[1], 3),
        },
        "coef": [[round(float(v), 5) for v in row] for row in model.coef_],
        "intercept": [round(float(v), 5) for v in model.intercept_],
    }
    (MODEL_DIR / "topic_head.json").write_text(json.dumps(head) + "\n", encoding="utf-8")
    print(f"wrote {MODEL_DIR / 'topic_head.json'}")


if __name__ == "__main__":
    main()
