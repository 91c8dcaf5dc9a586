"""The reliability scenarios, as plain functions: each runs the real bot processes against
the fake Bot API, checks its invariants and returns its :class:`Figures`.

The pytest modules call them at CI sizes; ``python3 -m tests.reliability`` at full sizes.
"""

from __future__ import annotations

import random
import re
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.reliability.figures import Figures
from tests.reliability.harness import (
    SECRET,
    Cluster,
    DriveResult,
    Kill,
    Tally,
    check_chats,
    check_database,
    database_for,
    drive,
    pg_url,
    practice_plan,
    scan_logs,
    wait_for_nudges,
    wait_for_outbox,
)
from tests.workload import script_lines

FIRST_CHAT = 1_000_001


@contextmanager
def workspace(workdir: Path | None, name: str) -> Iterator[Path]:
    if workdir is not None:
        path = workdir / name
        path.mkdir(parents=True, exist_ok=True)
        yield path
        return
    with tempfile.TemporaryDirectory(prefix=f"rapport_{name}_") as tmp:
        yield Path(tmp)


def plans(
    chats: int, minutes: float, rounds: int = 1, first: int = FIRST_CHAT
) -> dict[int, list[str]]:
    scripts = script_lines()
    return {first + i: practice_plan(i, minutes, scripts, rounds) for i in range(chats)}


def _fill(
    figures: Figures, tally: Tally, run: DriveResult, *, replies_may_be_lost: bool = False
) -> None:
    figures.inputs = run.updates
    figures.lost = tally.lost + tally.nudges_overdue + tally.nudges_unsent
    if replies_may_be_lost:
        figures.unsent = tally.replies_lost
    else:
        figures.lost += tally.replies_lost
    figures.duplicated = tally.duplicated + tally.replies_duplicated
    figures.problems += tally.problems
    _nudge_notes(figures, tally)
    if run.stuck:
        figures.problems.append(
            f"[run] {len(run.stuck)} chats never got their last update acknowledged "
            f"(e.g. chat {run.stuck[0]})"
        )
    figures.details.update(
        {
            "user lines stored / due": f"{tally.stored:,} / {tally.lines:,} "
            f"(+{tally.after_end} sent after the end, answered; "
            f"{tally.presses_skipped} presses not made: no button)",
            "lines lost / doubled": f"{tally.lost} / {tally.duplicated} "
            f"({tally.out_of_order} chats out of order; {tally.unrecorded} updates "
            "acknowledged but not recorded as processed)",
            "bot lines sent / stored": f"{tally.replies_seen:,} / {tally.replies:,} "
            f"(lost {tally.replies_lost}, doubled {tally.replies_duplicated}, "
            f"{tally.replies_out_of_order} chats out of order, {tally.unexplained} unexplained)",
            "nudges sent / messages": f"{tally.nudges_sent} / {tally.nudge_messages} "
            f"(overdue {tally.nudges_overdue}, never reached the chat {tally.nudges_unsent}, "
            f"shown twice {tally.nudges_repeated})",
            "nudge delay after due": _delays(tally.nudge_delays),
            "wall": f"{run.wall:.1f} s ({run.updates / max(run.wall, 1e-9):.1f} updates/s)",
        }
    )


def _delays(delays: list[float]) -> str:
    if not delays:
        return "-"
    ordered = sorted(delays)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"median {ordered[len(ordered) // 2]:.1f} s, p95 {p95:.1f} s, max {ordered[-1]:.1f} s"


def _nudge_notes(figures: Figures, tally: Tally) -> None:
    if tally.nudges_late_cancelled:
        figures.notes.append(
            f"{tally.nudges_late_cancelled} wrap-up nudges were still undelivered more than "
            "3 s after their due time when the user moved on by themselves (then the flow "
            "drops them: never shown)"
        )
    if tally.nudges_reordered:
        figures.notes.append(
            f"in {tally.nudges_reordered} chats a nudge reached the chat after a reply that "
            "was committed after it (the dispatcher sends outside the chat's update queue): "
            "the transcript and the chat show those two lines in opposite orders"
        )
    if tally.nudge_delays and max(tally.nudge_delays) > 3:
        figures.notes.append(
            f"nudges arrived up to {max(tally.nudge_delays):.1f} s after their due time"
        )


