"""A model's reading of a message the rules read nothing in: asked for only then, used only
to choose the contact's answer (never to move the meeting on), and never recorded as the
user's acts, so the scorecard is the rules' alone."""

from __future__ import annotations

from flows.coaching import score_session
from flows.effects import Show
from flows.engine import Engine
from flows.phrasing import Hint, hinted_acts, wants_hint
from tests.conftest import T0

SLANG = "so what about the dosh, roughly?"


def _meeting(engine: Engine) -> object:
    session, _ = engine.start(
        "dana",
        now=T0,
        seed=1,
        minutes=20,
        scenario={"tangent": "no", "stay": "no", "referrals": "names"},
    )
    engine.message(session, "Hello, I'm ready", T0)
    return session


def test_only_messages_the_rules_read_nothing_in_want_a_hint() -> None:
    assert wants_hint(SLANG)
    assert wants_hint("What is a good star sign for nurses?")  # a question, but no topic
    read_by_rules = (
        "How did you get started?",
        "What's the pay like?",
        "thanks!",
        "hmm",
        "/end",
        "What is your favourite band?",  # small talk to the contact, answered in a line
    )
    for read in read_by_rules:
        assert not wants_hint(read), read


def test_a_hint_chooses_the_answer_but_the_turn_keeps_the_rules_acts() -> None:
    engine = Engine()
    plain, hinted = _meeting(engine), _meeting(engine)
    without = engine.message(plain, SLANG, T0)  # type: ignore[arg-type]
    with_hint = engine.message(
        hinted,
        SLANG,
        T0,
        Hint.of(["ask_other", "made_up"], ["pay", "nonsense", "pay"]),  # type: ignore[arg-type]
    )
    refs = [e.turn.ref for e in with_hint if isinstance(e, Show) and e.turn.speaker == "contact"]
    assert refs and refs[0].startswith("pay."), refs
    assert not any(e.turn.ref.startswith("pay.") for e in without if isinstance(e, Show))
    user = [t for t in hinted.turns if t.speaker == "user"][-1]  # type: ignore[attr-defined]
    assert user.acts == ()
    assert score_session(hinted) == score_session(plain)  # type: ignore[arg-type]


def test_a_hint_never_moves_the_meeting_on() -> None:
    assert (
        hinted_acts(frozenset(), Hint.of(["goodbye", "ask_referrals", "time_check"], [])) == set()
    )
    assert hinted_acts(frozenset({"greet"}), Hint.of(["ask_other"], [])) == {"greet"}
    engine = Engine()
    session = _meeting(engine)
    engine.message(session, SLANG, T0, Hint.of(["goodbye", "ask_referrals"], []))  # type: ignore[arg-type]
    assert session.state == "converse"  # type: ignore[attr-defined]
