"""`python -m tests.eval.llm` against the fake model server, small: it reports what the
model changed (on topic, acts macro-F1), what it cost (latency), and what the guards
stopped; figures computed from what happened, not printed constants."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.eval.llm import main
from tests.fake_llm import FakeLLM

SLANG = "so what about the dosh, roughly?"
FILLER = "what's the craic with the gaffers, like?"


def evaluate(capsys: pytest.CaptureFixture[str], fake: FakeLLM, tmp_path: Path) -> dict[str, Any]:
    listening = tmp_path / "listening.jsonl"
    listening.write_text(
        json.dumps({"text": SLANG, "topics": ["pay"]})
        + "\n"
        + json.dumps({"text": "How did you get started?", "topics": []})
        + "\n"
    )
    acts = tmp_path / "acts_tiny.jsonl"
    acts.write_text(
        "\n".join(
            json.dumps(row)
            for row in (
                {"text": SLANG, "acts": ["ask_other"]},
                {"text": FILLER, "acts": ["ask_other"]},
                {"text": "Thanks so much!", "acts": ["thank"]},
                {"text": "How did you get started?", "acts": ["ask_start"]},
            )
        )
    )
    args = ["--base-url", fake.url, "--model", "fake", "--persona", "dana", "--json"]
    code = main([*args, "--acts", str(acts), str(listening)])
    assert code == 0
    result: dict[str, Any] = json.loads(capsys.readouterr().out)
    return result


def test_the_evaluation_reports_what_the_model_changed_and_cost(
    capsys: pytest.CaptureFixture[str], fake_llm: FakeLLM, tmp_path: Path
) -> None:
    fake_llm.labels[SLANG] = {"acts": ["ask_other"], "topics": ["pay"]}
    fake_llm.labels[FILLER] = {"acts": ["ask_other"], "topics": []}
    result = evaluate(capsys, fake_llm, tmp_path)
    listening = result["listening"]
    assert (listening["questions"], listening["contacts"]) == (2, 1)
    assert listening["on_topic_rules"] == 0.5 and listening["on_topic_with_model"] == 1.0
    acts = result["understanding"]
    assert acts["messages"] == 4 and acts["asked_the_model"] == 2
    assert acts["macro_f1_with_model"] == 1.0 > acts["macro_f1_rules"]
    phrasing = result["phrasing"]
    assert phrasing["lines"] == len(fake_llm.phrasings()) > 0
    assert phrasing["outcomes"] == {"used": phrasing["lines"]}
    for purpose in ("phrase", "understand"):
        figures = result["latency"][purpose]
        assert 0 < figures["p50_ms"] <= figures["p95_ms"]


def test_the_evaluation_counts_guard_rejections_by_reason(
    capsys: pytest.CaptureFixture[str], fake_llm: FakeLLM, tmp_path: Path
) -> None:
    fake_llm.fault = "job_offer"
    result = evaluate(capsys, fake_llm, tmp_path)
    phrasing = result["phrasing"]
    assert phrasing["used_rate"] == 0.0
    assert phrasing["guard_rejections"] == {"job_offer": phrasing["lines"]}