def _texts(run: DriveResult) -> list[str]:
    return [s.text for chat in run.chats.values() for s in chat.sent]


# ------------------------------------------------------------------ 1 and 2: replicas


def replicas(
    chats: int = 200,
    *,
    replica_count: int = 2,
    kills: int = 0,
    rounds: int = 1,
    minutes: float = 0.03,
    seed: int = 7,
    workdir: Path | None = None,
    timeout: float = 600.0,
) -> Figures:
    """Scenario 1 (``kills=0``) and 2: ``replica_count`` webhook processes on one
    PostgreSQL database, round-robin behind the fake Bot API; ``chats`` chats each play a
    whole practice (``/practice ID MINUTES``, a script, ``/end`` for every other chat) with
    a meeting so short the wrap-up nudge falls due mid-practice.

    With ``kills``, a random replica is killed with SIGKILL at that many random moments
    (spread over the run by progress) and restarted at once; Telegram (the fake) retries
    every update that did not get a 200, on the other replica. Then a reply the dying
    process had committed but not yet sent may be missing from the chat (counted, not a
    failure: the user never saw it acknowledged), but nothing acknowledged may be lost
    and nothing may be stored or shown twice.
    """
    name = "replicas" if not kills else "kill -9"
    title = (
        f"{replica_count} replicas, webhook, PostgreSQL"
        if not kills
        else f"kill -9 a replica x{kills} ({replica_count} replicas, PostgreSQL)"
    )
    figures = Figures(title)
    if not pg_url():
        figures.skipped = "RAPPORT_TEST_DATABASE_URL is not set"
        return figures
    rng = random.Random(seed)
    with workspace(workdir, name) as work:
        db_url = database_for(work, postgres=True)
        with Cluster(work, db_url, replica_count) as cluster:
            chat_plans = plans(chats, minutes, rounds)
            total = sum(len(p) for p in chat_plans.values())
            marks = sorted(rng.uniform(0.03, 0.95) for _ in range(kills))
            restarts: list[float] = []
            killed_at: list[Kill] = []
            """When each kill came (``time.time()``, the fake's clock), and whom it killed."""
            down: dict[str, float] = {}
            """Replicas restarting: name -> when they were killed."""
            acked_ids: set[int] = set()
            cursor = [0]
            last_probe = [0.0]

            def tick(_elapsed: float) -> None:
                new = cluster.fake.webhook_deliveries_after(cursor[0])
                cursor[0] += len(new)
                acked_ids.update(d.update_id for d in new if d.delivered)
                if down and time.monotonic() - last_probe[0] > 0.2:
                    last_probe[0] = time.monotonic()
                    for replica in cluster.replicas:
                        if replica.name in down and replica.healthy():
                            restarts.append(time.monotonic() - down.pop(replica.name))
                up = [r for r in cluster.replicas if r.name not in down]
                if not marks or not up:
                    return
                if len(acked_ids) >= marks[0] * total:
                    marks.pop(0)
                    victim = rng.choice(up)
                    killed_at.append((time.time(), victim.name))
                    victim.kill()
                    down[victim.name] = time.monotonic()
                    victim.start()

            run = drive(
                cluster.fake,
                chat_plans,
                seed=seed,
                timeout=timeout,
                tick=tick if kills else None,
            )
            for replica in cluster.replicas:
                if replica.name in down:
                    replica.wait_ready()
            engine = cluster.engine()
            try:
                overdue = wait_for_nudges(engine, timeout=45.0 if kills else 20.0)
                waiting = wait_for_outbox(engine, timeout=45.0 if kills else 20.0)
                sent_ids = {
                    s.update_id for c in run.chats.values() for s in c.sent if s.update_id >= 0
                }
                _eventually(  # Telegram keeps re-delivering what got no 200 (backing off)
                    lambda: (
                        sent_ids
                        <= {d.update_id for d in cluster.fake.webhook_deliveries if d.delivered}
                    ),
                    30.0,
                )
                time.sleep(1.0)  # the last sends land
                codes = cluster.stop_replicas()
                # The outbox sends what a killed process queued, so nothing may be lost;
                # a process killed after Telegram took a message but before it marked it
                # sent makes the next sender repeat it (at least once): counted.
                tally = check_chats(
                    engine,
                    cluster.fake,
                    run.chats.values(),
                    replies_may_repeat=bool(kills),
                    replies_may_arrive_late=bool(kills),
                    kills=killed_at,
                )
                figures.problems += check_database(engine)
            finally:
                engine.dispose()
            _fill(figures, tally, run)
            if kills and tally.replies_out_of_order:
                figures.notes.append(
                    f"in {tally.replies_out_of_order} chats a bot line arrived after later ones: "
                    "a replica was killed before sending it, and another sent it from the outbox "
                    "once its 30 s lease ended (late, not lost)"
                )
            if kills and tally.replies_duplicated:
                lags = sorted(tally.repeat_lags)
                figures.notes.append(
                    f"{tally.replies_duplicated} bot lines reached the chat twice: a replica was "
                    "killed after Telegram took them and before it marked them sent, so another "
                    "sent them again (at least once, by design); first sent "
                    + (
                        f"{lags[len(lags) // 2]:.3f} s (median), {lags[-1]:.3f} s (most) "
                        "before the kill"
                        if lags
                        else "with no kill near"
                    )
                )
            if waiting:
                figures.problems.append(f"[replies] {waiting} message(s) still queued at the end")
            if overdue:
                figures.problems.append(
                    f"[nudges] {overdue} nudges still undelivered after the run"
                )
            deliveries = cluster.fake.webhook_deliveries
            acked = {d.update_id for d in deliveries if d.delivered}
            unacked = {
                s.update_id for c in run.chats.values() for s in c.sent if s.update_id >= 0
            } - acked  # (a press the driver could not make has no update: id -1)
            if unacked:
                shown = []
                for update_id in sorted(unacked)[:3]:
                    tries = [
                        f"{d.url.rsplit(':', 1)[-1].split('/')[0]}→{d.status or d.error}"
                        for d in deliveries
                        if d.update_id == update_id
                    ]
                    shown.append(f"{update_id} ({len(tries)} tries: {', '.join(tries[-4:])})")
                figures.problems.append(
                    f"[run] {len(unacked)} updates never acknowledged: {'; '.join(shown)}"
                )
            retries = sum(1 for d in deliveries if not d.delivered)
            by_replica = {
                r.name: sum(1 for d in deliveries if d.delivered and d.url == r.url)
                for r in cluster.replicas
            }
            figures.load = (
                f"{replica_count} replicas, {chats} chats, {run.updates:,} updates "
                f"in {run.wall:.0f} s"
            )
            if kills:
                killed = sum(r.kills for r in cluster.replicas)
                figures.faults = (
                    f"{killed} × SIGKILL + restart; {retries:,} webhook deliveries failed "
                    "and were retried"
                )
                if killed < kills:
                    figures.problems.append(f"[run] only {killed} of {kills} kills happened")
                if tally.replies_lost:
                    figures.notes.append(
                        f"{tally.replies_lost} bot lines were committed but never sent: the "
                        "process died between its commit and its send, and the retried "
                        "update is recognised as a duplicate, so the reply is not sent again "
                        "(the user's line is kept, but they never see the answer to it)"
                    )
                if tally.nudges_repeated:
                    figures.notes.append(
                        f"{tally.nudges_repeated} nudges reached the chat twice: the replica "
                        "was killed in the moment between Telegram taking the nudge and its "
                        "mark being committed (marked at once after sending, not batched)"
                    )
                figures.details["restart to healthy"] = (
                    f"median {sorted(restarts)[len(restarts) // 2]:.1f} s" if restarts else "-"
                )
            if any(code not in (0, None) for code in codes):
                figures.notes.append(f"exit codes on SIGINT: {codes}")
            figures.details["acknowledged per replica"] = by_replica
            leaks = scan_logs(cluster.logs, [cluster.fake.token, SECRET], _texts(run))
            figures.problems += leaks
    return figures


