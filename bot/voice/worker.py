"""The model voice in a process of its own, for the bot.

Why: every request through the ``openai`` client (its request building, headers, retries
and response handling, and the HTTP stack under it) and the guards cost about 0.9 ms of
CPU a phrased line, measured against a model answering at once. On the bot's one event
loop that CPU is taken from every chat's updates, model or not. In a worker process it runs
on another core; the bot's loop only sends the line's request and reads back what became
of it (a few tens of microseconds, pickled over a pipe).

:class:`WorkerVoice` is a :class:`~bot.voice.model.ModelVoice` whose work
(:meth:`~bot.voice.model.ModelVoice._phrase`, ``_understand``: the request, its deadline,
the concurrency limit and the guards) runs in ``python -m bot.voice.worker``, a plain
``ModelVoice`` there, while the bot's process keeps the telling (metrics, the listener,
the warnings). The worker starts when the bot sets up its handlers; it stops when the bot
closes the voice or its own stdin closes (the bot is gone). If it dies, its lines in flight
and any asked for within :data:`RESTART_AFTER` seconds show the scripted line (outcome
``error``), then it is started again. The bot's process also keeps a deadline of its own (the
model's, plus :data:`GRACE`), so a stuck worker costs a line the same wait as a slow model.

Frames on the pipes: a 4-byte big-endian length, then a pickle (both ends are this code,
started by the bot itself): first the configuration and the contacts, then
``(id, purpose, payload)`` one way and ``(id, result)`` the other.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import pickle
import signal
import sys
import time
from collections.abc import Callable, Mapping
from typing import Any

from bot.voice.config import VoiceConfig
from bot.voice.model import ModelVoice, Phrased, Understood
from flows.persona import Persona
from flows.phrasing import PhrasingRequest

log = logging.getLogger(__name__)

GRACE = 1.0
"""Seconds the bot's process waits past the model's own deadline for the worker's answer."""
RESTART_AFTER = 10.0
"""Seconds after the worker died before it is started again (lines meanwhile: scripted)."""
STOP_WAIT = 5.0
"""Seconds the worker has to finish after its stdin closes, before it is killed."""
_HEAD = 4
READY = -1
"""The key of the frame a worker sends once it is ready."""


def wants_worker(setting: bool | None) -> bool:
    """Whether the bot's model voice runs in a worker process: only when asked
    (``RAPPORT_LLM_WORKER=1``). Measured on a quiet 2-CPU machine (``bench_voice``), the
    worker took the model's work off the bot's event loop but cost more CPU in all (the
    pipe, a second event loop, pickling: +42-57% a user message with a 0 ms model, against
    +22% in process) for no clear gain in throughput, so it is not the default."""
    return bool(setting)


def _frame(value: object) -> bytes:
    body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return len(body).to_bytes(_HEAD, "big") + body


class _Batcher:
    """Frames written together once the event loop's current round of callbacks is done:
    under load one write (and one wake-up of the other side) carries many."""

    def __init__(self, write: Callable[[bytes], object]) -> None:
        self._write = write
        self._frames: list[bytes] = []

    def send(self, frame: bytes) -> None:
        if not self._frames:
            asyncio.get_running_loop().call_soon(self._flush)
        self._frames.append(frame)

    def _flush(self) -> None:
        frames, self._frames = self._frames, []
        with contextlib.suppress(Exception):  # (a worker gone: its reader fails the callers)
            self._write(b"".join(frames))


async def _read_frame(reader: asyncio.StreamReader) -> Any:
    head = await reader.readexactly(_HEAD)
    return pickle.loads(await reader.readexactly(int.from_bytes(head, "big")))


def _ignored(done: asyncio.Future[Any]) -> None:
    if not done.cancelled():
        done.exception()  # (a worker that did not start is told of on first use)


class WorkerGone(Exception):
    """The worker process is not running (it died, or failed to start)."""


