"""A small sentence encoder for the learned part of understanding (``model/``).

all-MiniLM-L6-v2, int8, run with ``onnxruntime`` on the CPU: a message becomes a unit
vector of 384 numbers in about a few milliseconds, so that phrasings no rule lists still land
near the examples they mean. Loaded on first use, never at import: commands that never need
it pay nothing. ``model/README.md`` says where the weights come from and how to rebuild them.

Computation only, no I/O beyond reading the shipped files.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

MODEL_DIR: Final = Path(__file__).with_name("model")
MAX_TOKENS: Final = 64
OFF_SWITCH: Final = "RAPPORT_LEARNED_UNDERSTANDING"
"""Set to 0 to read messages with the rules alone."""


class Encoder:
    def __init__(self, model_dir: Path = MODEL_DIR, *, precise: bool | None = None) -> None:
        """``precise``: onnxruntime's precise int8 kernels on or off; None: on unless the
        CPU's own products are exact (:func:`exact_int8`)."""
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.no_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        if precise is None:
            precise = not exact_int8(cpu_flags())
        if precise:
            # Exact integer products where the CPU's own are not. A CPU with AVX2 but no
            # VNNI adds the int8 products in saturating 16-bit pairs, so the same message
            # got a slightly different vector there (cosine 0.98-0.99 to the exact one)
            # and readings near a threshold flipped: 4 unit examples failed on such a
            # machine. With AVX-512 VNNI the products are exact already, and this option
            # only made each message about 1 ms slower (3.5 ms against 2.4 ms, the same
            # vectors to the bit over 2,642 messages: tests/test_encoder_precision.py).
            options.add_session_config_entry("session.x64quantprecision", "1")
        self._session = ort.InferenceSession(
            str(model_dir / "encoder.onnx"), options, providers=["CPUExecutionProvider"]
        )

    def encode(self, texts: list[str]) -> npt.NDArray[np.float32]:
        """One unit vector per text (rows)."""
        import numpy as np

        encoded = self._tokenizer.encode_batch(texts)
        width = max(len(e.ids) for e in encoded)
        ids = np.zeros((len(texts), width), dtype=np.int64)
        mask = np.zeros((len(texts), width), dtype=np.int64)
        for row, e in enumerate(encoded):
            ids[row, : len(e.ids)] = e.ids
            mask[row, : len(e.ids)] = 1
        out = self._session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        return np.asarray(out, dtype=np.float32)


EXACT_INT8_FLAGS: Final = frozenset({"avx512_vnni"})
"""CPU features whose int8 products (onnxruntime's u8 x s8 kernels) are exact: checked to give
the same vectors as the precise kernels, to the bit. (AVX-VNNI without AVX-512 is likely
exact too, but no machine here had it: it keeps the precise kernels.)"""


def cpu_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> frozenset[str]:
    """The CPU's feature flags as Linux lists them; empty where it does not (another
    system, or no such file): then the precise kernels are used."""
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return frozenset()
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name.strip() == "flags":
            return frozenset(value.split())
    return frozenset()


def exact_int8(flags: frozenset[str]) -> bool:
    """Whether a CPU with these flags multiplies int8 exactly without being told to."""
    return bool(flags & EXACT_INT8_FLAGS)


def enabled() -> bool:
    return os.environ.get(OFF_SWITCH, "1").strip().lower() not in ("0", "false", "no", "off")


@cache
def encoder() -> Encoder | None:
    """The shared encoder, or None when it is switched off or cannot load (the rules then
    read alone)."""
    if not enabled():
        return None
    try:
        return Encoder()
    except (ImportError, OSError):
        return None
