"""Machinery shared by the scenarios: bot replicas, the fake Bot API in front of them, a
driver that plays many chats at once, and the checks run on the database afterwards.

Nothing here asserts: every check returns counts and human-readable problems, so the same
code feeds the pytest tests (which assert) and ``python3 -m tests.reliability`` (which
prints a table).
"""

from __future__ import annotations

import json
import os
import random
import resource
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from bot.config import Settings
from bot.store.db import make_engine
from bot.store.schema import upgrade
from tests.fake_telegram import FakeTelegram, User

REPO = Path(__file__).resolve().parents[2]
PG_ENV = "RAPPORT_TEST_DATABASE_URL"
SECRET = "reliability-suite-secret_0123456789"
PERSONAS = ("dana", "marcus", "priya", "tomas", "helen")
NO_PRACTICE = "You have no practice going"
PRESS = "@press "
"""A plan step that presses the arrival checklist's button for an item."""


def stored_text(step: str) -> str:
    """The user line a plan step leaves in the transcript (a tick stores the narrator's
    "(ticked) ..." line)."""
    if step.startswith(PRESS):
        from flows import narrator

        return narrator.line(f"check_{step.removeprefix(PRESS)}")
    return step


LIVE = ("pending", "claimed")
READY_TIMEOUT = 60.0
NUDGE_GRACE = timedelta(seconds=3)
"""A nudge is late if it was still undelivered this long after its due time (the
dispatcher looks at least once a second)."""

SETTINGS_ENV = tuple(f.alias for f in Settings.model_fields.values() if f.alias)
"""Every setting the bot reads: none is inherited from the environment running the suite."""


def now_utc() -> datetime:
    return datetime.now(UTC)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pg_url() -> str | None:
    return os.environ.get(PG_ENV) or None


def database_for(workdir: Path, postgres: bool | None = None) -> str:
    """PostgreSQL (``RAPPORT_TEST_DATABASE_URL``) when set, else an SQLite file in
    ``workdir``; ``postgres=True`` insists on PostgreSQL."""
    url = pg_url()
    if postgres and not url:
        raise RuntimeError(f"{PG_ENV} is not set")
    if url and postgres is not False:
        return url
    return f"sqlite:///{workdir / 'rapport.sqlite3'}"


def prepare_database(url: str) -> None:
    """An empty, migrated database (PostgreSQL: schema ``public`` dropped first)."""
    engine = make_engine(url)
    try:
        if engine.dialect.name == "postgresql":
            with engine.begin() as connection:
                connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade(engine)
    finally:
        engine.dispose()


# ------------------------------------------------------------------------------ processes


class Replica:
    """One ``python -m bot serve --webhook`` process (restartable, same port and log)."""

    def __init__(
        self,
        name: str,
        fake: FakeTelegram,
        db_url: str,
        workdir: Path,
        env: dict[str, str],
        nofile: int | None = None,
    ) -> None:
        self.name = name
        self.nofile = nofile
        """The process's open-file limit (soft RLIMIT_NOFILE), when not inherited."""
        self.port = free_port()
        self.log_path = workdir / f"{name}.log"
        base = {k: v for k, v in os.environ.items() if k not in SETTINGS_ENV}
        self.env = {
            **base,
            "TELEGRAM_BOT_TOKEN": fake.token,
            "TELEGRAM_API_BASE_URL": fake.url_for(name),  # the fake tells who sent what
            "DATABASE_URL": db_url,
            "WEBHOOK_URL": self.url,
            "WEBHOOK_SECRET": SECRET,
            "PORT": str(self.port),
            **env,
        }
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self.kills = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/telegram"

    @property
    def health_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/healthz"

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot", "serve", "--webhook"],
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=self._limit if self.nofile is not None else None,
            )
        self.starts += 1

    def _limit(self) -> None:
        _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        assert self.nofile is not None
        resource.setrlimit(resource.RLIMIT_NOFILE, (self.nofile, hard))

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.health_url, timeout=2) as response:
                return bool(response.status == 200)
        except (OSError, urllib.error.URLError):
            return False

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while not self.healthy():
            if not self.alive():
                raise RuntimeError(f"{self.name} exited:\n{self.tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} not ready after {timeout}s:\n{self.tail()}")
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: no cleanup, no goodbye (a crash, an OOM kill, a lost machine)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)
            self.kills += 1

    def stop(self) -> int | None:
        """SIGINT (a clean shutdown); SIGKILL if it does not exit in 20 s."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        return self.proc.returncode

    def tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


BOT_TIMEOUT_S = 3.0
"""The replicas' TELEGRAM_TIMEOUT: shorter than the fake's hang, so a hang is a timeout on
the bot's side (the case where it cannot know whether the call worked)."""


