"""The meeting's clock as the contact speaks of it: thanks for minding the time, true to how
far the meeting has got; raising it near the end (or a goodbye too soon); the contact
checking it themselves after an ignored reminder; the invitation to stay and its answer."""

from __future__ import annotations

from datetime import timedelta

from flows import acts as A
from flows.facts import STAY_MOVED_ON, TIME_LEAVING, Facts, facts_of
from flows.machine import CONVERSE
from flows.session import Turn
from flows.step_output import StepOutput
from flows.timing import WRAP_UP, fmt_minutes, near_mark, past_midway
from flows.understanding import asks_something

_LEAVING = {A.ASK_FEEDBACK, A.ASK_STRENGTHS, A.ASK_REFERRALS, A.GOODBYE}
"""Moves of a user on their way out: no invitation to stay, no time check of the contact's."""
_STAYING_ON = {
    *A.QUESTIONS, A.FOLLOW_UP, A.SHARE_INFO, A.ASK_JOB,
    A.ASK_FEEDBACK, A.ASK_STRENGTHS, A.ASK_REFERRALS,
}  # fmt: skip
"""Carrying on the conversation after an invitation to stay is accepting it: asking how
they came across, or for names, in the extra time too (that is not leaving)."""
_WINDING_UP = {A.ASK_FEEDBACK, A.ASK_STRENGTHS, A.ASK_REFERRALS}
_LEAVING_NOW = {A.GOODBYE, A.TIME_CHECK}
"""What declines a pending invitation to stay without a word about it."""
_STAY_REPLIES = {A.ACCEPT_STAY, A.DECLINE_STAY}
"""Replies to an invitation to stay longer."""


class Timekeeping(StepOutput):
    """The time, raised by the user or noticed by the contact, and staying on."""

    def _time_noted(self) -> None:
        """Thanks for minding the time, true to how far the meeting has got."""
        p, s = self.persona, self.session
        if p.time_noted_midway and past_midway(s.clock_started_at, s.meeting_minutes, self.now):
            self.say_one("time_noted", p.time_noted_midway)
        else:
            self.say_one("time_noted", p.time_noted)

    def _counts_as_time(self, f: Facts) -> bool:
        """Raising the time winds the meeting up only near its end or after the reminder."""
        s = self.session
        return f.wrap_up_nudge is not None or near_mark(
            s.clock_started_at, s.meeting_minutes, self.now
        )

    def _goodbye_too_soon(self, turn: Turn, f: Facts) -> bool:
        """A bare goodbye mid-conversation: the contact checks once whether there was
        anything else; a second goodbye ends the meeting (scored as leaving early)."""
        p = self.persona
        if self._counts_as_time(f):
            return False  # the time is up (or the reminder came): a goodbye is on time
        if f.early_goodbye is None and p.before_you_go:
            turn.kind = "early_goodbye"
            self.say_one("before_you_go", p.before_you_go)
            return True
        turn.kind = "left_early"
        return False

    def _notice_the_time(self, f: Facts) -> None:
        """The reminder came and went and the user carried on for two more messages: the
        contact notices the time themselves, once, and starts wrapping up."""
        p = self.persona
        nudge = f.wrap_up_nudge
        if self.state != CONVERSE or nudge is None or f.own_time_check is not None:
            return
        if f.stay_accepted is not None or not p.time_check_self:
            return
        since = self.session.turns[self.session.turns.index(nudge) + 1 :]
        said = [t for t in since if t.speaker == "user" and t.kind != "command"]
        if len(said) < 2 or any(set(t.acts) & {A.TIME_CHECK, *_LEAVING} for t in said):
            return
        self.say_one("own_time_check", p.time_check_self)
        self.meeting.fire("wrap_up")

    def _stay_answer(self, turn: Turn, acts: set[str], sig: frozenset[str], f: Facts) -> bool:
        """Handle the reply to a pending invitation to stay; True if it was one."""
        if f.stay_invited is None or f.stay_accepted or f.stay_declined:
            return False
        p = self.persona
        declined = A.DECLINE_STAY in acts or ("no" in sig and A.ACCEPT_STAY not in acts)
        accepted = A.ACCEPT_STAY in acts or ("yes" in sig and not declined)
        # "before i go, how did i come across?": on the way out, not staying on
        leaving = bool(acts & _LEAVING_NOW) or "on_the_way_out" in sig
        if declined or (leaving and not accepted):
            turn.kind = "stay_decline"
            self.say_one("stay_declined", p.stay_declined)
            self.meeting.fire("wrap_up")
            return True
        asks = asks_something(turn.text)  # ("what does a first year look like?": no act)
        if not accepted and not acts & _STAYING_ON and not asks:
            return False  # not an answer yet; the invitation stands
        # Straight on to how they came across, or to names, with no word on the offer: the
        # meeting goes on in the extra time (the scorecard says how they stayed)
        winding_up = bool(acts & _WINDING_UP) and not acts & (_STAYING_ON - _WINDING_UP)
        moved_on = not accepted and winding_up
        turn.kind = STAY_MOVED_ON if moved_on else "stay_accept"
        if accepted:
            self.say_one("stay_accepted", p.stay_accepted)
        self.schedule(WRAP_UP, self.now + timedelta(minutes=p.stay_minutes))
        return True

    def _stay_unasked(self, turn: Turn, acts: set[str], f: Facts) -> None:
        """A yes or no to staying longer with no invitation to answer, made into what it
        means (``acts`` changed in place)."""
        if not acts & _STAY_REPLIES:
            return
        leaving = A.DECLINE_STAY in acts
        acts -= _STAY_REPLIES
        if not leaving:
            # "yeah ok i can stay 5 more min": time minded, as at the start ("we're grand
            # for a bit yet"), not a question to defer
            turn.kind = turn.kind or "time_courtesy"
        elif self._counts_as_time(f):
            # "I should head off" near the end: the user raises the time, winding up
            acts.add(A.TIME_CHECK)
            turn.kind = turn.kind or TIME_LEAVING
        else:
            # "no, I should head off, but thank you" well before the end: leaving, so the
            # contact checks once whether there was anything else (a goodbye)
            acts.add(A.GOODBYE)

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
