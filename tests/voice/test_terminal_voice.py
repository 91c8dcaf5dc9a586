"""The model voice in the terminal, as a user runs it: `rapport chat --script --json` with
RAPPORT_LLM_* pointing at the project's fake model server. Unset, nothing changes and no
client is made; set, contact lines are phrased; under every fault the scripted line is
shown; the transcript the flow keeps and the scorecard are the same in every case."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from tests.fake_llm import FAULTS, GOOD_PREFIX, FakeLLM

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"
SLANG = "so what about the dosh, roughly?"


def run(
    capsys: pytest.CaptureFixture[str], script: Path, referrals: str = "names", tangent: str = "yes"
) -> dict[str, Any]:
    traits = {"tangent": tangent, "stay": "yes", "referrals": referrals}
    options = [arg for k, v in traits.items() for arg in ("--scenario", f"{k}={v}")]
    code = main(
        ["chat", "--script", str(script), "--json", "--persona", "dana", "--seed", "4", *options]
    )
    out = capsys.readouterr().out
    assert code == 0
    result: dict[str, Any] = json.loads(out)
    return result


def flow_view(result: dict[str, Any]) -> dict[str, Any]:
    """The report without what the model said: what the flow decided and scored."""
    lines = [{k: v for k, v in t.items() if k != "phrased"} for t in result["transcript"]]
    return {**result, "transcript": lines}


def use(monkeypatch: pytest.MonkeyPatch, fake: FakeLLM, **extra: str) -> None:
    monkeypatch.setenv("RAPPORT_LLM_BASE_URL", fake.url)
    monkeypatch.setenv("RAPPORT_LLM_MODEL", "fake-model")
    monkeypatch.setenv("RAPPORT_LLM_TIMEOUT", "0.5")
    for key, value in extra.items():
        monkeypatch.setenv(key, value)


@pytest.fixture
def baseline(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The practice with no model configured; no client may even be made."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a model client was made without a model configured")

    for key in ("RAPPORT_LLM_BASE_URL", "RAPPORT_LLM_MODEL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setattr("openai.AsyncOpenAI.__init__", refuse)
    monkeypatch.setattr("bot.voice.model.ModelVoice.__init__", refuse)
    result = run(capsys, SCRIPTS / "any_field.txt")
    monkeypatch.undo()
    return result


def test_without_a_model_nothing_is_phrased_and_no_client_is_made(baseline: dict[str, Any]) -> None:
    assert baseline["scorecard"]["score"] == 100
    assert not [t for t in baseline["transcript"] if "phrased" in t]


@pytest.mark.parametrize("stream", ["0", "1"])
def test_with_a_model_every_contact_line_is_phrased_and_the_scorecard_is_the_same(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    fake_llm: FakeLLM,
    baseline: dict[str, Any],
    stream: str,
) -> None:
    use(monkeypatch, fake_llm, RAPPORT_LLM_STREAM=stream)
    result = run(capsys, SCRIPTS / "any_field.txt")
    contact = [t for t in result["transcript"] if t["speaker"] == "contact"]
    said = [GOOD_PREFIX + t["text"].replace('"', "'") for t in contact]  # (quoted in the prompt)
    assert contact and [t["phrased"] for t in contact] == said
    assert not [t for t in result["transcript"] if t["speaker"] != "contact" and "phrased" in t]
    assert flow_view(result) == baseline
    asked = fake_llm.phrasings()
    assert len(asked) == len(contact)
    assert all(r.body.get("stream", False) == (stream == "1") for r in asked)
    assert all(r.body["max_tokens"] == 220 and r.body["model"] == "fake-model" for r in asked)
    systems = {r.messages[0]["content"] for r in asked}
    assert len(systems) == 1, "the stable prefix changed within the practice"


@pytest.mark.parametrize("fault", FAULTS)
def test_under_every_fault_the_scripted_line_is_shown_and_the_scorecard_is_the_same(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    fake_llm: FakeLLM,
    baseline: dict[str, Any],
    fault: str,
) -> None:
    use(monkeypatch, fake_llm)
    fake_llm.fault, fake_llm.slow_seconds = fault, 2.0
    result = run(capsys, SCRIPTS / "any_field.txt")
    assert not [t for t in result["transcript"] if "phrased" in t]
    assert result == baseline
    assert fake_llm.phrasings(), "the model was not asked"


def test_understanding_chooses_the_answer_where_the_rules_read_nothing(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    fake_llm: FakeLLM,
    tmp_path: Path,
) -> None:
    script = tmp_path / "slang.txt"
    script.write_text(
        f"Hello, I'm ready.\nHow did you get started?\n{SLANG}\nThanks so much, goodbye!\n"
    )
    plain = run(capsys, script, tangent="no")
    use(monkeypatch, fake_llm, RAPPORT_LLM_UNDERSTAND="1")
    fake_llm.labels[SLANG] = {"acts": ["ask_other", "not_an_act"], "topics": ["pay", "weather"]}
    helped = run(capsys, script, tangent="no")

    def reply_to_slang(result: dict[str, Any]) -> dict[str, Any]:
        lines = result["transcript"]
        at = next(i for i, t in enumerate(lines) if t["text"] == SLANG)
        return next(t for t in lines[at + 1 :] if t["speaker"] == "contact")

    assert not reply_to_slang(plain).get("ref", "").startswith("pay.")
    assert reply_to_slang(helped)["ref"].startswith("pay.")
    assert helped["scorecard"] == plain["scorecard"]
    labelled = [r.messages[-1]["content"] for r in fake_llm.labellings()]
    assert labelled == [f'Message: "{SLANG}"'], "only the message the rules read nothing in"
    schema = fake_llm.labellings()[0].body["response_format"]
    assert schema["type"] == "json_schema" and schema["json_schema"]["strict"] is True
