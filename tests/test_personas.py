"""Contacts as data: every packaged file is valid, and problems name file and field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.cli import main
from flows.persona import PERSONA_DIR, load_personas
from flows.persona_check import check_personas


def test_packaged_contacts_are_valid_and_varied() -> None:
    assert list(check_personas()) == []
    personas = load_personas()
    assert len(personas) >= 4
    assert len({p.industry for p in personas.values()}) == len(personas)
    for p in personas.values():
        assert 2 <= len(p.referrals) <= 3
        assert len(p.tangents) >= 2


def _copy_with(tmp_path: Path, change: dict[str, object]) -> Path:
    raw = yaml.safe_load((PERSONA_DIR / "dana.yaml").read_text(encoding="utf-8"))
    raw.update(change)
    (tmp_path / "dana.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    return tmp_path


def test_problems_name_the_file_and_the_field(tmp_path: Path) -> None:
    raw = yaml.safe_load((PERSONA_DIR / "dana.yaml").read_text(encoding="utf-8"))
    raw["answers"]["ask_fit"] = ["only one variant"]
    raw["traits"]["referrals"] = {"names": 0.9, "undecided": 0.5}
    del raw["farewell"]
    (tmp_path / "dana.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    problems = {(p.file, p.field) for p in check_personas(tmp_path)}
    assert ("dana.yaml", "answers.ask_fit") in problems
    assert ("dana.yaml", "traits.referrals") in problems
    assert ("dana.yaml", "farewell") in problems


def test_id_must_match_file_name(tmp_path: Path) -> None:
    problems = list(check_personas(_copy_with(tmp_path, {"id": "someone"})))
    assert [(p.file, p.field) for p in problems] == [("dana.yaml", "id")]


def test_broken_yaml_is_reported_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("id: bad\nname: [unclosed\n", encoding="utf-8")
    problems = list(check_personas(tmp_path))
    assert problems and problems[0].file == "bad.yaml"
    assert problems[0].field.startswith("line ")


def test_greeting_with_questions_must_mention_them(tmp_path: Path) -> None:
    problems = list(
        check_personas(_copy_with(tmp_path, {"greeting_with_questions": ["Hi!", "Hello!"]}))
    )
    assert ("dana.yaml", "greeting_with_questions") in {(p.file, p.field) for p in problems}


def test_small_talk_that_takes_up_a_conversation_is_kept_for_later(tmp_path: Path) -> None:
    """A reply to a hello or a thanks may come before the first question: "Next question?"
    or "where were we?" belongs in ``small_talk_later``, said only once one was asked."""
    raw = yaml.safe_load((PERSONA_DIR / "dana.yaml").read_text(encoding="utf-8"))
    moved = [*raw["small_talk"], "Thanks. Now, where were we? Next question?"]
    problems = list(check_personas(_copy_with(tmp_path, {"small_talk": moved})))
    assert [(p.field, p.message) for p in problems] == [
        (f"small_talk[{len(moved) - 1}]", "takes up a conversation: small_talk_later")
    ]
    later = {"small_talk_later": [*raw["small_talk_later"], moved[-1]]}
    assert list(check_personas(_copy_with(tmp_path, later))) == []


def test_personas_list_prints_id_first(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["personas", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(load_personas())
    first = lines[0].split("\t")
    assert first[0] in load_personas()
    assert len(first) == 5  # id, name, role, field, summary


def test_personas_check_reports_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["personas", "check"]) == 0
    assert "valid" in capsys.readouterr().out


def test_personas_check_fails_on_a_bad_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _copy_with(tmp_path, {"stay_minutes": -5})
    assert main(["personas", "check", "--dir", str(tmp_path)]) == 1
    assert "dana.yaml: stay_minutes:" in capsys.readouterr().out


def test_two_contacts_may_not_share_a_line_or_a_stock_phrase(tmp_path: Path) -> None:
    """Each contact sounds like only themselves: a whole shared line, or a run of six words
    shared with another contact (a stock phrase), is reported on the later file."""
    for pid in ("dana", "helen"):
        (tmp_path / f"{pid}.yaml").write_text(
            (PERSONA_DIR / f"{pid}.yaml").read_text(encoding="utf-8"), encoding="utf-8"
        )
    assert list(check_personas(tmp_path)) == []
    raw = yaml.safe_load((tmp_path / "helen.yaml").read_text(encoding="utf-8"))
    dana = load_personas(tmp_path)["dana"]
    raw["farewell"][0] = dana.farewell[0]
    phrase = " ".join(dana.wrap_up[0].split()[:6])
    raw["wrap_up"][0] = f"Well. {phrase}, if I may."
    (tmp_path / "helen.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    problems = {(p.file, p.field): p.message for p in check_personas(tmp_path)}
    assert "the same line is in dana.yaml" in problems[("helen.yaml", "farewell[0]")]
    assert "shares" in problems[("helen.yaml", "wrap_up[0]")]
    assert "dana.yaml wrap_up[0]" in problems[("helen.yaml", "wrap_up[0]")]


def test_a_hello_by_name_and_the_greeting_must_greet_once(tmp_path: Path) -> None:
    """A user who gave their name hears a hello by name, then the greeting without its own
    opening hello; a greeting that greets again later on, or repeats the hello's words, is
    reported (it read "Hello, Tobias. Nice to finally meet you. Good to meet you.")."""
    raw = yaml.safe_load((PERSONA_DIR / "dana.yaml").read_text(encoding="utf-8"))
    raw["name_hello"] = ["Hi {user_name}, lovely to meet you.", "{user_name}? Come on in."]
    raw["greeting"] = [
        "Hello! Good to see you. I'm Dana. We have {minutes} minutes.",  # opening hello: fine
        "I'm Dana, nice to meet you. We have {minutes} minutes.",  # greets twice
        "Come on in, I'm Dana. We have {minutes} minutes.",  # "come on in" twice
    ]
    (tmp_path / "dana.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    problems = {(p.field, p.message) for p in check_personas(tmp_path)}
    assert ("name_hello[0] + greeting[1]", "greets twice") in problems
    assert ("name_hello[1] + greeting[2]", "says 'come on in' twice") in problems
    assert not {f for f, _ in problems if f.endswith("greeting[0]")}


def test_lines_about_the_meeting_never_assume_its_hour(tmp_path: Path) -> None:
    """A practice runs at any hour: a reviewer meeting at ten heard "good use of the
    afternoon" and "my half-past-twelve". Answers may tell of a day's hours; the lines about
    this meeting may not."""
    raw = yaml.safe_load((PERSONA_DIR / "naomi.yaml").read_text(encoding="utf-8"))
    raw["farewell"][0] = "This was a good use of the afternoon. Go well."
    raw["greeting"][0] = "Good morning, I'm Naomi. We have {minutes} minutes."
    (tmp_path / "naomi.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    problems = {(p.field, p.message) for p in check_personas(tmp_path)}
    assert ("farewell[0]", "assumes the hour of the meeting") in problems
    assert ("greeting[0]", "assumes the hour of the meeting") in problems
    assert not {f for f, m in problems if m == "assumes the hour of the meeting"} - {
        "farewell[0]",
        "greeting[0]",
    }


def test_a_farewell_never_recalls_a_line_the_user_may_not_have_heard(tmp_path: Path) -> None:
    """Ray's "remember what I told you: test before you touch" was said to a user who had
    never heard it."""
    raw = yaml.safe_load((PERSONA_DIR / "ray.yaml").read_text(encoding="utf-8"))
    raw["farewell"][1] = "Take care, and remember what I told you: test before you touch."
    (tmp_path / "ray.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    problems = {(p.field, p.message) for p in check_personas(tmp_path)}
    assert ("farewell[1]", "recalls something it may never have said") in problems
    assert not {f for f, m in problems if m == "recalls something it may never have said"} - {
        "farewell[1]"
    }
