"""The model voice in the real `rapport serve`, through the fake Bot API and the fake model
server: /start says where messages go; answers come phrased; every fault shows the scripted
line; a message the rules read nothing in is understood; a user can switch it off; nothing
is lost; the scorecard is what the scripted practice scores; no message text in the logs,
even at DEBUG; /metrics counts every outcome."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from bot.store.db import make_engine
from bot.store.models import OutboxRow, PracticeSession, TurnRow
from flows.coaching import score_session
from flows.engine import Engine
from tests.fake_llm import FAULTS, GOOD_PREFIX, FakeLLM
from tests.fake_telegram import FakeTelegram, SentMessage, User
from tests.ports import free_port
from tests.telegram.conftest import BotProcess
from tests.telegram.test_status_endpoints import fetch

WAIT = 20.0
SLANG = "so what about the dosh, roughly?"
QUESTIONS = [
    "How did you get started in software?",
    "What do you like best and least about the work?",
    "What does a typical week look like for you?",
    "What's the pay like for someone starting out?",
    "What qualifications does it take to succeed?",
    "How is AI changing the work?",
    "What are the hours like?",
    "Where is the field heading?",
    "What tools do you use every day?",
    "How do people move up?",
    "What is the team culture like?",
    "What surprises newcomers most?",
    "What mistakes do newcomers make?",
    "Which employers are best to start at, big or small?",
    "Where are the jobs, mostly?",
    "What would you do differently?",
]


def ask(fake: FakeTelegram, user: User, text: str) -> str:
    """Send ``text``; the bot's next message (the contact's answer)."""
    since = time.time()
    fake.send_text(user, text)
    found: SentMessage = fake.wait_for_text(user.id, "Dana:", WAIT, since=since)
    return found.text or ""


def test_a_practice_with_the_model_voice_and_every_fault(
    fake_telegram: FakeTelegram,
    fake_llm: FakeLLM,
    serve: Callable[..., BotProcess],
    tmp_path: Path,
) -> None:
    fake, llm = fake_telegram, fake_llm
    port = free_port()
    llm.slow_seconds = 5.0
    llm.labels[SLANG] = {"acts": ["ask_other"], "topics": ["pay"]}
    bot = serve(
        RAPPORT_LLM_BASE_URL=llm.url,
        RAPPORT_LLM_MODEL="fake-model",
        RAPPORT_LLM_API_KEY="sk-test-key-never-logged",
        RAPPORT_LLM_TIMEOUT="1.5",
        RAPPORT_LLM_UNDERSTAND="1",
        LOG_LEVEL="DEBUG",
        STATUS_PORT=str(port),
    )
    ana = fake.user(4242, "Ana")
    fake.send_command(ana, "/start")
    start = fake.wait_for_text(ana.id, "informational interviews", WAIT)
    assert f"your messages are sent to 127.0.0.1:{llm.port} to phrase replies" in (start.text or "")

    fake.send_command(ana, "/practice dana 30")
    fake.wait_for_text(ana.id, "Before you go in", WAIT)
    greeting = ask(fake, ana, "Good morning, I'm ready to go in.")
    assert "Dana: " + GOOD_PREFIX in greeting

    for fault, question in zip(FAULTS, QUESTIONS, strict=False):
        llm.fault = fault  # (for every line of the answer)
        answer = ask(fake, ana, question)
        assert GOOD_PREFIX not in answer, (fault, answer)
    llm.fault = ""
    assert GOOD_PREFIX in ask(fake, ana, QUESTIONS[len(FAULTS)])  # well again
    understood = ask(fake, ana, SLANG)
    assert GOOD_PREFIX in understood

    fake.send_command(ana, "/settings")
    menu = fake.wait_for_text(ana.id, "Model voice: on", WAIT)
    fake.press_button(ana, menu, "set:voice")
    fake.wait_for_text(ana.id, "Model voice: off", WAIT)
    asked_before = len(llm.requests)
    assert GOOD_PREFIX not in ask(fake, ana, QUESTIONS[len(FAULTS) + 1])
    assert GOOD_PREFIX not in ask(fake, ana, "and the lolly, ballpark?")  # read by nobody
    assert len(llm.requests) == asked_before, "a user who switched it off was sent anyway"

    ask(fake, ana, "Thank you so much for your time, goodbye!")  # "anything else?"
    fake.send_text(ana, "No, that's everything. Goodbye!")
    card = fake.wait_for_text(ana.id, "Scorecard", WAIT)
    _, metrics = fetch(f"http://127.0.0.1:{port}/metrics")
    bot.stop()

    engine = make_engine(f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    try:
        with engine.connect() as db:
            practice = db.execute(select(PracticeSession)).one()
            turns = db.execute(
                select(TurnRow).where(TurnRow.session_id == practice.id).order_by(TurnRow.seq)
            ).all()
            queued = db.execute(select(OutboxRow)).all()
    finally:
        engine.dispose()
    assert not queued, "every message was sent and marked"
    users = [t for t in turns if t.speaker == "user"]
    contact = [t for t in turns if t.speaker == "contact"]
    replied = [t for t in turns[1:] if t.speaker == "contact"]
    assert len(users) == 2 + len(FAULTS) + 3 + 2 and len(replied) >= len(users) - 1  # none lost
    shown = "\n".join(fake.texts(ana.id))
    phrased = [t for t in contact if t.phrased]
    assert len(phrased) == 3  # the greeting, the answer after the faults, the slang's
    assert all(t.phrased == GOOD_PREFIX + t.text.replace('"', "'") for t in phrased)
    assert all(t.phrased in shown for t in phrased)
    assert all(t.text in shown for t in contact if not t.phrased)  # scripted, as shown
    at = [t.text for t in turns].index(SLANG)
    reply = next(t for t in turns[at + 1 :] if t.speaker == "contact")
    assert reply.ref.startswith("pay."), "the slang was not understood"
    assert next(t for t in turns if t.text == SLANG).acts == [], "a model's labels were stored"

    # The scorecard is the scripted practice's: the same messages, no model, same score.
    flow = Engine()
    scenario = {
        "tangent": "yes" if practice.scenario["tangent"] else "no",
        "stay": "yes" if practice.scenario["stay"] else "no",
        "referrals": practice.scenario["referrals"],
    }
    session, _ = flow.start(
        "dana", now=practice.started_at, seed=practice.seed, minutes=30, scenario=scenario
    )
    for turn in users:
        flow.message(session, turn.text, turn.at)
    assert score_session(session).score == practice.score
    assert f"Scorecard: {practice.score}/100" in (card.text or "")

    for outcome in ("used", "guard_rejected", "refused", "rate_limited", "timeout", "error"):
        line = next(
            x
            for x in metrics.splitlines()
            if x.startswith(f'rapport_llm_requests_total{{outcome="{outcome}",purpose="phrase"}}')
        )
        assert float(line.split()[-1]) >= 1, line
    labelled = [r.messages[-1]["content"] for r in llm.labellings()]
    assert f'Message: "{SLANG}"' in labelled
    assert (
        f'rapport_llm_requests_total{{outcome="used",purpose="understand"}} {len(labelled)}.0'
        in metrics
    )
    assert "rapport_llm_seconds_bucket" in metrics

    log = (tmp_path / "bot.log").read_text()
    assert "sk-test-key-never-logged" not in log
    # At DEBUG, nothing prints a message or reply text: not the model voice, not the openai
    # client and its HTTP stack, not python-telegram-bot (whose DEBUG lines are dropped).
    assert "model voice" in log or "openai" in log or "httpcore2" in log
    for secret in (SLANG, QUESTIONS[0], GOOD_PREFIX.strip(), "Sideways"):
        assert secret not in log, secret
