"""The meeting itself: how the contact replies to what the user says after the greeting
(tangents, staying on, the time, the floor handed back); the questions in a message are
answered in ``answering.py``, feedback and names in ``closing.py``."""

from __future__ import annotations

import re
from collections.abc import Sequence

from flows import acts as A
from flows import narrator
from flows.about_referrals import asked_of_them, lines_about, referral_named
from flows.answering import Answering, ready_only
from flows.answers import Answerer
from flows.closing import Closing
from flows.facts import facts_of
from flows.machine import CONVERSE, DONE, REFERRAL
from flows.self_description import speaks_of_self
from flows.session import Turn
from flows.timekeeping import Timekeeping
from flows.understanding import asks_something, no_english, topic_positions
from flows.userfacts import corrected_by, stated_background

_NOT_A_GOODBYE = {*A.QUESTIONS, A.ASK_FEEDBACK, A.ASK_STRENGTHS, A.ASK_REFERRALS, A.TIME_CHECK}
"""A goodbye that also asks or raises something is handled as that, not as leaving."""
_ASKS_ANEW = {*A.CLASSIC_QUESTIONS, A.ASK_FEEDBACK, A.ASK_STRENGTHS, A.ASK_REFERRALS, A.TIME_CHECK}
"""A request to say it again more simply that also asks for something is handled as that."""
_PRESUMES_NAMES = re.compile(
    r"\b(?:names?|handing over|hand over|passing on|introduc\w*)\b", re.IGNORECASE
)
"""A thanks for the promise that speaks of names already handed over."""
_CLOSING_THANKS = {A.THANK, A.GREET, A.GOLDEN_RULE, A.ASK_CHECK_BACK, A.SHARE_INFO}
"""In the referral stage, a thanks with only these closes the meeting."""
_TO_ANSWER = {A.GOLDEN_RULE, A.ASK_CHECK_BACK}
"""Beside a thanks, things the contact answers: the thanks closes only if it is for the
meeting ("Thank you for your time"), not a thanks for the names ("thanks. saoirse sounds
most relevant. i wont ask any of them for a job"), after which users went on to say goodbye
and heard that the practice was over."""


def _goodbye_in_another_language(state: str, acts: set[str], turn: Turn) -> bool:
    """ "Obrigada, tchau!" once the names are given: the user is leaving in their own
    language (read as no act, ACTS.md), not asking the contact to go on."""
    return state == REFERRAL and not acts and no_english(turn.text)


