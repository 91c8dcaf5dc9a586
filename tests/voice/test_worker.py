"""The bot's model voice in a worker process (bot/voice/worker.py): the same outcomes as
in-process, told in the bot's process; a worker that dies or hangs costs the lines in
flight their phrasing (the scripted line), never an answer, and is started again."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections import Counter

import pytest

from bot import metrics
from bot.config import Settings
from bot.voice import worker as worker_module
from bot.voice.config import VoiceConfig
from bot.voice.model import ModelVoice
from bot.voice.worker import WorkerVoice, wants_worker
from flows.engine import Engine
from tests.fake_llm import GOOD_PREFIX, FakeLLM
from tests.voice.practices import contact_lines

REQUESTS = [request for _, request in contact_lines("dana")][:4]


def voice_for(fake: FakeLLM, timeout: float = 6.0) -> tuple[WorkerVoice, Counter[str]]:
    voice = WorkerVoice(VoiceConfig(fake.url, "m", timeout=timeout), Engine().personas)
    told: Counter[str] = Counter()
    voice.listener = lambda purpose, outcome, _reason, _seconds: told.update(
        [f"{purpose}:{outcome}"]
    )
    return voice, told


async def started(voice: WorkerVoice, told: Counter[str]) -> None:
    """Once the worker answers (starting it takes a while on a busy machine: a line asked
    for meanwhile waits within its deadline, else is scripted); ``told`` cleared."""
    voice.warm()
    deadline = time.monotonic() + 30
    while (await voice.phrase(REQUESTS[0])).outcome != "used":
        assert time.monotonic() < deadline, "the worker never answered"
    told.clear()


def counted() -> dict[str, float]:
    """rapport_llm_requests_total for phrasing, by outcome."""
    return {
        outcome: metrics.LLM_REQUESTS.labels(purpose="phrase", outcome=outcome)._value.get()
        for outcome in metrics.LLM_OUTCOMES
    }


def pid_of(voice: WorkerVoice) -> int:
    assert voice._proc is not None
    return voice._proc.pid


def test_lines_are_phrased_in_the_worker_with_every_outcome_told_in_the_bot(
    fake_llm: FakeLLM,
) -> None:
    fake_llm.labels["so what about the dosh, roughly?"] = {"acts": [], "topics": ["pay"]}
    fake_llm.slow_seconds = 5.0
    voice, told = voice_for(fake_llm, timeout=2.0)

    async def scenario() -> list[object]:
        await started(voice, told)
        nonlocal before
        before = counted()
        results: list[object] = [await voice.phrase(r) for r in REQUESTS[:2]]
        for fault in ("429", "refusal", "job_offer", "slow", "500"):
            fake_llm.next_faults([fault])  # (a retry of a 429 or a 500 gets it again)
            results.append(await voice.phrase(REQUESTS[2]))
        results.append(await voice.understand("so what about the dosh, roughly?"))
        await voice.close()
        return results

    before: dict[str, float] = {}
    results = asyncio.run(scenario())
    used = [r for r in results[:2] if getattr(r, "text", None)]
    assert len(used) == 2 and all(r.text.startswith(GOOD_PREFIX) for r in used)  # type: ignore[attr-defined]
    outcomes = [getattr(r, "outcome", None) for r in results[2:7]]
    assert outcomes == ["rate_limited", "refused", "guard_rejected", "timeout", "error"]
    assert all(getattr(r, "text", "x") is None for r in results[2:7])
    assert results[7] is not None and results[7].topics == ("pay",)  # type: ignore[attr-defined]
    assert told == {
        "phrase:used": 2,
        "phrase:rate_limited": 1,
        "phrase:refused": 1,
        "phrase:guard_rejected": 1,
        "phrase:timeout": 1,
        "phrase:error": 1,
        "understand:used": 1,
    }
    after = counted()  # in the bot's own /metrics
    assert after["rate_limited"] - before["rate_limited"] == 1
    assert after["guard_rejected"] - before["guard_rejected"] == 1
    assert after["used"] - before["used"] == 2


def test_a_worker_that_dies_costs_the_lines_in_flight_and_is_started_again(
    fake_llm: FakeLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_llm.delay = 0.5
    voice, told = voice_for(fake_llm)

    async def scenario() -> None:
        await started(voice, told)
        first = pid_of(voice)
        in_flight = asyncio.gather(*(voice.phrase(r) for r in REQUESTS))
        await asyncio.sleep(0.2)
        os.kill(first, signal.SIGKILL)
        began = time.monotonic()
        lost = await in_flight
        assert [r.outcome for r in lost] == ["error"] * len(REQUESTS)
        assert all(r.text is None for r in lost)  # the scripted lines go out
        assert time.monotonic() - began < 2.0  # at once, not after the deadline
        # Within RESTART_AFTER: scripted at once, no new worker.
        assert (await voice.phrase(REQUESTS[1])).outcome == "error"
        assert voice._proc is None
        monkeypatch.setattr(worker_module, "RESTART_AFTER", 0.0)
        assert (await voice.phrase(REQUESTS[1])).outcome == "used"
        assert pid_of(voice) != first
        await voice.close()

    asyncio.run(scenario())
    assert told["phrase:error"] == len(REQUESTS) + 1


def test_a_hung_worker_costs_a_line_the_models_deadline_and_a_little(
    fake_llm: FakeLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(worker_module, "GRACE", 0.3)
    voice, told = voice_for(fake_llm, timeout=0.7)

    async def scenario() -> None:
        await started(voice, told)
        stopped = pid_of(voice)
        os.kill(stopped, signal.SIGSTOP)
        began = time.monotonic()
        result = await voice.phrase(REQUESTS[1])
        waited = time.monotonic() - began
        assert result.outcome == "timeout" and result.text is None
        assert 0.9 < waited < 2.0
        # It missed its own deadline: taken for stuck, stopped, and started again later.
        await asyncio.sleep(0.2)
        assert voice._proc is None
        monkeypatch.setattr(worker_module, "RESTART_AFTER", 0.0)
        await started(voice, told)  # (a line asked for while it starts may time out:
        assert pid_of(voice) != stopped  # that does not stop a worker not ready yet)
        await voice.close()

    asyncio.run(scenario())


def test_a_line_asked_for_while_the_worker_starts_waits_its_deadline_and_stops_nothing(
    fake_llm: FakeLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(worker_module, "GRACE", 0.05)
    voice, _ = voice_for(fake_llm, timeout=0.3)  # (starting one takes longer than that)

    async def scenario() -> None:
        voice.warm()
        assert (await voice.phrase(REQUESTS[0])).outcome == "timeout"
        starting = voice._proc
        assert starting is not None and starting.returncode is None
        deadline = time.monotonic() + 30
        while voice._ready is None:
            assert time.monotonic() < deadline, "the worker never said it was ready"
            await asyncio.sleep(0.05)
        assert voice._proc is starting
        outcomes = {(await voice.phrase(REQUESTS[1])).outcome for _ in range(3)}
        assert "used" in outcomes and voice._proc is starting
        await voice.close()

    asyncio.run(scenario())


def test_closing_the_voice_ends_the_worker_and_a_closed_pipe_ends_it_too(
    fake_llm: FakeLLM,
) -> None:
    voice, told = voice_for(fake_llm)

    async def scenario() -> None:
        await started(voice, told)
        proc = voice._proc
        assert proc is not None and proc.stdin is not None
        await voice.close()
        assert proc.returncode == 0  # it finished on its own when its stdin closed
        # Used again after closing (the bot never does): a new worker, as on first use.
        assert (await voice.phrase(REQUESTS[0])).outcome == "used"
        await voice.close()

    asyncio.run(scenario())


def test_the_worker_and_the_voice_in_process_give_the_same_lines(fake_llm: FakeLLM) -> None:
    voice, told = voice_for(fake_llm)
    inline = ModelVoice(VoiceConfig(fake_llm.url, "m"), Engine().personas)
    lines = [request for _, request in contact_lines("dana")]

    async def both() -> tuple[list[str | None], list[str | None]]:
        await started(voice, told)
        there = [(await voice.phrase(r)).text for r in lines]
        here = [(await inline.phrase(r)).text for r in lines]
        await voice.close()
        await inline.close()
        return there, here

    there, here = asyncio.run(both())
    assert there == here and all(there)


def test_the_worker_runs_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not wants_worker(None) and not wants_worker(False) and wants_worker(True)
    for value, wanted in (("0", False), ("1", True), ("", None)):
        monkeypatch.setenv("RAPPORT_LLM_WORKER", value)
        assert Settings(_env_file=None).llm_worker is wanted  # type: ignore[call-arg]
