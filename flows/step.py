"""One event on one session: stage entry, messages, commands, nudges, and the lobby."""

from __future__ import annotations

from datetime import timedelta

from flows import acts as A
from flows import narrator
from flows.asking import question_topics
from flows.coaching import score_session
from flows.contact import greets_by_name, with_hello
from flows.conversation import Conversation
from flows.effects import Finished, Show
from flows.facts import facts_of
from flows.machine import ABANDONED, ARRIVE, CONVERSE, DONE, GOODBYE, REFERRAL
from flows.phrasing import hinted_acts
from flows.self_description import read_message
from flows.session import Turn
from flows.timing import CHECK_BACK, WRAP_UP, fmt_minutes
from flows.understanding import Context, signals, understand
from flows.userfacts import user_facts

MAX_MESSAGE_CHARS = 2000
"""Only this much of a message is read; the rest is kept in the transcript."""
MAX_QUESTION_CHARS = 300
COMMANDS = ("end", "prepare", "questions", "help")
CHECK_IN = ("check", "ready")
"""Arrival check-in without typing: ``check ITEM`` ticks a checklist item, ``ready`` goes in
(the Telegram checklist buttons use them)."""


def clean_question(text: str) -> str:
    return " ".join(text.split())[:MAX_QUESTION_CHARS]


_ACKNOWLEDGEMENTS = frozenset({"golden_rule_ack", "thanks_share"})
"""Contact lines said beside the move that matters for the user's next reply (thanks for
the promise after hesitating over names): the context is that move."""


class Step(Conversation):
    """One event's worth of work on one session."""

    # -- state entry (only on real transitions) ---------------------------------------------

    def entered(self, state: str) -> None:
        self.session.state = state
        p = self.persona
        if state == CONVERSE:
            self.session.clock_started_at = self.now
            self.schedule(WRAP_UP, self.now + timedelta(minutes=self.session.meeting_minutes))
            name = user_facts(self.session).name
            hello = self.voice.pick("hello", p.name_hello, user_name=name) if name else ""
            if self.session.prepared_questions:
                index = self.voice.choose_index("prepared", len(self.session.prepared_questions))
                question = self.session.prepared_questions[index]
                line = self.voice.pick("greeting", p.greeting_with_questions, question=question)
                self.say("greeting", with_hello(hello, line), f"offer>q{index}")
            else:
                line = self.voice.pick("greeting", p.greeting)
                self.say("greeting", with_hello(hello, line))
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
        acts = understand(read, self._context())
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
            # A model's hint chooses the answer where the rules read nothing; the turn keeps
            # the rules' acts, so the scorecard never depends on a model.
            self._respond(turn, set(hinted_acts(acts, self.hint)), sig)

    def _context(self) -> Context:
        """Where the next message is said: the stage, and what the contact (or a nudge)
        just did, which is what short replies answer ("sure!" after an invitation)."""
        acknowledged = ""
        for turn in reversed(self.session.turns):
            if turn.speaker == "user":
                break
            if turn.speaker == "nudge":
                return Context(self.state, f"{turn.kind}_nudge")
            if turn.speaker == "contact" and turn.kind in _ACKNOWLEDGEMENTS:
                # "That's the right approach" after "I'm not sure about names yet": the
                # user answers the hesitation, not the word of thanks for the promise
                acknowledged = acknowledged or turn.kind
            elif turn.speaker == "contact":
                return Context(self.state, "offer" if turn.ref.startswith("offer>") else turn.kind)
        return Context(self.state, acknowledged) if acknowledged else Context(self.state)

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
        question = clean_question(argument)
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
        # A question opens the meeting, whether it carries a question act or only asks about
        # a topic ("is 49 too late to train as a nurse?", "could I study part-time?").
        opens = bool(acts & {*A.QUESTIONS, A.FOLLOW_UP, A.SHARE_INFO, A.ASK_JOB}) or bool(
            question_topics(turn.text, acts)
        )
        complete = all(a in f.checklist for a in A.CHECKLIST)
        name = self.persona.first_name
        greets = bool(acts & {A.GREET, A.THANK})
        # "Hi Tomás, thanks for making time": said to the contact, who comes out to meet
        # the user in time to hear it; the meeting opens with it (and the scorecard
        # credits it as the opening).
        in_person = greets and greets_by_name(turn.text, name)
        if in_person:
            turn.kind = "opening"
        if new and not complete:
            items = ", ".join(narrator.checklist_item(a) for a in new)
            self.narrate("checklist", narrator.line("checklist_noted", items=items))
        going_in = complete or opens or "ready" in sig or in_person
        if going_in and not in_person:
            self._hello_was_for_the_receptionist(greets)  # (before the contact appears)
        if complete and new:
            self.narrate("checklist", narrator.line("checklist_all", name=name))
        elif in_person:
            self.narrate("scene", narrator.line("contact_comes_out", name=name))
        elif opens or "ready" in sig:
            self.narrate("scene", narrator.line("ready_to_go_in", name=name))
        if going_in:
            self.meeting.fire("begin")
            if opens:
                self._respond(turn, acts - {A.GREET, A.THANK}, sig)
        elif new:
            self.narrate("hint", narrator.line("checklist_hint"))
            self._hello_was_for_the_receptionist(greets)
        elif any(about := read_message(turn.text)):
            user, background, aim = about
            if user and background is None and not aim:
                # "I have a 10 o'clock with Helen Okafor. I'm Mina.": a name for the badge,
                # not news that shapes what the contact will say
                self.narrate("hint", narrator.line("lobby_your_name", name=name, user=user))
            else:
                self.narrate("hint", narrator.line("lobby_about_you", name=name))
            self._hello_was_for_the_receptionist(greets)
        elif greets:
            self.narrate("hint", narrator.line("lobby_small_talk", name=name))
        elif acts:
            self.narrate("hint", narrator.line("lobby_too_soon"))
        else:
            self.narrate("hint", narrator.line("lobby_nothing"))

    def _hello_was_for_the_receptionist(self, greets: bool) -> None:
        """A hello or thanks typed in the lobby went to the receptionist, and the scorecard
        looks for one said to the contact: say so, once, while it can still be said."""
        if greets and not any(t.kind == "hello_tip" for t in self.session.turns):
            tip = narrator.line("lobby_hello_tip", name=self.persona.first_name)
            self.narrate("hello_tip", tip)

    # -- the meeting ------------------------------------------------------------------------