class WorkerVoice(ModelVoice):
    """A model voice whose requests and guards run in a worker process."""

    def __init__(self, config: VoiceConfig, personas: Mapping[str, Persona]) -> None:
        super().__init__(config, personas)
        self._proc: asyncio.subprocess.Process | None = None
        self._starting: asyncio.Task[asyncio.subprocess.Process] | None = None
        self._reader: asyncio.Task[None] | None = None
        self._out: _Batcher | None = None
        self._ready: asyncio.subprocess.Process | None = None
        """The worker, once it has said it is ready (its client made)."""
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._ids = itertools.count()
        self._died_at = -RESTART_AFTER
        self._closing = False

    def warm(self) -> None:
        """Start the worker now (in the background), not on a user's first line."""
        with contextlib.suppress(RuntimeError):  # (no running loop: started on first use)
            asyncio.get_running_loop()
            self._start().add_done_callback(_ignored)

    async def close(self) -> None:
        self._closing = True
        proc = self._proc
        if proc is None and self._starting is not None:
            with contextlib.suppress(Exception):
                proc = await self._starting
        self._proc = self._starting = self._ready = None
        if proc is not None:
            if proc.stdin is not None:
                proc.stdin.close()
            try:
                await asyncio.wait_for(proc.wait(), STOP_WAIT)
            except TimeoutError:
                proc.kill()
                await proc.wait()
        if self._reader is not None:
            await asyncio.wait({self._reader})
        self._closing = False

    # -- the work, in the worker ----------------------------------------------------------

    async def _phrase(self, request: PhrasingRequest) -> Phrased:
        started = time.monotonic()
        try:
            result: Phrased = await self._call("phrase", request)
            return result
        except TimeoutError:
            return Phrased(None, "timeout", seconds=time.monotonic() - started)
        except Exception:
            return Phrased(None, "error", seconds=time.monotonic() - started)

    async def _understand(self, text: str) -> Understood:
        started = time.monotonic()
        try:
            result: Understood = await self._call("understand", text)
            return result
        except TimeoutError:
            return Understood(None, "timeout", time.monotonic() - started)
        except Exception:
            return Understood(None, "error", time.monotonic() - started)

    async def _call(self, purpose: str, payload: object) -> Any:
        proc: asyncio.subprocess.Process | None = None
        try:
            async with asyncio.timeout(self.config.timeout + GRACE):
                if self._proc is None:
                    await self._start()
                proc, out = self._proc, self._out
                assert proc is not None and out is not None
                key = next(self._ids)
                answer = self._pending[key] = asyncio.get_running_loop().create_future()
                try:
                    out.send(_frame((key, purpose, payload)))
                    return await answer
                finally:
                    del self._pending[key]
        except TimeoutError:
            # The worker keeps the model's deadline itself: one that has not answered GRACE
            # past it is stuck (or starved of CPU), and is replaced. (Not one still starting:
            # a line asked for meanwhile just waits its deadline.)
            if proc is not None and proc is self._ready and proc.returncode is None:
                log.warning("the model voice's worker missed its deadline; it is stopped")
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
            raise

    # -- the process ----------------------------------------------------------------------

    def _start(self) -> asyncio.Future[asyncio.subprocess.Process]:
        """The running worker, or one being started (WorkerGone if it died lately)."""
        if self._starting is None:
            if self._closing or time.monotonic() - self._died_at < RESTART_AFTER:
                gone = asyncio.get_running_loop().create_future()
                gone.set_exception(WorkerGone())
                return gone
            self._starting = asyncio.ensure_future(self._spawn())
        return asyncio.shield(self._starting)

    async def _spawn(self) -> asyncio.subprocess.Process:
        try:
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot.voice.worker",
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
            )
            assert proc.stdin is not None and proc.stdout is not None
            proc.stdin.write(_frame((self.config, dict(self.personas))))
        except Exception:
            self._starting = None
            self._died_at = time.monotonic()
            log.warning("the model voice's worker did not start; the scripted lines are used")
            raise
        self._proc = proc
        self._out = _Batcher(proc.stdin.write)
        self._reader = asyncio.create_task(self._read(proc))
        return proc

    async def _read(self, proc: asyncio.subprocess.Process) -> None:
        """Hands each answer to its caller until the worker's stdout closes."""
        assert proc.stdout is not None
        try:
            while True:
                key, result = await _read_frame(proc.stdout)
                if key == READY:
                    self._ready = proc
                    continue
                answer = self._pending.get(key)
                if answer is not None and not answer.done():
                    answer.set_result(result)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass  # (it stopped)
        except Exception:
            log.exception("the model voice's worker sent what could not be read")
        finally:
            for answer in self._pending.values():
                if not answer.done():
                    answer.set_exception(WorkerGone())
            if self._ready is proc:
                self._ready = None
            if self._proc is proc:  # (not closed by the bot: it died)
                self._proc = self._starting = None
                self._died_at = time.monotonic()
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                code = await proc.wait()
                log.warning(
                    "the model voice's worker stopped (exit code %s); the scripted lines are "
                    "used, and it starts again in %.0f s",
                    code,
                    RESTART_AFTER,
                )


# -- the worker process's side -----------------------------------------------------------


async def serve() -> None:
    """Answer the bot's requests (on stdin) on stdout, until stdin closes."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    # Frames go to a copy of stdout; stdout itself now writes to stderr, so nothing printed
    # by a library can break a frame.
    frames = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    transport, _ = await loop.connect_write_pipe(asyncio.Protocol, frames)
    config, personas = await _read_frame(reader)
    voice = ModelVoice(config, personas)
    voice.warm()
    working: set[asyncio.Task[None]] = set()
    out = _Batcher(transport.write)
    out.send(_frame((READY, None)))

    async def answer(key: int, purpose: str, payload: Any) -> None:
        result: object
        try:
            if purpose == "phrase":
                result = await voice._phrase(payload)
            else:
                result = await voice._understand(payload)
            frame = _frame((key, result))
        except Exception:  # (never left unanswered: the bot would wait for its deadline)
            failed = Phrased(None, "error") if purpose == "phrase" else Understood(None, "error")
            frame = _frame((key, failed))
        out.send(frame)

    while True:
        try:
            key, purpose, payload = await _read_frame(reader)
        except asyncio.IncompleteReadError:
            break  # the bot closed the pipe, or is gone
        task = asyncio.create_task(answer(key, purpose, payload))
        working.add(task)
        task.add_done_callback(working.discard)
    if working:
        await asyncio.wait(working, timeout=config.timeout)
    await voice.close()
    await asyncio.sleep(0)  # (the last answers' write)
    transport.close()


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # (the bot stops it by closing stdin)
    asyncio.run(serve())


if __name__ == "__main__":
    main()
