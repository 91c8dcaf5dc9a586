"""The engine as a pure function: events and the time in, effects out."""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

from flows.effects import CancelNudge, Finished, ScheduleNudge, Show
from flows.engine import CHECK_BACK, WRAP_UP, Engine
from flows.session import Session
from tests.conftest import T0

FLOWS = Path(__file__).resolve().parents[1] / "flows"


def begin(engine: Engine, **scenario: str) -> Session:
    session, _ = engine.start("dana", now=T0, seed=11, minutes=20, scenario=scenario)
    engine.message(session, "Hi, I'm ready to go in.", T0 + timedelta(minutes=1))
    assert session.state == "converse"
    return session


def shown(effects: list[object]) -> list[Show]:
    return [e for e in effects if isinstance(e, Show)]


def test_flows_never_imports_telegram_or_sqlalchemy() -> None:
    for path in FLOWS.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            for name in names:
                assert name.split(".")[0] not in {"telegram", "sqlalchemy"}, path


def test_the_greeting_starts_the_clock_and_schedules_the_wrap_up(engine: Engine) -> None:
    session, opening = engine.start("dana", now=T0, seed=1)
    assert [s.turn.kind for s in shown(opening)] == ["scene"]
    effects = engine.message(session, "Hello! I'm ready.", T0 + timedelta(minutes=2))
    assert ScheduleNudge(WRAP_UP, T0 + timedelta(minutes=22)) in effects
    assert session.clock_started_at == T0 + timedelta(minutes=2)
    assert shown(effects)[-1].turn.kind == "greeting"


def test_greetings_in_the_lobby_do_not_start_the_meeting(engine: Engine) -> None:
    session, _ = engine.start("priya", now=T0, seed=1)
    for text in ("Good morning!", "Thanks so much", "I got here a quarter of an hour early"):
        engine.message(session, text, T0)
        assert session.state == "arrive"
    assert session.nudges == {}


def test_a_first_question_from_the_lobby_is_answered(engine: Engine) -> None:
    session, _ = engine.start("priya", now=T0, seed=1)
    effects = engine.message(session, "How did you get into nursing?", T0)
    assert session.state == "converse"
    assert [s.turn.kind for s in shown(effects)][-2:] == ["greeting", "answer"]


def test_a_first_question_about_the_users_own_situation_from_the_lobby_is_answered(
    engine: Engine,
) -> None:
    """A question on a topic with no question act of its own (later start, part-time, a
    record...) takes the user in too, instead of "you're still in the lobby"."""
    session, _ = engine.start("priya", now=T0, seed=1)
    effects = engine.message(session, "I'm 49 now. Is it too late to train as a nurse?", T0)
    assert session.state == "converse"
    assert [s.turn.kind for s in shown(effects)][-2:] == ["greeting", "answer"]
    assert session.turns[-1].ref.startswith("later_start.")


def test_raising_the_time_cancels_the_wrap_up(engine: Engine) -> None:
    session = begin(engine, stay="no")
    effects = engine.message(session, "I see our time is nearly up.", T0 + timedelta(minutes=17))
    assert CancelNudge(WRAP_UP) in effects
    assert session.state == "goodbye"
    assert engine.nudge(session, WRAP_UP, T0 + timedelta(minutes=21)) == []


def test_a_nudge_for_a_session_that_moved_on_is_dropped(engine: Engine) -> None:
    session = begin(engine)
    engine.command(session, "end", "", T0 + timedelta(minutes=5))
    assert session.state == "abandoned"
    assert session.nudges == {}
    assert engine.nudge(session, WRAP_UP, T0 + timedelta(minutes=21)) == []
    assert engine.nudge(session, CHECK_BACK, T0 + timedelta(days=2)) == []


def test_the_wrap_up_nudge_fires_once(engine: Engine) -> None:
    session = begin(engine)
    mark = T0 + timedelta(minutes=21)
    first = engine.nudge(session, WRAP_UP, mark)
    assert [s.turn.speaker for s in shown(first)] == ["nudge"]
    assert engine.nudge(session, WRAP_UP, mark) == []


