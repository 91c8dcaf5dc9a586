"""Bad input gets a clear reply, never a crash."""

from __future__ import annotations

import json
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main


def run_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lines: list[str], *options: str
) -> dict[str, Any]:
    script = tmp_path / "script.txt"
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert (
        main(
            [
                "chat",
                "--script",
                str(script),
                "--json",
                "--persona",
                "dana",
                "--seed",
                "1",
                *options,
            ]
        )
        == 0
    )
    result: dict[str, Any] = json.loads(capsys.readouterr().out)
    return result


def replies(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for t in result["transcript"] if t["speaker"] != "user"]


def test_odd_messages_each_get_a_reply(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    odd = ["🙂🙂🙂", "¿Puedo hacerle una pregunta sobre su trabajo?", "x" * 12_000, "!!!", "你好"]
    result = run_lines(tmp_path, capsys, ["I'm ready", *odd])
    users = [
        t for t in result["transcript"] if t["speaker"] == "user" and t.get("kind") != "command"
    ]
    assert [u["text"] for u in users[1:]] == odd  # kept whole, nothing lost
    for i, turn in enumerate(result["transcript"]):
        if turn["speaker"] == "user" and turn["text"] in odd:
            assert result["transcript"][i + 1]["speaker"] in {"contact", "narrator"}
    long_note = [t for t in replies(result) if "very long message" in t["text"]]
    assert len(long_note) == 1


def test_unknown_and_misplaced_commands_are_explained(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_lines(
        tmp_path,
        capsys,
        [
            "/dance",
            "/prepare",
            "/questions",
            "I'm ready",
            "/prepare What is it like?",
            "/end",
            "/end",
        ],
    )
    texts = [t["text"] for t in replies(result)]
    assert any("don't know the command /dance" in t for t in texts)
    assert any("/prepare followed by a question" in t for t in texts)
    assert any("haven't prepared any questions" in t for t in texts)
    assert any("too late" in t for t in texts)
    assert any("already ended" in t for t in texts)
    assert result["state"] == "abandoned"


def test_prepared_questions_are_listed_and_mentioned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    questions = tmp_path / "questions.txt"
    questions.write_text(
        "How did you get started?\n\nWhat does a typical week look like?\n", encoding="utf-8"
    )
    result = run_lines(tmp_path, capsys, ["/questions", "ready"], "--questions", str(questions))
    texts = [t["text"] for t in replies(result)]
    assert any(
        "1. How did you get started?" in t and "2. What does a typical week" in t for t in texts
    )
    greeting = next(t for t in replies(result) if t.get("kind") == "greeting")
    assert "How did you get started?" in greeting["text"] or "typical week" in greeting["text"]


def test_messages_after_the_end_are_answered(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_lines(tmp_path, capsys, ["/end", "hello?"])
    assert "practice is over" in replies(result)[-1]["text"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--persona", "nobody"], "unknown contact 'nobody'"),
        (["--minutes", "0"], "minutes must be more than 0"),
        (["--minutes", "soon"], "not a number of minutes"),
        (["--scenario", "mood=happy"], "bad scenario"),
        (["--scenario", "stay=maybe"], "stay must be one of yes|no"),
        (["--json"], "--json goes with --script"),
        (["--questions", "/nonexistent/q.txt"], "cannot read /nonexistent/q.txt"),
    ],
)
def test_bad_options_give_one_clear_line(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    rejected_by_argparse = args[0] in ("--minutes", "--scenario")
    with pytest.raises(SystemExit) if rejected_by_argparse else nullcontext():
        assert main(["chat", *args]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_a_bad_directive_names_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "s.txt"
    script.write_text("hello\n@wait forever\n", encoding="utf-8")
    assert main(["chat", "--script", str(script), "--json"]) == 2
    assert "line 2" in capsys.readouterr().err
