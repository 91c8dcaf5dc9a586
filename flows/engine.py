"""The practice engine: (session, event, now) -> effects. No I/O, no clock of its own.

Every event (a user message, a command, a due nudge) is handled by a short-lived
:class:`Step`: it attaches the session to the shared state machine at its stored state,
records the turns, decides what the contact, narrator and nudges say, and returns the
effects for the adapter to carry out. Randomness comes only from the session's seed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta

from flows import acts as A
from flows import narrator
from flows.coaching import score_session
from flows.contact import Voice, format_referrals
from flows.effects import CancelNudge, Effect, Finished, ScheduleNudge, Show
from flows.facts import Facts, facts_of
from flows.feedback import feedback_text, observe, strengths_text
from flows.machine import ABANDONED, ARRIVE, CONVERSE, DONE, GOODBYE, REFERRAL, Meeting, attached
from flows.persona import Persona, Tangent, load_personas
from flows.scenario import draw_scenario
from flows.session import Session, Speaker, Turn
from flows.understanding import signals, understand

WRAP_UP = "wrap_up"
CHECK_BACK = "check_back"
NUDGE_KINDS = (WRAP_UP, CHECK_BACK)
CHECK_BACK_AFTER = timedelta(days=2)
LATE_NOTE_AFTER = timedelta(minutes=5)
"""The default for :attr:`Engine.late_note_after`."""
DEFAULT_MINUTES = 20.0
MAX_MESSAGE_CHARS = 2000
"""Only this much of a message is read; the rest is kept in the transcript."""
MAX_QUESTION_CHARS = 300
COMMANDS = ("end", "prepare", "questions", "help")
CHECK_IN = ("check", "ready")
"""Arrival check-in without typing: ``check ITEM`` ticks a checklist item, ``ready`` goes in
(the Telegram checklist buttons use them)."""

_LEAVING = {A.ASK_FEEDBACK, A.ASK_STRENGTHS, A.ASK_REFERRALS, A.GOODBYE}
_STAYING_ON = {*A.QUESTIONS, A.FOLLOW_UP, A.SHARE_INFO, A.ASK_JOB}
"""Carrying on the conversation after an invitation to stay is accepting it."""
_WORD = re.compile(r"[a-z']+")
_STOPWORDS = frozenset(
    " ".join(
        (
            "a an and are at be did do does for how i in is it me my of on or the to",
            "was what when where which who why with would you your",
        )
    ).split()
)


def fmt_minutes(minutes: float) -> str:
    return f"{minutes:g}"


class Engine:
    """Runs practices with a set of personas (by default the packaged ones)."""

    def __init__(
        self,
        personas: Mapping[str, Persona] | None = None,
        *,
        late_note_after: timedelta = LATE_NOTE_AFTER,
    ) -> None:
        self.personas = dict(personas) if personas is not None else load_personas()
        self.late_note_after = late_note_after
        """A nudge delivered later than this (say, after a restart) says when it was due."""

    def persona(self, persona_id: str) -> Persona:
        try:
            return self.personas[persona_id]
        except KeyError:
            known = ", ".join(self.personas)
            raise KeyError(f"unknown contact {persona_id!r}; choose one of: {known}") from None

    def start(
        self,
        persona_id: str,
        *,
        now: datetime,
        seed: int,
        minutes: float = DEFAULT_MINUTES,
        prepared_questions: Sequence[str] = (),
        scenario: Mapping[str, str] | None = None,
    ) -> tuple[Session, list[Effect]]:
        """A new session in the lobby, and the scene-setting line."""
        if not minutes > 0:
            raise ValueError("the meeting length must be a positive number of minutes")
        persona = self.persona(persona_id)
        session = Session(
            persona_id=persona.id,
            seed=seed,
            scenario=draw_scenario(persona, seed, scenario),
            started_at=now,
            meeting_minutes=minutes,
            prepared_questions=[q for q in (_clean_question(q) for q in prepared_questions) if q],
        )
        step = Step(self.persona(persona_id), session, now, self.late_note_after)
        step.narrate(
            "scene",
            narrator.line(
                "scene",
                scene=persona.scene.strip(),
                name=persona.name,
                role=persona.role,
                organisation=persona.organisation,
                minutes=fmt_minutes(minutes),
            ),
        )
        return session, step.effects

    def message(self, session: Session, text: str, now: datetime) -> list[Effect]:
        """The user said ``text``."""
        return self._step(session, now, lambda step: step.on_message(text))

    def command(self, session: Session, name: str, argument: str, now: datetime) -> list[Effect]:
        """The user typed ``/name argument``."""
        command = name.lower().lstrip("/")
        return self._step(session, now, lambda step: step.on_command(command, argument.strip()))

    def nudge(self, session: Session, kind: str, now: datetime) -> list[Effect]:
        """A scheduled nudge fell due. Returns nothing if the session has moved on."""
        return self._step(session, now, lambda step: step.on_nudge(kind))

    def _step(self, session: Session, now: datetime, event: Callable[[Step], None]) -> list[Effect]:
        step = Step(self.persona(session.persona_id), session, now, self.late_note_after)
        with attached(session, step.entered) as meeting:
            step.meeting = meeting
            event(step)
        return step.effects


def _clean_question(text: str) -> str:
    return " ".join(text.split())[:MAX_QUESTION_CHARS]


def _content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOPWORDS and len(w) > 2}


class Step:
    """One event's worth of work on one session."""

    meeting: Meeting

    def __init__(
        self, persona: Persona, session: Session, now: datetime, late_note_after: timedelta
    ) -> None:
        self.persona = persona
        self.session = session
        self.now = now
        self.late_note_after = late_note_after
        self.voice = Voice(persona, session)
        self.effects: list[Effect] = []

    # -- output ---------------------------------------------------------------------------

    def _show(self, speaker: Speaker, kind: str, text: str) -> None:
        turn = Turn(self.now, speaker, self.session.state, text, kind=kind)
        self.session.turns.append(turn)
        self.effects.append(Show(turn))

    def narrate(self, kind: str, text: str) -> None:
        self._show("narrator", kind, text)

    def say(self, kind: str, text: str) -> None:
        self._show("contact", kind, text)

    def say_one(self, kind: str, lines: Sequence[str], **fields: object) -> None:
        self.say(kind, self.voice.pick(kind, lines, **fields))

    def schedule(self, kind: str, due: datetime) -> None:
        self.session.nudges[kind] = due
        self.effects.append(ScheduleNudge(kind, due))

    def cancel(self, kind: str) -> None:
        if self.session.nudges.pop(kind, None) is not None:
            self.effects.append(CancelNudge(kind))

    @property
    def state(self) -> str:
        return self.session.state

    # -- state entry (only on real transitions) ---------------------------------------------

    def entered(self, state: str) -> None:
        self.session.state = state
        p = self.persona
        if state == CONVERSE:
            self.session.clock_started_at = self.now
            self.schedule(WRAP_UP, self.now + timedelta(minutes=self.session.meeting_minutes))
            if self.session.prepared_questions:
                index = self.voice.choose_index("prepared", len(self.session.prepared_questions))
                question = self.session.prepared_questions[index]
                self.say_one("greeting", p.greeting_with_questions, question=question)
            else:
                self.say_one("greeting", p.greeting)
        elif state == GOODBYE:
            self.cancel(WRAP_UP)
        elif state == REFERRAL:
            self.cancel(WRAP_UP)
            self._give_names_or_hesitate()
        elif state in (DONE, ABANDONED):
            self.cancel(WRAP_UP)
            if state == DONE:
                self.say_one("farewell", p.farewell)
                self.narrate("debrief", narrator.line("debrief"))
            else:
                self.cancel(CHECK_BACK)
                self.narrate("abandoned", narrator.line("abandoned"))
            self.effects.append(Finished(score_session(self.session)))

    # -- events -------------------------------------------------------------------------------

    def on_message(self, text: str) -> None:
        clean = text.strip()
        if not clean:
            self.narrate("hint", narrator.line("empty_message", name=self.persona.first_name))
            return
        read = clean[:MAX_MESSAGE_CHARS]
        acts = understand(read)
        sig = signals(read)
        turn = Turn(self.now, "user", self.state, clean, tuple(a for a in A.ACTS if a in acts))
        self.session.turns.append(turn)
        if len(clean) > MAX_MESSAGE_CHARS:
            self.narrate("hint", narrator.line("too_long", name=self.persona.first_name))
        if self.state == ARRIVE:
            self._arrive(turn, set(acts), sig)
        elif self.state in (DONE, ABANDONED):
            self._after_meeting()
        else:
            self._respond(turn, set(acts), sig)

    def on_command(self, name: str, argument: str) -> None:
        p = self.persona
        if name in CHECK_IN:
            self._check_in(name, argument)
            return
        if name not in COMMANDS:
            self.narrate("hint", narrator.line("unknown_command", command=name))
            return
        self.session.turns.append(
            Turn(self.now, "user", self.state, f"/{name} {argument}".strip(), kind="command")
        )
        if name == "help":
            self.narrate("help", narrator.line("help", name=p.name, role=p.role))
        elif name == "questions":
            self._list_questions()
        elif name == "prepare":
            self._prepare(argument)
        elif self.session.finished:
            self.narrate("hint", narrator.line("ended_already"))
        else:
            self.meeting.fire("abandon")

    def on_nudge(self, kind: str) -> None:
        due = self.session.nudges.pop(kind, None)
        if due is None:
            return  # cancelled, delivered already, or never scheduled
        self._nudge_text(kind)
        late = self.now - due
        if self.effects and late > self.late_note_after:
            shown = self.effects[-1]
            assert isinstance(shown, Show)
            shown.turn.text += " " + narrator.line("late_note", due=f"{due:%d %b %H:%M} UTC")

    def _nudge_text(self, kind: str) -> None:
        p = self.persona
        if kind == WRAP_UP and self.state == CONVERSE:
            f = facts_of(self.session)
            if f.stay_accepted is not None:
                text = narrator.line(
                    "extension_nudge", minutes=fmt_minutes(p.stay_minutes), name=p.first_name
                )
            else:
                text = narrator.line(
                    "wrap_up_nudge",
                    minutes=fmt_minutes(self.session.meeting_minutes),
                    name=p.first_name,
                )
            self._show("nudge", WRAP_UP, text)
        elif kind == CHECK_BACK and self.state in (REFERRAL, DONE):
            self._show("nudge", CHECK_BACK, narrator.line("check_back_nudge", name=p.first_name))

    # -- commands -------------------------------------------------------------------------

    def _check_in(self, name: str, item: str) -> None:
        if self.state != ARRIVE:
            self.narrate("hint", narrator.line("checklist_too_late"))
            return
        if name == "check" and item not in A.CHECKLIST:
            self.narrate("hint", narrator.line("unknown_command", command=f"check {item}"))
            return
        acts = {item} if name == "check" else set()
        text = narrator.line(f"check_{item}") if name == "check" else narrator.line("check_ready")
        turn = Turn(self.now, "user", ARRIVE, text, tuple(acts), kind="checklist")
        self.session.turns.append(turn)
        self._arrive(turn, acts, frozenset({"ready"}) if name == "ready" else frozenset())

    def _list_questions(self) -> None:
        questions = self.session.prepared_questions
        if not questions:
            self.narrate("hint", narrator.line("prepared_none"))
            return
        listing = "\n".join(f"{i}. {q}" for i, q in enumerate(questions, 1))
        self.narrate("questions", narrator.line("prepared_list", questions=listing))

    def _prepare(self, argument: str) -> None:
        question = _clean_question(argument)
        if self.state != ARRIVE:
            self.narrate("hint", narrator.line("prepared_too_late"))
        elif not question:
            self.narrate("hint", narrator.line("prepare_usage"))
        else:
            self.session.prepared_questions.append(question)
            count = len(self.session.prepared_questions)
            self.narrate(
                "prepared", narrator.line("prepared_added", question=question, count=count)
            )

    # -- arrive -----------------------------------------------------------------------------

    def _arrive(self, turn: Turn, acts: set[str], sig: frozenset[str]) -> None:
        f = facts_of(self.session)
        new = [a for a in A.CHECKLIST if a in acts and f.checklist.get(a) is turn]
        opens = acts & {*A.QUESTIONS, A.FOLLOW_UP, A.SHARE_INFO, A.ASK_JOB}
        complete = all(a in f.checklist for a in A.CHECKLIST)
        name = self.persona.first_name
        if new and not complete:
            items = ", ".join(narrator.checklist_item(a) for a in new)
            self.narrate("checklist", narrator.line("checklist_noted", items=items))
        if complete and new:
            self.narrate("checklist", narrator.line("checklist_all", name=name))
        elif opens or "ready" in sig:
            self.narrate("scene", narrator.line("ready_to_go_in", name=name))
        if complete or opens or "ready" in sig:
            self.meeting.fire("begin")
            if opens:
                self._respond(turn, acts - {A.GREET, A.THANK}, sig)
        elif new:
            self.narrate("hint", narrator.line("checklist_hint"))
        elif acts & {A.GREET, A.THANK}:
            self.narrate("hint", narrator.line("lobby_small_talk", name=name))
        elif acts:
            self.narrate("hint", narrator.line("lobby_too_soon"))
        else:
            self.narrate("hint", narrator.line("lobby_nothing"))

    # -- the meeting ------------------------------------------------------------------------

    def _respond(self, turn: Turn, acts: set[str], sig: frozenset[str]) -> None:
        p = self.persona
        f = facts_of(self.session)
        before = len(self.effects)
        if self._check_back_reply(f):
            return
        if self.state == CONVERSE and self._stay_answer(turn, acts, sig, f):
            acts -= {A.TIME_CHECK, A.ACCEPT_STAY, A.DECLINE_STAY}
            f = facts_of(self.session)
        if A.ASK_JOB in acts:
            self.say_one("deflect_job", p.job_deflection)
        if A.SHARE_INFO in acts:
            self.say_one("thanks_share", p.share_thanks)
        self._answer_questions(turn, acts, f)
        if A.TIME_CHECK in acts:
            self._time_raised(acts)
        if acts & {A.ASK_FEEDBACK, A.ASK_STRENGTHS}:
            self._feedback(acts)
        if A.ASK_REFERRALS in acts:
            if self.meeting.can("ask_names"):
                self.meeting.fire("ask_names")
            else:
                self._give_names_or_hesitate()
        if A.ASK_CHECK_BACK in acts:
            self._check_back(f)
        if A.GOLDEN_RULE in acts:
            self.say_one("golden_rule_ack", p.golden_rule_ack)
        closing = A.GOODBYE in acts or (
            self.state == REFERRAL and A.THANK in acts and len(self.effects) == before
        )
        if closing:
            self.meeting.fire("finish")
        elif len(self.effects) == before:
            if acts & {A.GREET, A.THANK}:
                self.say_one("small_talk", p.small_talk)
            else:
                self.say_one("fallback", p.fallbacks)

    def _answer_questions(self, turn: Turn, acts: set[str], f: Facts) -> None:
        p = self.persona
        asked = [a for a in A.QUESTIONS if a in acts]
        if not asked and A.FOLLOW_UP not in acts and self._matches_prepared(turn.text):
            turn.kind = "question"
            asked = [A.ASK_OTHER]
            f = facts_of(self.session)
        tangent = (
            self.session.scenario.tangent
            and f.tangent is None
            and len(f.questions) == 2
            and f.questions[-1] is turn
            and self.state == CONVERSE
        )
        for i, act in enumerate(asked):
            answer = self.voice.pick(act, getattr(p.answers, act))
            if tangent and i == len(asked) - 1:
                drift = p.tangents[self.voice.choose_index("tangent", len(p.tangents))].drift
                self.say("tangent", f"{answer} {drift}")
            else:
                self.say("answer", answer)
        if A.FOLLOW_UP in acts:
            if f.tangent is not None and f.tangent_followed is turn:
                self.say("follow_up_answer", self._tangent_of(f.tangent).follow_up)
            else:
                self.say_one("follow_up_answer", p.follow_ups)

    def _tangent_of(self, turn: Turn) -> Tangent:
        for tangent in self.persona.tangents:
            if turn.text.endswith(tangent.drift):
                return tangent
        return self.persona.tangents[0]

    def _matches_prepared(self, text: str) -> bool:
        words = _content_words(text)
        if len(words) < 2:
            return False
        for question in self.session.prepared_questions:
            theirs = _content_words(question)
            if theirs and len(words & theirs) / len(words | theirs) >= 0.5:
                return True
        return False

    def _stay_answer(self, turn: Turn, acts: set[str], sig: frozenset[str], f: Facts) -> bool:
        """Handle the reply to a pending invitation to stay; True if it was one."""
        if f.stay_invited is None or f.stay_accepted or f.stay_declined:
            return False
        p = self.persona
        declined = A.DECLINE_STAY in acts or ("no" in sig and A.ACCEPT_STAY not in acts)
        accepted = A.ACCEPT_STAY in acts or ("yes" in sig and not declined)
        leaving = bool(acts & {*_LEAVING, A.TIME_CHECK})
        if declined or (leaving and not accepted):
            turn.kind = "stay_decline"
            self.say_one("stay_declined", p.stay_declined)
            self.meeting.fire("wrap_up")
            return True
        if not accepted and not acts & _STAYING_ON:
            return False  # not an answer yet; the invitation stands
        turn.kind = "stay_accept"
        if accepted:
            self.say_one("stay_accepted", p.stay_accepted)
        self.schedule(WRAP_UP, self.now + timedelta(minutes=p.stay_minutes))
        return True

    def _time_raised(self, acts: set[str]) -> None:
        p = self.persona
        if self.state != CONVERSE:
            self.say_one("wrap_up", p.wrap_up)
            return
        f = facts_of(self.session)
        invite = self.session.scenario.stay and f.stay_invited is None and not acts & _LEAVING
        if invite:
            self.cancel(WRAP_UP)
            minutes = fmt_minutes(p.stay_minutes)
            self.say_one("invite_stay", p.stay_invitation, minutes=minutes)
        else:
            self.say_one("wrap_up", p.wrap_up)
            self.meeting.fire("wrap_up")

    def _feedback(self, acts: set[str]) -> None:
        p = self.persona
        if self.state == CONVERSE:
            self.meeting.fire("wrap_up")
        obs = observe(self.session, facts_of(self.session))
        if A.ASK_FEEDBACK in acts:
            intro = self.voice.pick("feedback", p.feedback_intro)
            self.say("feedback", f"{intro} {feedback_text(obs)}")
        if A.ASK_STRENGTHS in acts:
            intro = self.voice.pick("strengths", p.strengths_intro)
            self.say("strengths", f"{intro}\n{strengths_text(obs)}")

    def _give_names_or_hesitate(self) -> None:
        p = self.persona
        if self.session.scenario.referrals == "names":
            intro = self.voice.pick("referrals", p.referral_intro)
            self.say("referrals", f"{intro}\n{format_referrals(p.referrals)}")
        else:
            self.say_one("undecided", p.undecided)

    def _check_back(self, f: Facts) -> None:
        p = self.persona
        if f.undecided is not None and CHECK_BACK not in self.session.nudges:
            self.say_one("check_back_ok", p.check_back_ok)
            self.schedule(CHECK_BACK, self.now + CHECK_BACK_AFTER)
        elif f.undecided is None:
            self.say_one("small_talk", p.small_talk)

    def _check_back_reply(self, f: Facts) -> bool:
        """The user's message after the check-back nudge: the contact now has names."""
        if f.check_back_nudge is None or f.check_back_answered is not self.session.turns[-1]:
            return False
        p = self.persona
        intro = self.voice.pick("check_back_reply", p.check_back_reply)
        self.say("referrals", f"{intro}\n{format_referrals(p.referrals)}")
        self.narrate("check_back", narrator.line("check_back_done", name=p.first_name))
        return True

    def _after_meeting(self) -> None:
        if self.state == DONE and self._check_back_reply(facts_of(self.session)):
            return
        self.narrate("hint", narrator.line("after_done"))
