"""The model voice's settings, as an operator meets them: a mistake is one clear line and
exit status 2, before anything starts or is sent."""

from __future__ import annotations

import pytest

from bot.cli import main

SCRIPT = "tests/scripts/any_field.txt"


@pytest.mark.parametrize(
    ("env", "said"),
    [
        ({"RAPPORT_LLM_BASE_URL": "http://localhost:11434/v1"}, "set RAPPORT_LLM_MODEL too"),
        ({"RAPPORT_LLM_BASE_URL": "ftp://models.example", "RAPPORT_LLM_MODEL": "m"}, "http(s)"),
        (
            {
                "RAPPORT_LLM_BASE_URL": "http://x/v1",
                "RAPPORT_LLM_MODEL": "m",
                "RAPPORT_LLM_TIMEOUT": "0",
            },
            "RAPPORT_LLM_TIMEOUT",
        ),
    ],
)
@pytest.mark.parametrize("command", [["chat", "--script", SCRIPT, "--json"], ["serve"]])
def test_a_wrong_model_setting_is_one_line_and_status_2(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    said: str,
    command: list[str],
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert main(command) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("rapport: ") and said in lines[0], lines
