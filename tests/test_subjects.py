"""Subjects: questions about the contact's own working life that every contact answers from
a detail of their own, read by rules written once (``flows/understanding/subjects.yaml``)
rather than by each detail's own keys, which reached only some phrasings of them."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from flows.engine import Engine
from flows.persona import PERSONA_DIR
from flows.persona_check import check_personas
from flows.specifics import named_specifics
from flows.understanding import subjects
from tests.conftest import T0

_ENGINE = Engine()


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("so what's the big thing you're on at the moment", "current_work"),
        ("What has been keeping you busy lately?", "current_work"),
        ("is there a case taking up most of your time right now?", "current_work"),
        ("what r u workin on rn", "current_work"),
        # (the current-work rules knew few ways to ask it: 0.69 of a training set)
        ("Which project is eating most of your time at the moment?", "current_work"),
        ("Is that rollout your main project right now?", "current_work"),
        ("What's sitting at the top of your to do list this week?", "current_work"),
        ("are you drafting anything big right now?", "current_work"),
        ("What is your current project, if I may ask?", "current_work"),
        ("Anything you're really excited about at work these days?", "current_work"),
        ("Are you still biking in these days?", "commute"),
        ("do you do any mentoring?", "mentoring_others"),
        ("Do you take trainees under your wing?", "mentoring_others"),
        ("do you supervise any of the new grads", "mentoring_others"),
        ("Is coaching new staff part of your role?", "mentoring_others"),
        ("whats the most brutal review u ever got", "feedback_received"),
        ("What was the hardest thing a manager ever told you?", "feedback_received"),
        ("any feedback you received that changed how you work?", "feedback_received"),
        ("how far do you live from work?", "commute"),
        ("Do you take the tube in?", "commute"),
        ("is it a long drive in for you?", "commute"),
        ("What time do you have to leave home to get here?", "commute"),
        ("How is your way to come to office every day?", "commute"),
    ],
)
def test_a_subject_is_read_however_it_is_asked(question: str, subject: str) -> None:
    assert subjects.named(question) == {subject}


@pytest.mark.parametrize(
    "question",
    [
        # the contact's own mentor, and the user's
        "Did you have a mentor?",
        "who mentored you?",
        "how do I find a mentor?",
        "would you mentor me?",
        # a request for a post, not mentoring
        "Are you taking on anyone at the moment?",
        "Would your team ever take on someone like me, say, as a trainee?",
        # the past, a newcomer's work, the typical day, the organisation, an apology
        "What were you working on before this?",
        "what would a new hire work on?",
        "what's on your plate on a normal day",
        "what kind of projects is your firm working on right now",
        "oh gosh sorry I'm taking up your time already, I'll be quick I promise",
        "What tools are you using right now?",
        "Of course, take your time. Could I get in touch again in two days?",
        "How many households are on your council's housing register right now?",
        "What's the biggest challenge you're facing in your job right now?",
        "What takes up most of your week on a normal day?",
        "Are you hiring right now?",
        "I spotted a novel on your desk, is it good?",
        # feedback on the user, or given by the contact
        "any feedback on my questions?",
        "how do you give feedback to your team?",
        "what's the funniest piece of user feedback you've ever gotten?",
        # the user's own journey, moving, working from home, travel for the job
        "It's interesting you mention the commute; my own journey here took two buses.",
        "Should I move to Chicago?",
        "can you work from home?",
        "how did you get into law school?",
        "how do you get to work on the bigger accounts?",
        "do you travel a lot for work?",
    ],
)
def test_a_near_miss_names_no_subject(question: str) -> None:
    assert subjects.named(question) == frozenset()


def test_a_subject_reaches_the_contacts_detail_that_its_keys_miss() -> None:
    """Dana's detail on her current project has keys for "working on" and "on your plate";
    "so what's the big thing you're on at the moment" names neither, and got her company."""
    dana = _ENGINE.personas["dana"]
    question = "so what's the big thing you're on at the moment"
    [detail] = [i for i, s in enumerate(dana.specifics) if s.subject == "current_work"]
    assert named_specifics(dana, question)[:1] == [detail]
    session, _ = _ENGINE.start("dana", now=T0, seed=1, minutes=30)
    _ENGINE.message(session, "Hi, I'm ready.", T0)
    _ENGINE.message(session, question, T0)
    assert session.turns[-1].ref == f"spec.{detail}", session.turns[-1].ref


def _with_specifics(tmp_path: Path, change: dict[int, dict[str, object]]) -> Path:
    raw = yaml.safe_load((PERSONA_DIR / "dana.yaml").read_text(encoding="utf-8"))
    for i, fields in change.items():
        raw["specifics"][i].update(fields)
    (tmp_path / "dana.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    return tmp_path


def test_every_contact_answers_each_subject_once_from_a_known_subject(tmp_path: Path) -> None:
    raw = yaml.safe_load((PERSONA_DIR / "dana.yaml").read_text(encoding="utf-8"))
    commute = next(i for i, s in enumerate(raw["specifics"]) if s.get("subject") == "commute")
    problems = {
        (p.field, p.message)
        for p in check_personas(_with_specifics(tmp_path, {commute: {"subject": "comute"}}))
    }
    assert problems == {
        (f"specifics[{commute}].subject", "unknown subject 'comute'"),
        ("specifics", "no detail answers the subject 'commute'"),
    }
    twice = {
        (p.field, p.message)
        for p in check_personas(_with_specifics(tmp_path, {0: {"subject": "commute"}}))
    }
    assert (
        f"specifics[{commute}].subject",
        "'commute' is answered by specifics[0] already",
    ) in twice