SCENARIOS: dict[str, Callable[..., Figures]] = {"replicas": replicas}


# ------------------------------------------------------------------ 5: security


def security(*, workdir: Path | None = None, postgres: bool | None = None) -> Figures:
    """Scenario 5: the webhook secret, and one user's data kept from another.

    * POSTs to the webhook with no secret, an empty, wrong, truncated, extended or
      differently cased one answer 403, and the update is not processed (no user row, no
      processed update, nothing sent); the fake delivering with a wrong secret gets 403
      until the secret is right again, and only then is the update processed.
    * User A has a practice with its arrival checklist, a prepared question, a pending
      delete confirmation. User B sends A's callback data (``chk:<A's practice>:<item>``,
      ``delete:yes:<A's timestamp>``, ``pick:``/``len:``/``set:``) from B's own messages,
      and from a forged copy of A's message; and asks for /report, /history, /export,
      /questions, /progress. A's rows must be exactly as before, and nothing the bot
      showed B (texts, buttons, files) may quote A's words.
    * The log files (default INFO level) must not hold the token, the webhook secret or
      any text a user sent.
    """
    from tests.reliability.harness import (
        as_json,
        everything_sent_to,
        post_update,
        snapshot_user,
        wait_answered,
    )

    figures = Figures("security: secret, cross-user, logs")
    with workspace(workdir, "security") as work:
        db_url = database_for(work, postgres)
        with Cluster(work, db_url, 1) as cluster:
            fake, replica = cluster.fake, cluster.replicas[0]
            engine = cluster.engine()
            texts: list[str] = []
            tried = 0

            def problem(line: str) -> None:
                figures.problems.append(f"[security] {line}")

            def acked(update_id: int) -> None:
                """Acknowledged, and its answer (sent after the commit) arrived."""
                if not wait_answered(fake, update_id):
                    problem(f"update {update_id} was never acknowledged")

            # -- the secret ---------------------------------------------------------------
            eve = 7_000_001
            forged = {
                "update_id": 900_000_001,
                "message": {
                    "message_id": 1,
                    "date": int(time.time()),
                    "chat": {"id": eve, "type": "private", "first_name": "Eve"},
                    "from": {"id": eve, "is_bot": False, "first_name": "Eve"},
                    "text": "/practice dana 20",
                    "entities": [{"type": "bot_command", "offset": 0, "length": 9}],
                },
            }
            wrong = [None, "", "wrong", SECRET[:-1], SECRET + "x", SECRET.upper(), SECRET[1:]]
            for i, secret in enumerate(wrong):
                forged["update_id"] = 900_000_001 + i
                status = post_update(replica.url, as_json(forged), secret=secret)
                tried += 1
                if status != 403:
                    problem(f"secret {secret!r}: answered {status}, not 403")
            fake.secret_override = "not-the-secret"
            mallory = fake.user(7_000_002, "Mallory")
            held = fake.send_text(mallory, "Mallory writes while the secret is wrong")
            texts.append("Mallory writes while the secret is wrong")
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                refused = [d for d in fake.webhook_deliveries if d.update_id == held]
                if len(refused) >= 3:
                    break
                time.sleep(0.05)
            statuses = {d.status for d in fake.webhook_deliveries if d.update_id == held}
            tried += len([d for d in fake.webhook_deliveries if d.update_id == held])
            if statuses != {403}:
                problem(f"deliveries with a wrong secret answered {statuses}, not only 403")
            processed = snapshot_user(engine, f"telegram:{eve}")
            held_rows = snapshot_user(engine, f"telegram:{mallory.id}")
            if any(processed.values()) or any(held_rows.values()) or fake.sent(eve):
                problem("an update refused with 403 was processed anyway")
            if fake.sent(mallory.id):
                problem("the bot answered an update it refused with 403")
            fake.secret_override = None
            acked(held)  # delivered again, now with the right secret: processed
            if not fake.messages(mallory.id):
                problem("an update delivered again with the right secret got no answer")

            # -- A's data -------------------------------------------------------------------
            alice, bob = fake.user(7_100_001, "Alice"), fake.user(7_200_002, "Bob")
            a_line = "Alice arrived at Quillmark early wearing the teal blazer"
            a_question = "Alice-only question: how does Quillmark plan its roadmap?"
            acked(fake.send_command(alice, f"/prepare {a_question}"))
            acked(fake.send_command(alice, "/practice dana 20"))
            acked(fake.send_text(alice, a_line))
            texts += [a_line, a_question]
            checklist = next(
                (
                    m
                    for m in fake.messages(alice.id)
                    if any(d.startswith("chk:") for d in m.callback_data)
                ),
                None,
            )
            acked(fake.send_command(alice, "/delete"))
            confirm = next(
                (
                    m
                    for m in fake.messages(alice.id)
                    if any(d.startswith("delete:yes") for d in m.callback_data)
                ),
                None,
            )
            if checklist is None or confirm is None:
                problem("A's checklist or delete confirmation never came")
                engine.dispose()
                return figures
            a_session = next(d for d in checklist.callback_data if d.startswith("chk:")).split(":")[
                1
            ]
            a_delete = next(d for d in confirm.callback_data if d.startswith("delete:yes"))
            before = snapshot_user(engine, f"telegram:{alice.id}")
            a_sent_before = len(fake.sent(alice.id))

            # -- B tries ------------------------------------------------------------------
            acked(fake.send_command(bob, "/practice marcus 20"))
            b_scene = next(m for m in reversed(fake.messages(bob.id)) if m.callback_data)
            stolen = [
                *(
                    f"chk:{a_session}:{item}"
                    for item in ("arrive_early", "dressed", "notebook", "questions_copy", "ready")
                ),
                "pick:dana",
                "len:dana:10",
                "set:heads_up",
                "set:minutes:30",
                f"chk:{a_session}",
                f"chk:{a_session}:",
                "chk:-1:notebook",
                "delete:no",
            ]
            for data in stolen:
                tried += 1
                acked(fake.press_button(bob, b_scene, data, strict=False))
            for data in [f"chk:{a_session}:notebook", a_delete]:
                tried += 1  # a forged copy of A's own message, pressed by B
                acked(
                    fake.press_button(
                        bob, checklist if data.startswith("chk") else confirm, data, strict=False
                    )
                )
            for command in ("/report", "/history", "/questions", "/progress", "/export", "/end"):
                tried += 1
                acked(fake.send_command(bob, command))
            tried += 1
            acked(fake.press_button(bob, b_scene, a_delete, strict=False))  # B deletes B
            after = snapshot_user(engine, f"telegram:{alice.id}")
            for table_name in before:
                if before[table_name] != after[table_name]:
                    problem(f"B's presses changed A's {table_name}")
            shown_to_b = everything_sent_to(fake, bob.id)
            for secret_text in (a_line, a_question, "Quillmark"):
                if secret_text in shown_to_b:
                    problem(f"B was shown A's words: {secret_text[:40]!r}")
            if snapshot_user(engine, f"telegram:{bob.id}")["user"]:
                problem("B's own delete confirmation (A's timestamp) did not delete B")
            forged_to_a = [m.text or m.kind for m in fake.sent(alice.id)[a_sent_before:] if m.text]
            edited = sum(1 for m in fake.messages(alice.id) if m.edits and m.message_id is not None)
            if forged_to_a or edited:
                figures.notes.append(
                    "callbacks forged from B on a copy of A's message (only possible with "
                    f"the webhook secret) made the bot write into A's chat {forged_to_a} and "
                    f"edit {edited} of A's messages (their buttons); A's data untouched"
                )

            # -- A still works --------------------------------------------------------------
            acked(fake.send_text(alice, "I'm ready, how did you get started at Quillmark?"))
            texts.append("I'm ready, how did you get started at Quillmark?")
            if not any("Dana:" in t for t in fake.texts(alice.id)[-1:]):
                problem(f"A's practice no longer answers: {fake.texts(alice.id)[-3:]}")
            figures.problems += check_database(engine)
            engine.dispose()
            cluster.stop_replicas()
            figures.problems += scan_logs(cluster.logs, [fake.token, SECRET], texts)
            figures.inputs = tried
            figures.load = "1 replica, 4 users"
            figures.faults = (
                f"{len(wrong)} bad secrets, {len(stolen) + 2} stolen callbacks, 6 commands from B"
            )
    return figures


