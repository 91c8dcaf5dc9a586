"""Compare sentence encoders on a topic author none of them was trained on (development only).

For each ``--author`` (a topic file's stem), and each encoder directory given: a topic head
(the same logistic regression ``train_topics.py`` fits) is trained on every *other* author's
questions plus the non-topical act messages, over that encoder's vectors, and scored on the
left-out author's one-topic and no-topic questions:

* ``model``: the head alone;
* ``reader``: rules first, the head where they are unsure, with the shipped thresholds
  (``train_topics._decide``, the same decision the product makes).

A fine-tuned encoder must be built *without* that author (``finetune_encoder.py --without``)
for its figure to mean anything.

    PYTHONPATH=. /tmp/v/bin/python tests/models/compare_encoders.py \\
        --author author_e base=flows/understanding/model tuned=/tmp/enc_e
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

os.environ["RAPPORT_LEARNED_UNDERSTANDING"] = "0"

from flows.acts import CLASSIC_QUESTIONS
from flows.understanding import normalised, topics, understand
from flows.understanding.encoder import MODEL_DIR, Encoder
from tests.models.train_topics import _decide, none_rows, topic_rows


def _vectors(encoder: Encoder, texts: list[str]) -> np.ndarray:
    return np.vstack(
        [
            encoder.encode([normalised(t) for t in texts[i : i + 64]])
            for i in range(0, len(texts), 64)
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--author", required=True)
    parser.add_argument("--save", help="write each encoder's probabilities to SAVE-name.json")
    parser.add_argument("encoders", nargs="+", help="name=directory")
    args = parser.parse_args()
    everyone = set(topic_rows())
    train = topic_rows(without=args.author) + none_rows(100)
    test = sorted(everyone - set(topic_rows(without=args.author)))
    shipped = json.loads((MODEL_DIR / "topic_head.json").read_text(encoding="utf-8"))
    over, veto, fall = shipped["override"], shipped["veto"], shipped["fallback"]
    ruled = [topics(t) for t, _ in test]
    classic = [bool(understand(t) & set(CLASSIC_QUESTIONS)) for t, _ in test]
    gold = [label for _, label in test]
    print(f"{args.author}: {len(test)} questions held out, {len(train)} to train on")
    for spec in args.encoders:
        name, _, where = spec.partition("=")
        encoder = Encoder(Path(where))
        started = time.perf_counter()
        for t, _ in test[:200]:
            encoder.encode([normalised(t)])
        per_message = (time.perf_counter() - started) / min(200, len(test)) * 1000
        head = LogisticRegression(C=10, max_iter=5000).fit(
            _vectors(encoder, [t for t, _ in train]), [label for _, label in train]
        )
        classes = list(head.classes_)
        probs = head.predict_proba(_vectors(encoder, [t for t, _ in test]))
        alone = np.mean([classes[int(np.argmax(p))] == g for p, g in zip(probs, gold, strict=True)])
        reader = np.mean(
            [
                _decide(p, classes, r, c, over, veto, fall) == g
                for p, r, c, g in zip(probs, ruled, classic, gold, strict=True)
            ]
        )
        if args.save:
            Path(f"{args.save}-{name}.json").write_text(
                json.dumps(
                    {
                        "classes": classes,
                        "texts": [t for t, _ in test],
                        "labels": gold,
                        "probs": [[round(float(v), 5) for v in p] for p in probs],
                    }
                ),
                encoding="utf-8",
            )
        print(
            f"  {name:10} model {alone:.3f}  reader {reader:.3f}  "
            f"encode {per_message:.2f} ms/message"
        )


if __name__ == "__main__":
    main()
