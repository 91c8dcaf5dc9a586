"""Whole practices driven through `rapport chat --script ... --json`, as a user would."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from flows.engine import Engine

SCRIPTS = Path(__file__).parent / "scripts"


def run(capsys: pytest.CaptureFixture[str], script: str, *options: str) -> dict[str, Any]:
    code = main(["chat", "--script", str(SCRIPTS / script), "--json", *options])
    out = capsys.readouterr().out
    assert code == 0
    result: dict[str, Any] = json.loads(out)
    return result


def items(result: dict[str, Any]) -> dict[str, str]:
    return {item["id"]: item["status"] for item in result["scorecard"]["items"]}


def kinds(result: dict[str, Any], speaker: str = "contact") -> list[str]:
    return [t["kind"] for t in result["transcript"] if t["speaker"] == speaker]


def scenario(**traits: str) -> list[str]:
    return [arg for name, value in traits.items() for arg in ("--scenario", f"{name}={value}")]


def test_exemplary_meeting_scores_100(capsys: pytest.CaptureFixture[str]) -> None:
    result = run(
        capsys,
        "exemplary.txt",
        "--persona",
        "dana",
        "--seed",
        "3",
        *scenario(tangent="yes", stay="yes", referrals="names"),
    )
    assert result["state"] == "done"
    card = result["scorecard"]
    missed = [i for i in card["items"] if i["status"] != "passed"]
    assert card["score"] == 100, missed
    assert result["nudges"] == []
    assert kinds(result)[:1] == ["greeting"]
    for kind in (
        "answer",
        "tangent",
        "follow_up_answer",
        "invite_stay",
        "feedback",
        "referrals",
        "farewell",
    ):
        assert kind in kinds(result)
    evidence = {i["id"]: i["evidence"] for i in card["items"]}
    assert "fifteen minutes early" in evidence["arrive.early"]


def test_every_transcript_line_has_the_documented_shape(capsys: pytest.CaptureFixture[str]) -> None:
    result = run(capsys, "exemplary.txt", "--persona", "dana", "--seed", "3")
    assert set(result) >= {"persona", "state", "minutes", "transcript", "nudges", "scorecard"}
    assert result["persona"]["id"] == "dana" and result["minutes"] == 20
    for turn in result["transcript"]:
        assert set(turn) >= {"at", "speaker", "stage", "text", "acts", "kind"}
        assert set(turn) <= {"at", "speaker", "stage", "text", "acts", "kind", "topics", "ref"}
        assert turn["speaker"] in {"user", "contact", "narrator", "nudge"}
        assert turn["stage"] in {"arrive", "converse", "goodbye", "referral", "done", "abandoned"}
        assert isinstance(turn["at"], (int, float)) and turn["at"] >= 0
        if turn["speaker"] == "user":
            assert isinstance(turn["acts"], list)
        else:
            assert turn["kind"]
    times = [t["at"] for t in result["transcript"]]
    assert times == sorted(times)


def test_a_job_ask_is_deflected_and_marked(capsys: pytest.CaptureFixture[str]) -> None:
    result = run(capsys, "job_ask.txt", "--persona", "priya", "--seed", "1")
    assert "deflect_job" in kinds(result)
    assert items(result)["converse.no_job_ask"] == "missed"
    evidence = {i["id"]: i["evidence"] for i in result["scorecard"]["items"]}
    assert "Are you hiring" in evidence["converse.no_job_ask"]
    feedback_free = result["state"]
    assert feedback_free == "done"


def test_a_missed_clock_fires_the_wrap_up_nudge_at_the_mark(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = run(
        capsys, "missed_clock.txt", "--persona", "tomas", "--seed", "2", *scenario(stay="no")
    )
    assert [n["kind"] for n in result["nudges"]] == ["wrap_up"]
    greeting_at = next(t["at"] for t in result["transcript"] if t.get("kind") == "greeting")
    assert result["nudges"][0]["at"] == greeting_at + 20 * 60
    assert items(result)["goodbye.time"] == "missed"
    assert items(result)["goodbye.feedback"] == "passed"
    feedback = next(t["text"] for t in result["transcript"] if t.get("kind") == "feedback")
    assert "clock" in feedback or "time" in feedback


def test_decimal_minutes_move_the_mark(capsys: pytest.CaptureFixture[str]) -> None:
    result = run(
        capsys, "missed_clock.txt", "--persona", "tomas", "--minutes", "0.5", *scenario(stay="no")
    )
    greeting_at = next(t["at"] for t in result["transcript"] if t.get("kind") == "greeting")
    assert result["minutes"] == 0.5
    assert result["nudges"][0]["at"] == greeting_at + 30


def test_a_followed_tangent_gets_a_richer_answer(capsys: pytest.CaptureFixture[str]) -> None:
    result = run(capsys, "tangent_followed.txt", "--persona", "marcus", *scenario(tangent="yes"))
    contact = kinds(result)
    assert contact.index("tangent") < contact.index("follow_up_answer")
    assert contact.count("tangent") == 1
    assert items(result)["converse.tangent"] == "passed"


def test_an_ignored_tangent_is_missed(capsys: pytest.CaptureFixture[str]) -> None:
    result = run(capsys, "tangent_ignored.txt", "--persona", "marcus", *scenario(tangent="yes"))
    assert "tangent" in kinds(result)
    assert items(result)["converse.tangent"] == "missed"


def test_no_tangent_trait_means_no_tangent(capsys: pytest.CaptureFixture[str]) -> None:
    result = run(capsys, "tangent_ignored.txt", "--persona", "marcus", *scenario(tangent="no"))
    assert "tangent" not in kinds(result)
    assert items(result)["converse.tangent"] == "n/a"


def test_an_accepted_stay_schedules_a_second_wrap_up(capsys: pytest.CaptureFixture[str]) -> None:
    result = run(capsys, "stay_accepted.txt", "--persona", "helen", *scenario(stay="yes"))
    contact = kinds(result)
    assert contact.index("invite_stay") < contact.index("stay_accepted")
    assert [n["kind"] for n in result["nudges"]] == ["wrap_up"]  # the extension's, not the first
    accepted_at = next(t["at"] for t in result["transcript"] if t.get("kind") == "stay_accepted")
    assert result["nudges"][0]["at"] == accepted_at + 10 * 60
    assert items(result)["goodbye.stay"] == "passed"
    assert items(result)["goodbye.time"] == "passed"


def test_a_declined_stay_goes_to_goodbye(capsys: pytest.CaptureFixture[str]) -> None:
    result = run(capsys, "stay_declined.txt", "--persona", "helen", *scenario(stay="yes"))
    assert "stay_declined" in kinds(result)
    assert items(result)["goodbye.stay"] == "missed"
    assert result["nudges"] == []
    assert result["state"] == "done"


def test_without_the_stay_trait_the_contact_wraps_up(capsys: pytest.CaptureFixture[str]) -> None:
    result = run(capsys, "stay_declined.txt", "--persona", "helen", *scenario(stay="no"))
    assert "invite_stay" not in kinds(result)
    assert "wrap_up" in kinds(result)
    assert items(result)["goodbye.stay"] == "n/a"


def test_undecided_referrals_with_a_check_back_two_days_later(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = run(capsys, "check_back.txt", "--persona", "dana", *scenario(referrals="undecided"))
    contact = kinds(result)
    assert contact.index("undecided") < contact.index("check_back_ok")
    assert [n["kind"] for n in result["nudges"]] == ["check_back"]
    agreed_at = next(t["at"] for t in result["transcript"] if t.get("kind") == "check_back_ok")
    assert result["nudges"][0]["at"] == agreed_at + 2 * 24 * 3600
    assert contact[-1] == "referrals"  # the names, after the check-back message
    assert result["state"] == "done"
    assert items(result)["referral.check_back"] == "passed"
    assert items(result)["referral.golden_rules"] == "passed"


def test_named_referrals_make_check_back_not_applicable(capsys: pytest.CaptureFixture[str]) -> None:
    result = run(capsys, "check_back.txt", "--persona", "dana", *scenario(referrals="names"))
    assert "referrals" in kinds(result)
    assert items(result)["referral.check_back"] == "n/a"
    assert result["nudges"] == []


def test_same_script_and_seed_give_the_same_json(capsys: pytest.CaptureFixture[str]) -> None:
    first = run(capsys, "exemplary.txt", "--persona", "priya", "--seed", "42")
    second = run(capsys, "exemplary.txt", "--persona", "priya", "--seed", "42")
    assert first == second


def test_the_installed_command_prints_exactly_one_json_object() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "chat",
            "--script",
            str(SCRIPTS / "job_ask.txt"),
            "--json",
            "--persona",
            "marcus",
            "--seed",
            "5",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(proc.stdout)["persona"]["id"] == "marcus"


def test_a_flawless_meeting_still_gets_something_to_work_on(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The exemplary user asked for strengths and weaknesses and was told "I don't have much
    to fault today": nothing to act on. With no weakness seen, the contact says so and gives
    a stretch, the next thing a strong networker does."""
    result = run(capsys, "exemplary.txt", "--persona", "dana", "--seed", "3")
    strengths = next(t["text"] for t in result["transcript"] if t["kind"] == "strengths")
    work_on = strengths.split("To work on:")[1].strip()
    assert work_on == Engine().personas["dana"].feedback_lines["stretch"], work_on
