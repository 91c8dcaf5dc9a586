"""What the Telegram bot says: Telegram users mapped onto stored practices.

Handlers call these methods (in a worker thread: they touch the database) and send the
replies they return. Nothing here imports ``telegram``: replies are plain data.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import random
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime
from functools import partial
from html import escape
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from sqlalchemy.orm import Session as DbSession

from bot import metrics
from bot.store.meetings import MeetingStore
from bot.store.outbox import Outbox
from bot.store.practices import Delivery, NotFound, Outcome, PracticeStore, Visit
from bot.store.rearm import BLOCKED
from bot.store.voice import PhrasedLine
from bot.telegram import picker
from bot.telegram.ledger import Ledger
from bot.telegram.render import scorecard_html, split_html, turn_html
from bot.telegram.replies import (
    NO_PRACTICE,
    Button,
    Reply,
    checklist,
    menu_reply,
    message_replies,
)
from bot.terminal.records import latest_scored
from bot.voice.lines import VoiceLine
from flows.effects import Effect, Finished, Show
from flows.engine import fmt_minutes
from flows.persona import Persona
from flows.phrasing import Hint

if TYPE_CHECKING:
    from bot.voice.model import ModelVoice

log = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")
LENGTHS = (10.0, 15.0, 20.0, 30.0)
"""The meeting lengths offered as buttons (any length works with /practice ID MINUTES)."""
MAX_MINUTES = 240.0
MAX_QUESTION = 500
"""Characters in a question sent ahead (/prepare)."""
DB_THREADS = 16
"""Worker threads for database work on PostgreSQL (under bot.store.db.POOL_SIZE)."""
MAX_QUESTIONS = 30
"""Questions sent ahead a user may keep."""


class ChatService:
    def __init__(
        self, store: PracticeStore, default_minutes: float = 20.0, voice: ModelVoice | None = None
    ) -> None:
        self.store = store
        self.meetings = MeetingStore(store)
        self.outbox = Outbox(store)
        self.voice = voice
        """The model voice, when one is configured (never constructed otherwise)."""
        self.ledger = Ledger(self.outbox)
        self.default_minutes = default_minutes
        self._users: dict[tuple[int, int], int] = {}
        self._db_threads = ThreadPoolExecutor(DB_THREADS, thread_name_prefix="db")

    # -- users --------------------------------------------------------------------------------

    def user(self, telegram_user_id: int, chat_id: int, now: datetime) -> int:
        """The user's id, created on first contact (remembered: asked on every update).

        Where the user is reached with reminders is always their private chat with the
        bot, whose id Telegram makes the user's own id, never the chat of this update: a
        first contact in a group must not send later reminders (referral names
        included) to the group."""
        key = (telegram_user_id, chat_id)
        if (known := self._users.get(key)) is not None:
            return known
        user_id = self.store.user_id(
            f"telegram:{telegram_user_id}",
            now,
            telegram_user_id=telegram_user_id,
            chat_id=telegram_user_id,
            meeting_minutes=self.default_minutes,
        )
        self._users[key] = user_id
        return user_id

    async def run(self, call: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Run database work from the event loop. PostgreSQL: in a worker thread (network
        round trips; different users' transactions run in parallel). SQLite: right here,
        since it is local, takes a fraction of a millisecond and has one writer at a time:
        threads would only queue for its lock and for the interpreter's. The threads are
        DB_THREADS of this service's own (asyncio's default pool has CPUs + 4: six here,
        each waiting on PostgreSQL most of the time)."""
        if self.store.parallel_writers:
            work = partial(contextvars.copy_context().run, call, *args, **kwargs)
            return await asyncio.get_running_loop().run_in_executor(self._db_threads, work)
        return call(*args, **kwargs)

    def handle(
        self,
        telegram_user_id: int,
        chat_id: int,
        update_id: int | None,
        now: datetime,
        work: Callable[[Visit], list[Reply]],
    ) -> list[Reply]:
        """One update, in one transaction: the user is locked (their updates never
        interleave, across processes too) and made active again, the update id is recorded,
        ``work(visit)`` runs. A duplicate delivery does nothing and gets no replies; if
        anything fails, none of it is kept and the update can be delivered again."""
        user_id = self.user(telegram_user_id, chat_id, now)
        with self.store.transaction() as db, self.ledger.marking(db, settle=False) as sent:
            if update_id is not None and self.store.updates.prune_due(now):
                self.store.updates.prune(db, now)  # (hourly: one statement)
            visit = self.store.visit(db, user_id, update_id, now, sent)
            if visit is None:  # deleted meanwhile, by another process
                self.forget(user_id)
                return self.handle(telegram_user_id, chat_id, update_id, now, work)
            if visit.duplicate:  # what its first delivery queued and did not send, if any
                return [] if update_id is None else self.ledger.resend(db, update_id, now)
            replies = work(visit)
            if self.voice is None or not visit.voice:  # (switched off in /settings)
                replies = [replace(r, voice=()) if r.voice else r for r in replies]
            replies = self.queue(db, user_id, chat_id, replies, now, update_id)
        self.store.health.recovered()  # an update stored: the database works again
        return replies

    def set_aside(self, update_id: int, reason: str, now: datetime) -> None:
        """Give up on an update whose handling fails every time (a bug on that input):
        recorded with ``reason`` among the processed updates, so a later delivery of it
        is a duplicate."""
        with self.store.transaction() as db:
            self.store.updates.set_aside(db, update_id, reason, now)

    def queue(
        self,
        db: DbSession,
        user_id: int,
        chat_id: int,
        replies: list[Reply],
        now: datetime,
        update_id: int | None = None,
    ) -> list[Reply]:
        """Put ``replies`` in the outbox in the caller's transaction (``Ledger.queue``)."""
        return self.ledger.queue(db, user_id, chat_id, replies, now, update_id)

    # -- what was sent ------------------------------------------------------------------------

    def sent(self, outbox_id: int, phrased: tuple[PhrasedLine, ...] = ()) -> None:
        """Telegram has this outbox message: marked with the next transaction."""
        self.ledger.sent(outbox_id, phrased)

    def unmarked_ids(self) -> list[int]:
        return self.ledger.unmarked_ids()

    def unmarked(self) -> bool:
        return self.ledger.unmarked()

    def mark_sent(self) -> None:
        """Mark what was sent, in a transaction of its own (when no update came along)."""
        with self.store.transaction() as db, self.ledger.marking(db):
            pass

    def deactivate(self, user_id: int, now: datetime) -> None:
        """The user blocked the bot: no more messages or nudges until they write again."""
        self.store.deactivate(user_id, now, BLOCKED)
        log.info(
            "user %s blocked the bot; their nudges and queued messages are dropped",
            user_id,
            extra={"user_id": user_id},
        )

    def forget(self, user_id: int) -> None:
        """Drop ``user_id`` from the remembered users (deleted)."""
        self._users = {key: uid for key, uid in self._users.items() if uid != user_id}

    def _persona(self, persona_id: str) -> Persona:
        return self.store.flow.persona(persona_id)

    # -- choosing a practice ------------------------------------------------------------------

    def menu(self) -> Reply:
        return menu_reply(picker.contact_menu(list(self.store.flow.personas.values())))

    def field_menu(self, key: str) -> Reply:
        personas = list(self.store.flow.personas.values())
        menu = picker.field_menu(personas, key) if key else None
        return menu_reply(menu or picker.contact_menu(personas))

    def lengths(self, persona_id: str) -> Reply:
        if persona_id not in self.store.flow.personas:
            return Reply("That contact is no longer available. Try /practice again.")
        persona = self._persona(persona_id)
        row = tuple(Button(f"{fmt_minutes(m)} min", f"len:{persona_id}:{m:g}") for m in LENGTHS)
        return Reply(
            f"<b>{escape(persona.name)}</b>, {escape(persona.role)} at "
            f"{escape(persona.organisation)}.\nHow long is the meeting?",
            (row,),
        )

    def parse_practice_args(self, args: list[str]) -> picker.PracticeRequest:
        """``/practice [ID or FIELD] [MINUTES]``: a contact, a menu of several, or an error."""
        personas = list(self.store.flow.personas.values())
        return picker.parse_practice(personas, args, MAX_MINUTES)

    def menu_of(self, menu: picker.Menu) -> Reply:
        return menu_reply(menu)

    def begin(self, visit: Visit, persona_id: str, minutes: float, now: datetime) -> list[Reply]:
        user_id = visit.user_id
        replies: list[Reply] = []
        if (old := visit.practice) is not None:
            ended = self.store.command(old, "end", "", now)
            replies.append(Reply("<i>Your previous practice was ended.</i>"))
            replies += self._render(ended)
        outcome = self.store.start(
            user_id,
            persona_id,
            now=now,
            seed=random.SystemRandom().randrange(2**31),
            minutes=minutes,
            prepared_questions=self.store.questions(user_id),
        )
        self.store.on_commit(lambda: _started(user_id, outcome.session_id, persona_id, minutes))
        scene = self._render(outcome)
        if scene:  # the checklist rides on the scene: tick items instead of typing them
            last = scene[-1]
            scene[-1] = Reply(last.html, checklist(outcome.session_id, outcome.session))
        return replies + scene

    def check(
        self, user_id: int, session_id: int, item: str, now: datetime
    ) -> tuple[list[Reply], tuple[tuple[Button, ...], ...] | None]:
        """A checklist button: the replies, and the checklist as it should now look
        (None when the meeting has begun and the checklist should go)."""
        if self.store.unfinished(user_id) != session_id:
            return [Reply("That checklist belongs to a practice that is over.")], None
        name, argument = ("ready", "") if item == "ready" else ("check", item)
        outcome = self.store.command(session_id, name, argument, now)
        keyboard = None
        if outcome.session.state == "arrive":
            keyboard = checklist(session_id, outcome.session)
        return self._render(outcome), keyboard

    # -- during a practice ------------------------------------------------------------------

    def say(self, visit: Visit, text: str, now: datetime, hint: Hint | None = None) -> list[Reply]:
        if visit.follow_up is not None:
            from bot.telegram.companion import follow_up  # (it builds on this module)

            return follow_up(self, visit.follow_up, text, now)
        session_id = visit.practice or self._awaiting_check_back(visit.user_id)
        if session_id is None:
            return [Reply(NO_PRACTICE)]
        return self._render(self.store.message(session_id, text, now, hint=hint))

    def command(self, visit: Visit, name: str, argument: str, now: datetime) -> list[Reply]:
        user_id, session_id = visit.user_id, visit.practice
        if name == "prepare":
            return self._prepare(user_id, session_id, argument, now)
        if name == "questions":
            questions = self.store.questions(user_id)
            if not questions:
                return [Reply("No questions yet. Add one with /prepare followed by the question.")]
            listing = "\n".join(f"{i}. {escape(q)}" for i, q in enumerate(questions, 1))
            return [Reply(f"<b>The questions you send ahead</b>\n{listing}")]
        if session_id is None:
            return [Reply(NO_PRACTICE)]
        return self._render(self.store.command(session_id, name, argument, now))

    def _prepare(
        self, user_id: int, session_id: int | None, argument: str, now: datetime
    ) -> list[Reply]:
        question = " ".join(argument.split())
        if not question:
            return [Reply("Write /prepare followed by a question you'll send ahead.")]
        if len(question) > MAX_QUESTION:
            return [
                Reply(
                    f"That question is {len(question):,} characters long: keep it under "
                    f"{MAX_QUESTION} (one question, as you would ask it), and send it again."
                )
            ]
        if len(self.store.questions(user_id)) >= MAX_QUESTIONS:
            return [
                Reply(
                    f"You already have {MAX_QUESTIONS} questions to send ahead, more than any "
                    "meeting can take. See them with /questions."
                )
            ]
        if session_id is not None and self.store.load(session_id).state == "arrive":
            replies = self._render(self.store.command(session_id, "prepare", question, now))
        else:
            replies = [Reply(f"Saved for your next practice: “{escape(question)}”.")]
        self.store.add_question(user_id, question, now)
        return replies

    def _awaiting_check_back(self, user_id: int) -> int | None:
        """The latest practice, if it is over and its check-back reminder fired and is
        still unanswered: the user's next message is their check-back."""
        practices = self.store.practices(user_id)
        if not practices:
            return None
        turns = self.store.load(practices[-1].id).turns
        nudges = [i for i, t in enumerate(turns) if t.speaker == "nudge" and t.kind == "check_back"]
        if nudges and not any(t.speaker == "user" for t in turns[nudges[0] + 1 :]):
            return practices[-1].id
        return None

    # -- records ------------------------------------------------------------------------------

    def report(self, user_id: int) -> list[Reply]:
        session_id = latest_scored(self.store, user_id)
        if session_id is None:
            return [Reply("No finished practice yet. Start one with /practice.")]
        card = self.store.scorecard(session_id, user_id)
        return [Reply(part) for part in split_html(scorecard_html(card))]

    def history(self, user_id: int) -> list[Reply]:
        rows = self.store.practices(user_id)
        meetings = self.meetings.meetings(user_id)
        if not rows and not meetings:
            return [Reply("No practices yet. Start one with /practice.")]
        lines = ["<b>Your practices</b>"] if rows else []
        for row in rows[-20:]:
            persona = self.store.flow.personas.get(row.persona_id)
            name = persona.name if persona else row.persona_id
            score = "" if row.score is None else f": {row.score}/100"
            lines.append(
                f"{row.started_at:%d %b %H:%M} · {escape(name)} · {escape(row.state)}{score}"
            )
        if meetings:
            lines += ["", "<b>Your real meetings</b>"] if lines else ["<b>Your real meetings</b>"]
        for meeting in meetings[-20:]:
            people = self.meetings.people(meeting.id)
            referred = [p.name for p in people if p.relation == "referred"]
            who = escape(meeting.contact_name or "(not logged yet)")
            names = f" · referred: {escape(', '.join(referred))}" if referred else ""
            lines.append(f"{meeting.started_at:%d %b %H:%M} · met {who}{names}")
        return [Reply("\n".join(lines))]

    # -- rendering ----------------------------------------------------------------------------

    def render_effects(
        self, persona_id: str, effects: list[Effect], session_id: int = 0
    ) -> list[Reply]:
        try:
            persona = self._persona(persona_id)
        except KeyError:
            return []
        # What one event shows goes out as one message (fewer notifications on the phone,
        # fewer API calls); the scorecard is a message of its own.
        replies: list[Reply] = []
        lines: list[str] = []
        voice: list[VoiceLine] = []
        for effect in effects:
            if isinstance(effect, Show):
                lines.append(turn_html(effect.turn, persona))
                if effect.phrasing is not None and self.voice is not None:
                    prefix = turn_html(replace(effect.turn, text=""), persona)
                    voice.append(VoiceLine(session_id, lines[-1], prefix, effect.phrasing))
            elif isinstance(effect, Finished):
                replies += message_replies(lines, voice)
                lines, voice = [], []
                replies += [Reply(p) for p in split_html(scorecard_html(effect.scorecard))]
        return replies + message_replies(lines, voice)

    def render_delivery(self, delivery: Delivery) -> list[Reply]:
        if delivery.practice is not None:
            return self._render(delivery.practice)
        return [
            Reply(f"<b>{escape(e.turn.text)}</b>") for e in delivery.effects if isinstance(e, Show)
        ]

    def _render(self, outcome: Outcome) -> list[Reply]:
        if outcome.duplicate:
            return []
        for effect in outcome.effects:
            if isinstance(effect, Finished):
                done = partial(
                    _finished, outcome.user_id, outcome.session_id, effect.scorecard.score
                )
                self.store.on_commit(done)
        return self.render_effects(outcome.session.persona_id, outcome.effects, outcome.session_id)

    def chat_of(self, user_id: int) -> int | None:
        try:
            return self.store.chat_id(user_id)
        except NotFound:
            return None


def _started(user_id: int, session_id: int, persona_id: str, minutes: float) -> None:
    metrics.practice_started()
    log.info(
        "practice %s started with %s (%s min)",
        session_id,
        persona_id,
        fmt_minutes(minutes),
        extra={"user_id": user_id, "practice": session_id, "persona": persona_id},
    )


def _finished(user_id: int, session_id: int, score: int) -> None:
    metrics.practice_finished()
    log.info(
        "practice %s finished, score %s",
        session_id,
        score,
        extra={"user_id": user_id, "practice": session_id, "score": score},
    )