def test_ending_gives_a_scorecard(engine: Engine) -> None:
    session = begin(engine)
    before = engine.message(session, "Thank you, goodbye!", T0 + timedelta(minutes=5))
    assert not [e for e in before if isinstance(e, Finished)]  # "anything else?" first
    effects = engine.message(session, "No, that's all. Goodbye!", T0 + timedelta(minutes=6))
    finished = [e for e in effects if isinstance(e, Finished)]
    assert len(finished) == 1
    assert session.state == "done"
    assert 0 <= finished[0].scorecard.score <= 100


def test_a_session_restored_from_storage_continues_identically(engine: Engine) -> None:
    lines = [
        "How did you get started?",
        "What do you like least?",
        "Tell me more!",
        "Could you recommend anyone else I should speak to?",
    ]
    straight = begin(engine, tangent="yes")
    restored = begin(engine, tangent="yes")
    for i, line in enumerate(lines):
        now = T0 + timedelta(minutes=2 + i)
        expected = engine.message(straight, line, now)
        restored = Session.from_dict(restored.to_dict())  # a restart between every message
        assert engine.message(restored, line, now) == expected
    assert restored.to_dict() == straight.to_dict()


def test_the_same_seed_gives_the_same_scenario_and_lines(engine: Engine) -> None:
    a, _ = engine.start("marcus", now=T0, seed=99)
    b, _ = engine.start("marcus", now=T0, seed=99)
    assert a.scenario == b.scenario
    for text in ("ready", "How did you start?", "What do you like best?"):
        assert engine.message(a, text, T0) == engine.message(b, text, T0)


def test_scenario_odds_follow_the_persona(engine: Engine) -> None:
    persona = engine.persona("marcus")
    sessions = [engine.start("marcus", now=T0, seed=seed)[0] for seed in range(400)]
    tangents = sum(s.scenario.tangent for s in sessions) / len(sessions)
    assert abs(tangents - persona.traits.tangent) < 0.08


def test_the_arrival_checklist_can_be_ticked_without_typing(engine: Engine) -> None:
    session, _ = engine.start("helen", now=T0, seed=1)
    for item in ("arrive_early", "dressed", "notebook"):
        engine.command(session, "check", item, T0)
        assert session.state == "arrive"
    effects = engine.command(session, "check", "questions_copy", T0)
    assert session.state == "converse"  # all four: the contact comes out
    assert shown(effects)[-1].turn.kind == "greeting"
    late = engine.command(session, "check", "dressed", T0)
    assert "checklist is closed" in shown(late)[0].turn.text
    from flows.coaching import score_session

    card = score_session(session)
    assert {card.item(i).status for i in ("arrive.early", "arrive.dressed")} == {"passed"}


def test_ready_button_goes_in(engine: Engine) -> None:
    session, _ = engine.start("helen", now=T0, seed=1)
    engine.command(session, "ready", "", T0)
    assert session.state == "converse"


def test_a_name_given_at_the_desk_goes_on_a_badge(engine: Engine) -> None:
    """Practising with Helen: "Good morning! I have a 10 o'clock with Helen Okafor. I'm
    Mina." got "Good to have ready: Helen will hear it once you're in, and it shapes what
    they tell you", as if a name were news about the user's work. A name alone goes on the
    visitor badge; a background still gets the first line."""
    session, _ = engine.start("dana", now=T0, seed=1, minutes=20)
    engine.message(session, "Good morning! I have a 10 o'clock with Dana. I'm Mina.", T0)
    lines = [t.text for t in session.turns if t.speaker == "narrator"]
    assert any("writes Mina on a visitor badge" in line for line in lines), lines
    engine.message(session, "I used to be a nurse, by the way.", T0)
    assert "it shapes what they tell you" in session.turns[-1].text