class Cluster:
    """The fake Bot API and ``replicas`` webhook processes behind it, round-robin.

    The fake plays Telegram: up to ``concurrency`` deliveries in flight (one per chat at a
    time), an update that did not get a 2xx is retried (to the next replica) until it
    does, the bot may take a minute to answer.
    """

    def __init__(
        self,
        workdir: Path,
        db_url: str,
        replicas: int = 1,
        *,
        env: dict[str, str] | None = None,
        concurrency: int = 40,
        hang_seconds: float = 8.0,
        nofile: int | None = None,
    ) -> None:
        self.workdir = workdir
        self.nofile = nofile
        self.db_url = db_url
        self.fake = FakeTelegram(
            hang_seconds=hang_seconds,
            webhook_max_attempts=100_000,
            webhook_backoff=0.05,
            webhook_max_backoff=1.0,
            webhook_timeout=60.0,
            webhook_concurrency=concurrency,
        )
        self.count = replicas
        self.env = {
            "TELEGRAM_SEND_RATE": "0",
            "RAPPORT_REPLICAS": str(replicas),
            "TELEGRAM_TIMEOUT": str(BOT_TIMEOUT_S),
            **(env or {}),
        }
        self.replicas: list[Replica] = []

    def __enter__(self) -> Cluster:
        self.workdir.mkdir(parents=True, exist_ok=True)
        prepare_database(self.db_url)
        self.fake.start()
        try:
            self.replicas = [
                Replica(
                    f"replica{i + 1}", self.fake, self.db_url, self.workdir, self.env, self.nofile
                )
                for i in range(self.count)
            ]
            for replica in self.replicas:
                replica.start()
            for replica in self.replicas:
                replica.wait_ready()
            self.fake.webhook_targets = [r.url for r in self.replicas]
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for replica in self.replicas:
            replica.stop()
        self.fake.stop()

    def stop_replicas(self) -> list[int | None]:
        return [replica.stop() for replica in self.replicas]

    @property
    def logs(self) -> list[Path]:
        return [r.log_path for r in self.replicas]

    def engine(self) -> Engine:
        return make_engine(self.db_url)


# ------------------------------------------------------------------------------ workload