class Conversation(Closing, Answering, Timekeeping):
    """Replies during the meeting (converse, goodbye, referral, and after it)."""

    def _names_given(self) -> bool:
        return any(t.speaker == "contact" and t.kind == "referrals" for t in self.session.turns)

    def _about_a_referral(self, turn: Turn, acts: set[str], sig: frozenset[str]) -> bool:
        """ "How do you know Imre?", "Does Saoirse work with data?", once the names are
        given: what the contact knows of that person (True if said)."""
        referrals = self.persona.referrals
        if (
            A.ASK_REFERRALS in acts
            or not self._names_given()
            or (i := referral_named(referrals, turn.text)) is None
            or not (asks_something(turn.text) or acts & set(A.QUESTIONS))
        ):
            return False
        about = lines_about(referrals[i], asked_of_them(sig))
        if not about:
            return False
        # (what was asked; once told, what else the contact knows of them)
        field, line = next(((f, line) for f, line in about if self.voice.fresh([line])), about[0])
        self.say("about_referral", line, f"referral.{i}.{field}")
        return True

    def _respond(self, turn: Turn, acts: set[str], sig: frozenset[str]) -> None:
        p = self.persona
        f = facts_of(self.session)
        before = len(self.effects)
        if self._check_back_reply(f):
            return
        if (
            "rephrase" in sig
            and not acts & _ASKS_ANEW
            and not topic_positions(turn.text)  # "...I not understand. What does it do?"
            and self._rephrase()
        ):
            return
        if acts & {A.ASK_OTHER, A.SHARE_INFO} and self._curious_about_field(turn.text):
            acts -= {A.ASK_OTHER, A.SHARE_INFO}  # "I'm curious about sustainability.", to Freja
        if acts & _NOT_A_GOODBYE:
            acts.discard(A.GOODBYE)  # "thanks, bye, oh and is there anyone I should call?"
        if self.state == CONVERSE and A.TIME_CHECK in acts and not self._counts_as_time(f):
            acts.discard(A.TIME_CHECK)  # a courtesy at the start, not a wrap-up
            turn.kind = turn.kind or "time_courtesy"
        if self.state == CONVERSE and self._stay_answer(turn, acts, sig, f):
            acts -= {A.TIME_CHECK, A.ACCEPT_STAY, A.DECLINE_STAY}
            f = facts_of(self.session)
        elif self.state == CONVERSE and f.stay_invited is None:
            self._stay_unasked(turn, acts, f)
        if A.ASK_JOB in acts:
            self.say_one("deflect_job", p.job_deflection)
        reached = "reach_the_names" in sig and bool(p.reach_them) and self._names_given()
        if reached:
            # "Would you prefer to introduce me, or should I email him directly?": how to
            # approach the people just named, not "on that one, anything from me is a guess"
            acts -= {A.SHARE_INFO, A.ASK_OTHER, A.FOLLOW_UP}
            self.say_one("reach_them", p.reach_them)
        named = not reached and self._about_a_referral(turn, acts, sig)
        if named:  # (what was asked was about them: "how do you know Winifred?" is not
            # what it takes to do research)
            acts -= {A.SHARE_INFO, A.FOLLOW_UP, *A.QUESTIONS}
        if "cv_gap" in sig and not acts & set(A.QUESTIONS) and self.state == CONVERSE:
            acts.add(A.ASK_RESUME)  # "cv gap 2 yrs travelling": asked, if not put as a question
        if A.SHARE_INFO in acts:
            if "offers_to_send" in sig and p.offer_accepted:
                # "if it's useful, I could send you our template": yes please, not "I
                # hadn't seen it" about something not yet sent
                self.say_one("offer_accepted", p.offer_accepted)
            else:
                self.say_one("thanks_share", p.share_thanks)
        if (
            "may_i_ask" in sig
            and not acts & set(A.CLASSIC_QUESTIONS)
            and not topic_positions(turn.text)
        ):
            acts -= {A.ASK_OTHER, A.FOLLOW_UP, A.TIME_CHECK}  # (not "I won't keep you long")
            self._leave_to_ask()
        elif not (reached or named) or acts & set(A.QUESTIONS):
            self._answer_questions(turn, acts, f, sig)
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
            self.say_one("golden_rule_ack", self._golden_rule_lines())
        closing = (
            A.GOODBYE in acts
            or _goodbye_in_another_language(self.state, acts, turn)
            or (
                # After the names, a thanks closes: bare, or with the promise or a check-back
                # ("I'll keep it brief and won't ask them for a job. Thank you, Inês.").
                self.state == REFERRAL
                and A.THANK in acts
                and (len(self.effects) == before or not acts - _CLOSING_THANKS)
                and not asks_something(turn.text)  # "Thank you! And how did you meet them?"
                and (not acts & _TO_ANSWER or "thanks_for_the_meeting" in sig)
            )
        )
        if closing and self.state == CONVERSE and self._goodbye_too_soon(turn, f):
            return
        if closing:
            self.meeting.fire("finish")
        elif len(self.effects) == before:
            background = stated_background(turn, self.session.persona_id)
            floor_back = not acts - set(A.CHECKLIST)  # (nothing asked or done but check-in facts)
            if turn.kind == "time_courtesy" and p.time_noted:
                self._time_noted()
            elif p.background_corrected and (right := corrected_by(turn, self.session)):
                # "Sorry, I should say: a teaching assistant, not a teacher": taken on board
                self.say_one("background_corrected", p.background_corrected, a_role=right.a_role)
            elif background is not None and p.background_ack:
                # "hi, thanks for meeting me! I work at a call centre": the news, not the hello
                self.say_one("background", p.background_ack, a_role=background.a_role)
            elif self._heard_back(turn.text):
                pass  # "Yes, a daughter, she's six.", after "Do you have kids yourself?"
            elif (
                p.intro_ack
                and not facts_of(self.session).questions  # the lines ask for the first one
                and speaks_of_self(turn.text)
                and self.voice.fresh(p.intro_ack)
            ):
                # "Hi, thanks for meeting me! I've driven city buses for 11 years...": they
                # told something of themselves the reader could not place; not a coffee chat
                self.say_one("intro_ack", p.intro_ack)
            elif acts <= {A.GREET, A.THANK} and self._interest_only(turn.text):
                pass  # "Hello, I'm really interested in getting into data analytics."
            elif acts & {A.GREET, A.THANK}:
                self.say_one("small_talk", self._small_talk_lines())
            elif (
                "comments" in sig
                and not acts
                and (answerer := Answerer(p, self.session, self.voice)).has_more()
            ):
                # "sounds exhausting tbh", "oh wow, that's a big jump" right after an answer:
                # said to hear more, so the contact goes on with it
                self.say_said(answerer.more())
            elif (
                floor_back
                and (not asks_something(turn.text) or ready_only(turn.text, sig))
                and self.voice.fresh(p.go_ahead)
            ):
                # "ready", "ok", "I've got my notebook and my questions": the floor is theirs
                self.say_one("go_ahead", p.go_ahead)
            elif (
                floor_back
                and not asks_something(turn.text)
                and self.voice.fresh(self._small_talk_lines())
            ):
                # the go-ahead lines are used up: "haha fair enough" a third time still
                # hands the floor back, warmly, not "you've lost me there"
                self.say_one("small_talk", self._small_talk_lines())
            elif acts == {A.DECLINE_STAY} and self.voice.fresh(p.stay_declined):
                # "re the stay, that's kind but I'll let you get back to the desk", once the
                # meeting is already closing: a word on it, not "that's beyond my patch"
                self.say_one("stay_decline", p.stay_declined)
            elif self.voice.fresh(p.fallbacks):
                self.say_one("fallback", p.fallbacks)
            else:  # every stock reply is used: name what was said, offer something new
                self.say_said(Answerer(p, self.session, self.voice).unknown(turn.text))
        self._notice_the_time(f)

    def _golden_rule_lines(self) -> Sequence[str]:
        """Thanks for the promise not to ask for jobs; before any names were given (the
        contact hesitated, or has not been asked yet), not a line about handing them over
        ("it's why I'm comfortable passing on their names", right after "not yet")."""
        lines = self.persona.golden_rule_ack
        if any(t.speaker == "contact" and t.kind == "referrals" for t in self.session.turns):
            return lines
        return [line for line in lines if not _PRESUMES_NAMES.search(line)] or lines

    def _after_meeting(self) -> None:
        if self.state == DONE and self._check_back_reply(facts_of(self.session)):
            return
        self.narrate("hint", narrator.line("after_done"))