SCENARIOS["security"] = security


# ------------------------------------------------------------------ 4: bad input


def bad_input(
    examples: int = 10_000,
    *,
    seed: int = 20240601,
    workdir: Path | None = None,
    postgres: bool | None = None,
    env: dict[str, str] | None = None,
) -> Figures:
    """Scenario 4: ``examples`` random and malformed requests POSTed to the webhook (with
    the right secret), generated by Hypothesis (``tests/reliability/updates.py``): Telegram
    updates with fields missing or of the wrong type, huge strings, any Unicode, negative
    and out-of-range ids, callback data in the bot's own formats with random values; other
    JSON, non-JSON, empty bodies, wrong content types.

    Each must be answered 200 or 400 (a body over the server's 1 MB limit may get 413),
    never a 5xx, never a hang (30 s); the process must stay up; the database must satisfy
    its invariants afterwards (foreign keys, each practice's turns numbered 0..n-1, no
    nudge without its practice, one unfinished practice per user...); and a normal
    practice must still work.
    """
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hypothesis_seed

    from tests.reliability.harness import post_update, wait_acked
    from tests.reliability.updates import KNOWN_USERS, Body, bodies

    figures = Figures("bad input: random and malformed updates")
    with workspace(workdir, "bad_input") as work:
        db_url = database_for(work, postgres)
        with Cluster(work, db_url, 1, env=env) as cluster:
            replica = cluster.replicas[0]
            fake = cluster.fake
            fake.accept_unknown_callbacks = True
            for uid in range(1, KNOWN_USERS + 1):  # their chats exist: replies can go there
                wait_acked(fake, fake.send_command(fake.user(uid, f"U{uid}"), "/start"))
            statuses: Counter[str] = Counter()
            by_kind: Counter[str] = Counter()
            offending: list[tuple[object, Body]] = []
            carried: list[str] = []
            slowest = [0.0]
            died: list[int] = []

            @hypothesis_seed(seed)
            @settings(
                max_examples=examples,
                database=None,
                deadline=None,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(body=bodies)
            def throw(body: Body) -> None:
                if died:
                    return
                started = time.monotonic()
                status = post_update(replica.url, body.data, content_type=body.content_type)
                slowest[0] = max(slowest[0], time.monotonic() - started)
                statuses[str(status)] += 1
                by_kind[body.kind] += 1
                carried.extend(body.texts)
                if status not in (200, 400) and not (status == 413 and len(body.data) > 2**20):
                    offending.append((status, body))
                if sum(statuses.values()) % 250 == 0 and not replica.alive():
                    died.append(sum(statuses.values()))

            began = time.monotonic()
            throw()
            wall = time.monotonic() - began
            tried = sum(statuses.values())
            if died or not replica.alive():
                figures.problems.append(f"[crash] the bot process died (after ~{died} inputs)")
            elif not replica.healthy():
                figures.problems.append("[crash] the bot no longer answers /healthz")
            for status, body in sorted(offending, key=lambda o: len(o[1].data))[:8]:
                figures.problems.append(f"[http] answered {status} to {body!r}")
            if len(offending) > 8:
                figures.problems.append(f"[http] ... {len(offending)} such answers in all")
            engine = cluster.engine()
            try:
                figures.problems += check_database(engine)
                # a normal practice afterwards
                after = plans(1, 0.03, first=8_000_001)
                run = drive(cluster.fake, after, timeout=120)
                wait_for_nudges(engine, timeout=20)
                time.sleep(0.5)
                tally = check_chats(engine, cluster.fake, run.chats.values())
                for p in tally.problems:
                    figures.problems.append(f"[after] {p}")
                if run.stuck:
                    figures.problems.append("[after] a normal practice got stuck")
                figures.problems += check_database(engine)
            finally:
                engine.dispose()
            cluster.stop_replicas()
            figures.problems += scan_logs(
                cluster.logs, [cluster.fake.token, SECRET], [*carried, *_texts(run)]
            )
            api_errors = Counter(
                f"{c.method} {c.status}: {str((c.response or {}).get('description', ''))[:50]}"
                for c in fake.calls()
                if c.status is not None and c.status >= 400
            )
            figures.inputs = tried
            figures.load = f"1 replica, {tried:,} requests in {wall:.0f} s, then a practice"
            figures.faults = "malformed updates, non-JSON, empty bodies, wrong content types"
            figures.details.update(
                {
                    "answers": dict(sorted(statuses.items())),
                    "bodies": dict(sorted(by_kind.items())),
                    "slowest answer": f"{slowest[0]:.2f} s",
                    "bot's failed API calls": dict(api_errors.most_common(6)),
                    "practice afterwards": f"{tally.stored} lines stored, "
                    f"{tally.replies_seen} bot lines seen",
                }
            )
    return figures


SCENARIOS["bad_input"] = bad_input


# ------------------------------------------------------------------ 3: Bot API faults


def faults(
    chats: int = 200,
    *,
    ratio: float = 0.10,
    statuses: tuple[int | str, ...] = (429, 502, "timeout"),
    minutes: float = 0.03,
    seed: int = 11,
    hang_seconds: float = 8.0,
    workdir: Path | None = None,
    postgres: bool | None = None,
    timeout: float = 900.0,
) -> Figures:
    """Scenario 3: ``ratio`` of the bot's Bot API calls fail, with a status drawn from
    ``statuses``: 429 (``retry_after`` 1 s), 502 (nginx's page), ``"timeout"`` (the fake
    hangs ``hang_seconds`` without doing the work, then answers 504), ``"timeout_after"``
    (the work is done, then the same hang: the answer never comes). The replicas run with
    ``TELEGRAM_TIMEOUT`` of ``harness.BOT_TIMEOUT_S``, shorter than the hang, so the bot
    times out on its side: unsure whether the call worked.
    One webhook replica, ``chats`` chats each playing a practice.

    No reply may be lost. With unambiguous failures (429, 502, "timeout": the call did
    nothing) none may be sent twice; with ``"timeout_after"`` the bot's policy is
    at-least-once (it retries), so a reply may come twice: counted, not a failure.
    """
    ambiguous = "timeout_after" in statuses
    label = "/".join(str(s) for s in statuses)
    figures = Figures(f"Bot API faults: {ratio:.0%} {label}")
    with workspace(workdir, "faults_" + label.replace("/", "_")) as work:
        db_url = database_for(work, postgres)
        with Cluster(work, db_url, 1, hang_seconds=hang_seconds) as cluster:
            fake = cluster.fake
            calls_before = len(fake.calls())
            fake.fail_ratio(ratio, statuses, seed=seed, retry_after=1)
            run = drive(fake, plans(chats, minutes), seed=seed, timeout=timeout)
            engine = cluster.engine()
            try:
                overdue = wait_for_nudges(engine, timeout=90.0)
                deadline = time.monotonic() + 60  # sends still retrying land
                while time.monotonic() < deadline and any(
                    c.status is None for c in fake.calls()[calls_before:]
                ):
                    time.sleep(0.2)
                fake.clear_faults()
                time.sleep(1.0)
                cluster.stop_replicas()
                tally = check_chats(engine, fake, run.chats.values(), replies_may_repeat=ambiguous)
                figures.problems += check_database(engine)
            finally:
                engine.dispose()
            _fill(figures, tally, run)
            if overdue:
                figures.problems.append(
                    f"[nudges] {overdue} nudges still undelivered after the run"
                )
            calls = fake.calls()[calls_before:]
            faulted = Counter(c.fault for c in calls if c.fault)
            figures.load = f"1 replica, {chats} chats, {run.updates:,} updates in {run.wall:.0f} s"
            figures.faults = (
                f"{sum(faulted.values()):,} of {len(calls):,} Bot API calls failed ("
                + ", ".join(f"{k} {v}" for k, v in sorted(faulted.items()))
                + ")"
            )
            by_method = Counter(c.method for c in calls if c.fault)
            figures.details["failed calls by method"] = dict(by_method.most_common())
            if ambiguous:
                figures.notes.append(
                    f"{tally.replies_duplicated} bot lines reached the chat twice: the call "
                    "had worked but its answer never came, and the bot retried "
                    "(at-least-once, by design)"
                )
            errors = [
                found.group(1)
                for path in cluster.logs
                for line in path.read_text(errors="replace").splitlines()
                if (found := re.search(r" ((?:ERROR|WARNING) .*)$", line))
            ]
            if errors:
                figures.details["bot log errors/warnings"] = dict(
                    Counter(e[:90] for e in errors).most_common(5)
                )
            figures.problems += scan_logs(cluster.logs, [fake.token, SECRET], _texts(run))
    return figures


SCENARIOS["faults"] = faults


# ------------------------------------------------------------------ 3b: retries exhausted


RECOVERY_S = 20.0
"""How long a message kept in the outbox may take to go out once Telegram answers again
(its first retry comes 5 s after the failures)."""


def _eventually(check: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return check()


def retries_exhausted(*, workdir: Path | None = None, postgres: bool | None = None) -> Figures:
    """Scenario 3, made deterministic: what happens when the Bot API keeps failing for a
    few seconds, longer than the bot's retries (4 attempts, 0.5 + 1 + 2 s apart).

    * four 502s in a row on the contact's answer to a typed line;
    * one 502 on the answerCallbackQuery of a checklist tick;
    * four 502s in a row on a due wrap-up nudge.

    Telegram would deliver the update again if the bot did not answer 200; each item must
    reach the user (or its update be left unacknowledged, for Telegram to retry), within
    ``RECOVERY_S`` of the outage.
    """
    from tests.reliability.harness import press, wait_acked, wait_answered

    figures = Figures("Bot API down for ~4 s (retries exhausted)")
    with workspace(workdir, "retries_exhausted") as work:
        db_url = database_for(work, postgres)
        with Cluster(work, db_url, 1) as cluster:
            fake = cluster.fake
            engine = cluster.engine()
            lost: list[str] = []
            try:
                # a typed line whose answer cannot be sent
                ana = fake.user(9_000_001, "Ana")
                wait_answered(fake, fake.send_command(ana, "/practice dana 20"))
                wait_answered(fake, fake.send_text(ana, "Hi, I'm ready to go in."))
                before = len(fake.messages(ana.id))
                fake.fail_next("sendMessage", 4, 502)
                acked = wait_acked(fake, fake.send_text(ana, "How did you get started?"))
                # The answer stays queued in the outbox and goes out after a backoff.
                arrived = _eventually(lambda: len(fake.messages(ana.id)) > before, RECOVERY_S)
                if acked and not arrived:
                    lost.append("reply")
                    figures.problems.append(
                        "[replies] 4 failed sends: the answer to a typed line was never sent, "
                        "yet the update was acknowledged with a 200 (Telegram will not resend)"
                    )
                # a tick whose callback answer fails once
                ben = fake.user(9_000_002, "Ben")
                wait_answered(fake, fake.send_command(ben, "/practice marcus 20"))
                fake.fail_next("answerCallbackQuery", 1, 502)
                acked = wait_acked(fake, press(fake, ben, "notebook"))
                ticks = snapshot_ticks(engine, ben.id)
                if acked and not ticks:
                    lost.append("press")
                    figures.problems.append(
                        "[presses] one failed answerCallbackQuery: the checklist tick was "
                        "dropped, yet the update was acknowledged with a 200"
                    )
                # a nudge that cannot be sent
                cy = fake.user(9_000_003, "Cy")
                wait_answered(fake, fake.send_command(cy, "/practice priya 0.05"))
                wait_answered(fake, fake.send_text(cy, "Hello, I'm ready."))
                mark = len(fake.calls("sendMessage"))
                fake.fail_next("sendMessage", 4, 502)  # the next message is the nudge
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline:
                    failed = [c for c in fake.calls("sendMessage")[mark:] if c.fault]
                    if len(failed) >= 4:
                        break
                    time.sleep(0.1)
                _eventually(lambda: any("⏰" in t for t in fake.texts(cy.id)), RECOVERY_S)
                sent_rows = _count(
                    engine,
                    "SELECT count(*) FROM nudges n JOIN users u ON u.id = n.user_id "
                    "WHERE u.key = :key AND n.status = 'sent'",
                    key=f"telegram:{cy.id}",
                )
                if sent_rows and not any("⏰" in t for t in fake.texts(cy.id)):
                    lost.append("nudge")
                    figures.problems.append(
                        "[nudges] 4 failed sends: the wrap-up nudge is marked sent but never "
                        "reached the chat, and nothing retries it"
                    )
                figures.problems += check_database(engine)
            finally:
                engine.dispose()
            cluster.stop_replicas()
            figures.problems += scan_logs(cluster.logs, [fake.token, SECRET], [])
            figures.inputs = 3
            figures.lost = len(lost)
            figures.load = "1 replica, 3 chats"
            figures.faults = (
                "4 × 502 on a reply, 1 × 502 on a tick's callback answer, 4 × 502 on a nudge"
            )
    return figures


def snapshot_ticks(engine: object, telegram_id: int) -> int:
    return _count(
        engine,
        "SELECT count(*) FROM turns t JOIN practice_sessions p ON p.id = t.session_id "
        "JOIN users u ON u.id = p.user_id WHERE u.key = :key AND t.kind = 'checklist'",
        key=f"telegram:{telegram_id}",
    )


def _count(engine: object, sql: str, **params: object) -> int:
    from sqlalchemy import Engine, text

    assert isinstance(engine, Engine)
    with engine.connect() as db:
        return int(db.execute(text(sql), params).scalar_one())


SCENARIOS["retries_exhausted"] = retries_exhausted