def practice_plan(
    index: int, minutes: float, scripts: list[list[str]], rounds: int = 1
) -> list[str]:
    """Chat ``index``'s messages: ``rounds`` practices in a row, each ``/practice ID
    MINUTES``, for every third one two ticks on the arrival checklist (``@press ITEM``:
    the button under the scene), and a script (every other one cut short by ``/end``);
    lines made unique within the chat (a line sent twice could not be told from a
    duplicate)."""
    plan: list[str] = []
    for r in range(rounds):
        n = index + r * 7
        lines = scripts[n % len(scripts)]
        if n % 2:
            lines = [*lines[: max(3, len(lines) // 2)], "/end"]
        presses = [f"{PRESS}arrive_early", f"{PRESS}notebook"] if n % 3 == 0 else []
        plan += [f"/practice {PERSONAS[n % len(PERSONAS)]} {minutes:g}", *presses, *lines]
    seen: Counter[str] = Counter()
    unique = []
    for line in plan:
        seen[line] += 1
        repeat = seen[line] > 1 and not line.startswith(("/", PRESS))
        unique.append(f"{line} ({seen[line]})" if repeat else line)
    return unique


@dataclass
class Sent:
    update_id: int
    text: str
    injected_at: float
    acked_at: float | None = None
    skipped: bool = False
    """A button press not made: the button never reached the chat."""


@dataclass
class ChatRun:
    user: User
    plan: list[str]
    sent: list[Sent] = field(default_factory=list)
    next_at: float = 0.0
    practice_from: int = 0
    """The chat's last bot message id when its latest ``/practice`` was sent: only
    buttons on later messages belong to the current practice (a recovered message of an
    earlier one comes without buttons, so a later checklist is this practice's)."""

    @property
    def waiting(self) -> Sent | None:
        return self.sent[-1] if self.sent and self.sent[-1].acked_at is None else None

    @property
    def done(self) -> bool:
        return len(self.sent) == len(self.plan) and self.waiting is None


@dataclass
class DriveResult:
    chats: dict[int, ChatRun]
    started: float
    finished: float
    stuck: list[int]

    @property
    def updates(self) -> int:
        return sum(len(c.sent) for c in self.chats.values())

    @property
    def wall(self) -> float:
        return self.finished - self.started


def drive(
    fake: FakeTelegram,
    plans: dict[int, list[str]],
    *,
    think: tuple[float, float] = (0.3, 0.8),
    ramp: float = 3.0,
    timeout: float = 300.0,
    seed: int = 1,
    tick: Callable[[float], None] | None = None,
) -> DriveResult:
    """Play every chat's plan at once, like people typing: a chat sends its next message
    a think time after the bot acknowledged the previous one (the webhook answered 2xx:
    the bot processes an update, replies included, before acknowledging it). Chats start
    spread over ``ramp`` seconds. ``tick(elapsed)`` runs on every pass (fault injection).
    """
    rng = random.Random(seed)
    started = time.time()
    chats = {
        uid: ChatRun(fake.user(uid, f"User{uid}"), plan, next_at=started + rng.uniform(0, ramp))
        for uid, plan in plans.items()
    }
    by_update: dict[int, Sent] = {}
    cursor = 0
    deadline = time.monotonic() + timeout
    active = {uid for uid, chat in chats.items() if chat.plan}
    while active and time.monotonic() < deadline:
        new = fake.webhook_deliveries_after(cursor)
        cursor += len(new)
        now = time.time()
        for record in new:
            sent = by_update.get(record.update_id)
            if record.delivered and sent is not None and sent.acked_at is None:
                sent.acked_at = now
        for uid in list(active):
            chat = chats[uid]
            if chat.waiting is not None:
                continue
            if chat.done:
                active.discard(uid)
                continue
            if not chat.sent or chat.sent[-1].acked_at is not None:
                if chat.next_at == 0.0:
                    chat.next_at = now + rng.uniform(*think)
                if now >= chat.next_at:
                    message = chat.plan[len(chat.sent)]
                    if message.startswith(PRESS):
                        try:
                            update_id = press(
                                fake,
                                chat.user,
                                message.removeprefix(PRESS),
                                since=chat.practice_from,
                            )
                        except LookupError:  # the checklist never reached the chat
                            chat.sent.append(Sent(-1, message, now, now, skipped=True))
                            continue
                    elif message.startswith("/"):
                        if message.startswith("/practice"):
                            last = fake.last_sent(uid)
                            chat.practice_from = (last.message_id or 0) if last else 0
                        update_id = fake.send_command(chat.user, message)
                    else:
                        update_id = fake.send_text(chat.user, message)
                    sent = Sent(update_id, message, time.time())
                    chat.sent.append(sent)
                    by_update[update_id] = sent
                    chat.next_at = 0.0
        if tick is not None:
            tick(time.time() - started)
        time.sleep(0.01)
    return DriveResult(chats, started, time.time(), sorted(active))


def press(fake: FakeTelegram, user: User, item: str, *, since: int = 0) -> int:
    """Press the checklist button for ``item`` on the latest message that has it, among
    the chat's messages after message id ``since`` (the current practice's: a person
    presses the checklist in front of them, not one scrolled up from an earlier one)."""
    for message in reversed(fake.messages(user.id)):
        if (message.message_id or 0) <= since:
            break
        for data in message.callback_data:
            if data.startswith("chk:") and data.endswith(f":{item}"):
                return fake.press_button(user, message, data)
    raise LookupError(f"no checklist button for {item!r} in chat {user.id}")


def wait_for_nudges(engine: Engine, timeout: float = 30.0) -> int:
    """Wait until no nudge that is due is still undelivered; returns how many still are."""
    deadline = time.monotonic() + timeout
    while True:
        with engine.connect() as db:
            due = db.execute(
                text(
                    "SELECT count(*) FROM nudges WHERE status IN ('pending', 'claimed') "
                    "AND due_at <= :now"
                ),
                {"now": db_time(engine, now_utc())},
            ).scalar_one()
        if not due or time.monotonic() > deadline:
            return int(due)
        time.sleep(0.25)


def wait_for_outbox(engine: Engine, timeout: float = 45.0) -> int:
    """Wait until the outbox holds nothing still to send (messages a killed process queued
    go out once their lease ends); returns how many still wait."""
    deadline = time.monotonic() + timeout
    while True:
        with engine.connect() as db:
            waiting = db.execute(
                text("SELECT count(*) FROM outbox WHERE status = 'pending'")
            ).scalar_one()
        if not waiting or time.monotonic() > deadline:
            return int(waiting)
        time.sleep(0.25)


def db_time(engine: Engine, value: datetime) -> datetime | str:
    """``value`` as raw SQL compares it with stored times (SQLite keeps naive UTC text)."""
    if engine.dialect.name == "sqlite":
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
    return value


# ------------------------------------------------------------------------------ checks


@dataclass
class Tally:
    """What the checks found: counts, and one line per violated invariant."""

    lines: int = 0
    """User lines (and commands) that had to be stored."""
    stored: int = 0
    lost: int = 0
    duplicated: int = 0
    out_of_order: int = 0
    after_end: int = 0
    """Lines sent after the practice had finished (answered, rightly not stored)."""
    unrecorded: int = 0
    """Updates acknowledged with a 200 but missing from processed_updates."""
    presses_skipped: int = 0
    """Checklist presses not made because the checklist never reached the chat."""
    replies: int = 0
    """Bot lines stored (contact, narrator, nudge) that the user should have seen."""
    replies_seen: int = 0
    replies_lost: int = 0
    replies_duplicated: int = 0
    replies_out_of_order: int = 0
    repeats_unexplained: int = 0
    """Lines shown twice with no kill of their sender just after sending them
    (``check_chats(kills=)``)."""
    repeat_lags: list[float] = field(default_factory=list)
    """Seconds from a repeated line's first sending to the kill that explains it."""
    unexplained: int = 0
    """Bot messages that match no stored line (a reply from a rolled-back transaction?)."""
    nudges_sent: int = 0
    nudge_messages: int = 0
    nudges_overdue: int = 0
    nudges_unsent: int = 0
    """Nudges marked sent (with their line stored) that never reached the chat."""
    nudges_repeated: int = 0
    """Nudge lines that reached the chat more than once (counted in replies_duplicated too)."""
    nudges_late_cancelled: int = 0
    nudges_reordered: int = 0
    """Chats where a nudge reached the chat on the other side of a reply than stored."""
    nudge_delays: list[float] = field(default_factory=list)
    """Seconds from due to delivered, per sent nudge."""
    problems: list[str] = field(default_factory=list)

    def problem(self, kind: str, line: str) -> None:
        """Record a broken invariant; ``kind`` groups them (see ``Figures.failures``)."""
        if sum(p.startswith(f"[{kind}]") for p in self.problems) < 12:
            self.problems.append(f"[{kind}] {line}")


def _rows(engine: Engine, sql: str, **params: Any) -> list[Any]:
    with engine.connect() as db:
        return list(db.execute(text(sql), params))


def visible(speaker: str, text_: str, first_name: str) -> str:
    """How a stored bot line reads in Telegram (the fake keeps the text without markup)."""
    return f"{first_name}: {text_}" if speaker == "contact" else text_


def first_names() -> dict[str, str]:
    from flows.engine import Engine as Flow

    flow = Flow()
    return {pid: persona.first_name for pid, persona in flow.personas.items()}


def check_chats(
    engine: Engine,
    fake: FakeTelegram,
    chats: Iterable[ChatRun],
    *,
    tally: Tally | None = None,
    replies_may_be_lost: bool = False,
    replies_may_repeat: bool = False,
    replies_may_arrive_late: bool = False,
    kills: Sequence[Kill] = (),
) -> Tally:
    """Compare, chat by chat, what was injected, what the database holds and what the fake
    says the bot sent.

    * every user line acknowledged while the practice was live is stored exactly once, in
      injection order (lines after the practice finished are answered, not stored);
    * every bot line stored (contact, narrator, nudge) was sent exactly once, in order,
      and nothing was sent that is not stored (scorecards and "no practice" notes aside);
      with ``replies_may_repeat`` (an at-least-once retry after an ambiguous failure) a
      line may come twice (counted, not a problem); given ``kills`` (when which process was
      killed, ``time.time()``), only a line first sent by a process just before it was
      killed (``KILL_WINDOW``: in flight as it died) may;
      with ``replies_may_be_lost`` (a process killed between its commit and its send) a
      stored line may be missing from the chat, but never doubled or out of order;
      with ``replies_may_arrive_late`` (a killed process's queued messages, sent by
      another once their lease ends) a line may arrive after later ones (counted);
    * every sent nudge row has its nudge line; no nudge is left undelivered past its due
      time, and none was cancelled after being due for more than ``NUDGE_GRACE``.
    """
    tally = tally or Tally()
    names = first_names()
    checked_at = now_utc()
    for chat in chats:
        uid = chat.user.id
        practices = _rows(
            engine,
            "SELECT p.id, p.persona_id, p.state, p.started_at, p.finished_at "
            "FROM practice_sessions p "
            "JOIN users u ON u.id = p.user_id WHERE u.key = :key ORDER BY p.id",
            key=f"telegram:{uid}",
        )
        stored_user: list[str] = []
        bot_lines: list[str] = []
        nudge_lines: set[str] = set()
        nudge_turns = 0
        windows: list[tuple[datetime, datetime | None]] = []
        for practice in practices:
            first = names.get(practice.persona_id, practice.persona_id)
            turns = _rows(
                engine,
                "SELECT seq, speaker, text FROM turns WHERE session_id = :sid ORDER BY seq",
                sid=practice.id,
            )
            for turn in turns:
                if turn.speaker == "user":
                    stored_user.append(turn.text)
                else:
                    bot_lines.append(visible(turn.speaker, turn.text, first))
                    if turn.speaker == "nudge":
                        nudge_turns += 1
                        nudge_lines.add(bot_lines[-1])
            finished = practice.finished_at if practice.state in ("done", "abandoned") else None
            windows.append(
                (_aware(practice.started_at), _aware(finished) if finished is not None else None)
            )
        begun = sum(1 for s in chat.sent if s.text.startswith("/practice"))
        if len(practices) != begun:
            tally.problem("lines", f"chat {uid}: {begun} practices begun, {len(practices)} stored")
        said = [s for s in chat.sent if not s.text.startswith("/practice") and not s.skipped]
        tally.presses_skipped += sum(s.skipped for s in chat.sent)

        must = [s for s in said if _live(s, windows)]
        tally.after_end += len(said) - len(must)
        expected = [stored_text(s.text) for s in must]
        tally.lines += len(expected)
        tally.stored += len(stored_user)
        counts, due = Counter(stored_user), Counter(expected)
        for line, n in (counts - due).items():
            if line in due:
                tally.duplicated += n
                tally.problem(
                    "lines", f"chat {uid}: user line stored {n} extra time(s): {line[:50]!r}"
                )
            else:
                tally.problem(
                    "lines", f"chat {uid}: stored a line sent outside a practice: {line[:50]!r}"
                )
        lost = due - counts
        tally.lost += sum(lost.values())
        for line in list(lost)[:3]:
            sent = next((s for s in must if stored_text(s.text) == line), None)
            pressed = sent is not None and sent.text.startswith(PRESS)
            tally.problem(
                "presses" if pressed else "lines",
                f"chat {uid}: {'button press' if pressed else 'user line'} acknowledged "
                f"but not stored: {line[:50]!r}"
                + (f" (update {sent.update_id}: {_history(fake, sent.update_id)})" if sent else ""),
            )
        if counts == due and stored_user != expected:
            tally.out_of_order += 1
            tally.problem("lines", f"chat {uid}: user lines stored in another order than sent")

        processed = {
            r[0]
            for r in _rows(
                engine,
                "SELECT x.update_id FROM processed_updates x JOIN users u ON u.id = x.user_id "
                "WHERE u.key = :key",
                key=f"telegram:{uid}",
            )
        }
        for sent in chat.sent:
            if sent.acked_at is not None and not sent.skipped and sent.update_id not in processed:
                tally.unrecorded += 1
                pressed = sent.text.startswith(PRESS)
                tally.problem(
                    "presses" if pressed else "lines",
                    f"chat {uid}: update {sent.update_id} ({sent.text[:30]!r}) acknowledged "
                    "with a 200 but never recorded as processed "
                    f"({_history(fake, sent.update_id)})",
                )

        # what the user saw
        texts = [m.text or "" for m in fake.messages(uid)]
        wanted = Counter(bot_lines)
        parts = [part for t in texts if not _system_text(t) for part in _parts(t)]
        seen = [t for t in parts if t in wanted]
        got = Counter(seen)
        tally.replies += len(bot_lines)
        tally.replies_seen += len(seen)
        for line, n in (wanted - got).items():
            if line in nudge_lines:
                tally.nudges_unsent += n
                tally.problem("nudges", f"chat {uid}: nudge stored as sent, never reached the chat")
                continue
            tally.replies_lost += n
            if not replies_may_be_lost:
                tally.problem("replies", f"chat {uid}: stored bot line never sent: {line[:50]!r}")
        for line, n in (got - wanted).items():
            kind = "nudges" if line in nudge_lines else "replies"
            tally.replies_duplicated += n
            if kills:
                sent_at = [
                    (m.time, m.caller) for m in fake.messages(uid) if line in _parts(m.text or "")
                ]
                _explain_repeats(tally, uid, line, n, sent_at, kills)
            if line in nudge_lines:
                tally.nudges_repeated += n
            if not replies_may_repeat:
                tally.problem(kind, f"chat {uid}: bot line sent {n} extra time(s): {line[:50]!r}")
        if replies_may_repeat:  # a retried send shows its message again soon after
            once = [t for i, t in enumerate(texts) if t not in texts[max(0, i - 3) : i]]
            parts = [part for t in once if not _system_text(t) for part in _parts(t)]
            seen = [t for t in parts if t in wanted]
        replies_seen = [t for t in seen if t not in nudge_lines]
        replies_stored = [t for t in bot_lines if t not in nudge_lines]
        if not _subsequence(replies_seen, replies_stored) and replies_may_arrive_late:
            tally.replies_out_of_order += 1
        elif not _subsequence(replies_seen, replies_stored):
            tally.replies_out_of_order += 1
            where = next(
                i
                for i in range(len(replies_seen))
                if not _subsequence(replies_seen[: i + 1], replies_stored)
            )
            tally.problem(
                "replies",
                f"chat {uid}: bot lines sent in another order than stored: "
                f"{replies_seen[where][:40]!r} was sent after {replies_seen[where - 1][:40]!r}",
            )
        elif not _subsequence(seen, bot_lines):
            # A nudge is sent by the dispatcher, outside the chat's queue of updates: it
            # can reach the chat just after a reply that was committed after it.
            tally.nudges_reordered += 1
        for t in parts:
            if t not in wanted:
                tally.unexplained += 1
                tally.problem(
                    "replies", f"chat {uid}: a message that matches no stored line: {t[:60]!r}"
                )

        # nudges
        rows = _rows(
            engine,
            "SELECT n.id, n.kind, n.status, n.due_at, n.finished_at FROM nudges n "
            "JOIN users u ON u.id = n.user_id WHERE u.key = :key",
            key=f"telegram:{uid}",
        )
        sent_rows = [r for r in rows if r.status == "sent"]
        tally.nudges_sent += len(sent_rows)
        tally.nudge_messages += sum("⏰" in t for t in texts)
        if len(sent_rows) != nudge_turns:
            tally.problem(
                "nudges", f"chat {uid}: {len(sent_rows)} nudges marked sent, {nudge_turns} lines"
            )
        for row in rows:
            due = _aware(row.due_at)
            if row.status in LIVE and due + NUDGE_GRACE < checked_at:
                tally.nudges_overdue += 1
                tally.problem("nudges", f"chat {uid}: nudge {row.id} ({row.kind}) never delivered")
            if row.status == "sent" and row.finished_at is not None:
                tally.nudge_delays.append((_aware(row.finished_at) - due).total_seconds())
            # Still undelivered well after its due time when the user moved on (said the
            # time was up themselves, ended the practice): the flow rightly drops it then,
            # but it had been late.
            if (
                row.status == "cancelled"
                and row.finished_at is not None
                and _aware(row.finished_at) > due + NUDGE_GRACE
            ):
                tally.nudges_late_cancelled += 1
    return tally


def _history(fake: FakeTelegram, update_id: int) -> str:
    """How an update was delivered: each attempt's replica port and answer."""
    attempts = [d for d in fake.webhook_deliveries if d.update_id == update_id]
    return ", ".join(
        f"{d.url.split(':')[-1].split('/')[0]}→{d.status or (d.error or '?')[:30]}"
        for d in attempts
    )


def _live(sent: Sent, windows: list[tuple[datetime, datetime | None]]) -> bool:
    """The line was sent while one of the chat's practices was going."""
    at = datetime.fromtimestamp(sent.injected_at, UTC)
    return any(start < at and (end is None or at < end) for start, end in windows)


def _aware(value: datetime | str) -> datetime:
    """A UTC datetime from a row (SQLite gives raw SQL text, without a zone)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


Kill = tuple[float, str]
"""When a process was killed (``time.time()``, the fake's clock) and its name (the fake
records it as the caller of what that process sent)."""

KILL_WINDOW = (3.0, 0.5)
"""A line may come twice after a kill if the process killed had sent it at most 3 s before
(Telegram took it, the process died before its mark was committed) or up to 0.5 s after it
(the request was on its way as the process died). The mark rides on the process's next
transaction: measured 0.001-0.22 s before the kill, the median 0.02-0.13 s in a run, and up
to 0.96 s on a loaded CI machine (where a 1 s window once failed a sound run: the window
then held kills of either process; now only the sender's own count)."""


def _explain_repeats(
    tally: Tally,
    uid: int,
    line: str,
    extra: int,
    sent_at: list[tuple[float, str]],
    kills: Sequence[Kill],
) -> None:
    """``extra`` copies too many of ``line``: each needs a copy sent by a process killed
    just after (the one the dead process never marked); the rest would be a resend loop or
    a lost mark."""
    before, after = KILL_WINDOW

    def lags(t: float, sender: str) -> list[float]:
        return [k - t for k, killed in kills if killed == sender and -after <= k - t <= before]

    explained = sorted(min(found, key=abs) for t, who in sent_at if (found := lags(t, who)))
    tally.repeat_lags += explained[:extra]
    if len(explained) < extra:
        tally.repeats_unexplained += extra - len(explained)
        copies = "; ".join(
            f"{who or '?'}, nearest kill of it "
            + (
                f"{min((k - t for k, killed in kills if killed == who), key=abs):+.2f} s"
                if any(killed == who for _k, killed in kills)
                else "none"
            )
            for t, who in sent_at
        )
        tally.problem(
            "repeats",
            f"chat {uid}: bot line shown {extra - len(explained)} extra time(s) with no kill "
            f"of its sender just after sending it (a resend loop or a lost mark?): "
            f"{line[:50]!r} (copies sent by: {copies})",
        )


def _parts(message: str) -> list[str]:
    """The lines one message carries: what one event shows may go out as one message,
    its lines separated by a blank line."""
    return [part for part in message.split("\n\n") if part]


def _subsequence(part: Sequence[str], whole: Sequence[str]) -> bool:
    it = iter(whole)
    return all(any(x == y for y in it) for x in part)


def _system_text(t: str) -> bool:
    return (
        t.startswith("Scorecard")
        or NO_PRACTICE in t
        or t.startswith("Your previous practice was ended")
        or t.startswith("That checklist belongs")
        or t.startswith("That button has expired")
    )


def check_database(engine: Engine) -> list[str]:
    """Invariants the whole database must satisfy, whatever was thrown at it."""
    problems = []
    checks = {
        "turns of a missing practice": "SELECT count(*) FROM turns t LEFT JOIN "
        "practice_sessions p ON p.id = t.session_id WHERE p.id IS NULL",
        "practices of a missing user": "SELECT count(*) FROM practice_sessions p LEFT JOIN "
        "users u ON u.id = p.user_id WHERE u.id IS NULL",
        "nudges of a missing practice": "SELECT count(*) FROM nudges n LEFT JOIN "
        "practice_sessions p ON p.id = n.session_id "
        "WHERE n.session_id IS NOT NULL AND p.id IS NULL",
        "nudges of a missing user": "SELECT count(*) FROM nudges n LEFT JOIN users u "
        "ON u.id = n.user_id WHERE u.id IS NULL",
        "processed updates of a missing user": "SELECT count(*) FROM processed_updates x "
        "LEFT JOIN users u ON u.id = x.user_id WHERE x.user_id IS NOT NULL AND u.id IS NULL",
        "questions of a missing user": "SELECT count(*) FROM prepared_questions q LEFT JOIN "
        "users u ON u.id = q.user_id WHERE u.id IS NULL",
        "practices whose turns' seq is not 0..n-1": "SELECT count(*) FROM (SELECT session_id "
        "FROM turns GROUP BY session_id HAVING min(seq) <> 0 OR max(seq) <> count(*) - 1 "
        "OR count(DISTINCT seq) <> count(*)) x",
        "users with two unfinished practices": "SELECT count(*) FROM (SELECT user_id FROM "
        "practice_sessions WHERE state NOT IN ('done', 'abandoned') GROUP BY user_id "
        "HAVING count(*) > 1) x",
        "finished practices without a scorecard": "SELECT count(*) FROM practice_sessions "
        "WHERE state IN ('done', 'abandoned') AND (scorecard IS NULL OR finished_at IS NULL)",
        "live nudges of a finished practice": "SELECT count(*) FROM nudges n JOIN "
        "practice_sessions p ON p.id = n.session_id WHERE n.status IN ('pending', 'claimed') "
        "AND p.state = 'abandoned'",
        "nudges in an unknown status": "SELECT count(*) FROM nudges WHERE status NOT IN "
        "('pending', 'claimed', 'sent', 'cancelled', 'dropped', 'failed')",
    }
    for what, sql in checks.items():
        count = _rows(engine, sql)[0][0]
        if count:
            problems.append(f"[database] {count} {what}")
    return problems


def scan_logs(paths: Iterable[Path], secrets: Iterable[str], texts: Iterable[str]) -> list[str]:
    """Secrets (token, webhook secret) and user texts found in the bot's log files."""
    content = "\n".join(p.read_text(errors="replace") for p in paths if p.exists())
    found = []
    for secret in secrets:
        if secret and secret in content:
            found.append(f"[logs] a secret appears {content.count(secret)} times")
    leaked = [t for t in dict.fromkeys(texts) if _distinctive(t) and t in content]
    if leaked:
        found.append(f"[logs] {len(leaked)} user message texts appear, e.g. {leaked[0][:60]!r}")
    return found


def _distinctive(t: str) -> bool:
    """Long and varied enough that finding it in a log cannot be a coincidence."""
    t = t.strip()
    return len(t) >= 16 and len(set(t)) >= 8


def post_update(
    url: str,
    body: bytes,
    *,
    secret: str | None = SECRET,
    content_type: str | None = "application/json",
    timeout: float = 30.0,
) -> int | str:
    """POST ``body`` to a webhook: the HTTP status, or "timeout" / "error: ..."."""
    headers = {}
    if content_type is not None:
        headers["Content-Type"] = content_type
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(url, body, headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except TimeoutError:
        return "timeout"
    except (OSError, urllib.error.URLError) as exc:
        if "timed out" in str(exc):
            return "timeout"
        return f"error: {type(exc).__name__}"


def as_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


def wait_acked(fake: FakeTelegram, update_id: int, timeout: float = 30.0) -> bool:
    """Wait until the bot acknowledged ``update_id`` (2xx from the webhook)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(d.delivered and d.update_id == update_id for d in fake.webhook_deliveries):
            return True
        time.sleep(0.02)
    return False


def wait_answered(fake: FakeTelegram, update_id: int, timeout: float = 30.0) -> bool:
    """Wait until the bot acknowledged ``update_id`` and has sent its answer (quiet)."""
    acked = wait_acked(fake, update_id, timeout)
    wait_quiet(fake)
    return acked


def wait_quiet(fake: FakeTelegram, quiet: float = 0.2, timeout: float = 10.0) -> bool:
    """Wait until the bot has sent nothing for ``quiet`` seconds: an update is acknowledged
    once its work has committed, and its answer follows from the outbox a moment later."""
    deadline = time.monotonic() + timeout
    seen, since = len(fake.sent()), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.02)
        now_seen = len(fake.sent())
        if now_seen != seen:
            seen, since = now_seen, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return True
    return False


def snapshot_user(engine: Engine, key: str) -> dict[str, list[tuple[Any, ...]]]:
    """Everything stored about one user, as plain rows (to compare before and after)."""
    queries = {
        "user": "SELECT id, key, telegram_user_id, chat_id, meeting_minutes, heads_up, active "
        "FROM users WHERE key = :key",
        "questions": "SELECT q.id, q.position, q.text FROM prepared_questions q JOIN users u "
        "ON u.id = q.user_id WHERE u.key = :key ORDER BY q.id",
        "practices": "SELECT p.id, p.state, p.version, p.updated_at, p.score FROM "
        "practice_sessions p JOIN users u ON u.id = p.user_id WHERE u.key = :key ORDER BY p.id",
        "turns": "SELECT t.session_id, t.seq, t.speaker, t.text FROM turns t JOIN "
        "practice_sessions p ON p.id = t.session_id JOIN users u ON u.id = p.user_id "
        "WHERE u.key = :key ORDER BY t.session_id, t.seq",
        "nudges": "SELECT n.id, n.kind, n.status, n.due_at FROM nudges n JOIN users u "
        "ON u.id = n.user_id WHERE u.key = :key ORDER BY n.id",
        "updates": "SELECT x.update_id FROM processed_updates x JOIN users u "
        "ON u.id = x.user_id WHERE u.key = :key ORDER BY x.update_id",
    }
    return {name: [tuple(r) for r in _rows(engine, sql, key=key)] for name, sql in queries.items()}


def everything_sent_to(fake: FakeTelegram, chat_id: int) -> str:
    """All the bot showed one chat: texts, markup, button data, files' contents."""
    pieces = []
    for m in fake.sent(chat_id):
        pieces += [m.text or "", m.source_text or "", json.dumps(m.reply_markup or {})]
        pieces += [json.dumps(e, ensure_ascii=False) for e in m.edits]
        if m.file is not None:
            pieces.append(m.file.content.decode("utf-8", errors="replace"))
    return "\n".join(pieces)
