"""The encoder's int8 kernels: precise ones only where the CPU's own products are not exact
(flows/understanding/encoder.py). Skipping them must never change a vector."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from flows.understanding import normalised
from flows.understanding.encoder import Encoder, cpu_flags, encoder, exact_int8

DATA = Path(__file__).parent / "data"


def test_the_cpu_flags_are_read_from_the_flags_line(tmp_path: Path) -> None:
    info = tmp_path / "cpuinfo"
    info.write_text(
        "processor\t: 0\nmodel name\t: Some CPU\nflags\t\t: fpu sse2 avx2 avx512_vnni\n"
        "bugs\t\t: spectre_v1\n",
        encoding="utf-8",
    )
    assert cpu_flags(info) == {"fpu", "sse2", "avx2", "avx512_vnni"}
    assert exact_int8(cpu_flags(info))


def test_without_vnni_or_a_flags_line_the_precise_kernels_are_used(tmp_path: Path) -> None:
    avx2_only = tmp_path / "cpuinfo"
    avx2_only.write_text("flags\t: fpu sse2 avx2 fma\n", encoding="utf-8")
    assert not exact_int8(cpu_flags(avx2_only))
    assert cpu_flags(tmp_path / "missing") == frozenset()  # another system: precise
    assert not exact_int8(frozenset())


@pytest.mark.skipif(not exact_int8(cpu_flags()), reason="this CPU needs the precise kernels")
def test_where_the_precise_kernels_are_skipped_every_vector_is_the_same() -> None:
    if encoder() is None:
        pytest.skip("no encoder")
    texts = []
    for name in ("acts_dev.jsonl", "acts_casual.jsonl"):
        rows = (DATA / name).read_text(encoding="utf-8").splitlines()
        texts += [normalised(json.loads(row)["text"]) for row in rows if row]
    fast, precise = Encoder(precise=False), Encoder(precise=True)
    for i in range(0, len(texts), 32):  # (batches: padding must not matter either)
        batch = texts[i : i + 32]
        assert np.array_equal(fast.encode(batch), precise.encode(batch)), batch
