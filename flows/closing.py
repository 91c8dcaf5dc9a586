"""The end of the meeting: the contact's feedback, the names, and checking back."""

from __future__ import annotations

from flows import acts as A
from flows import narrator
from flows.asked_for import referral_asked_for
from flows.contact import format_referral, ordered_referrals, referral_for
from flows.facts import Facts, facts_of
from flows.feedback import (
    READS_ON_A_PHONE,
    feedback_again,
    feedback_text,
    observe,
    strengths_text,
)
from flows.machine import CONVERSE
from flows.persona import Referral
from flows.step_output import StepOutput
from flows.timing import CHECK_BACK, CHECK_BACK_AFTER
from flows.userfacts import user_facts


class Closing(StepOutput):
    """How the contact gives feedback, names and a later reply with names."""

    def _feedback(self, acts: set[str]) -> None:
        p = self.persona
        if self.state == CONVERSE:
            self.meeting.fire("wrap_up")
        obs = observe(self.session, facts_of(self.session), p)
        said = " ".join(t.text for t in self.session.turns if t.speaker == "contact")
        if A.ASK_FEEDBACK in acts and A.ASK_STRENGTHS not in acts:
            if any(t.speaker == "contact" and t.kind == "feedback" for t in self.session.turns):
                # asked again: what is new since, or that the contact stands by it, not the
                # same sentences read out twice
                self.say("feedback", feedback_again(obs, said, p))
                return
            intro = self.voice.pick("feedback", p.feedback_intro)
            room = READS_ON_A_PHONE - len(intro.split())
            self.say("feedback", f"{intro} {feedback_text(obs, room)}")
            return
        if A.ASK_FEEDBACK in acts:
            # "How did I come across? Any strengths or weaknesses?": one answer, both sides
            intro = self.voice.pick("feedback", p.feedback_intro)
            self.say("feedback", f"{intro}\n{strengths_text(obs, said, p)}")
        else:
            intro = self.voice.pick("strengths", p.strengths_intro)
            self.say("strengths", f"{intro}\n{strengths_text(obs, said, p)}")

    def _give_names_or_hesitate(self) -> None:
        p = self.persona
        if self.session.scenario.referrals == "names":
            self._say_names(self.voice.pick("referrals", p.referral_intro))
        else:
            self.say_one("undecided", p.undecided)

    def _say_names(self, intro: str) -> None:
        """The referrals, read on a phone: the intro, then one message per person, the one
        who suits the user's background first, and why. Asked again, a short recap of the
        same names (who they are, not the whole story twice)."""
        p = self.persona
        background = user_facts(self.session).background
        asked = self._asked_for()
        first = asked or (referral_for(p.referrals, background.sector) if background else None)
        people = ordered_referrals(p.referrals, first)
        pointer = ""
        if asked and p.referral_asked_for:
            pointer = self.voice.pick("asked_for", p.referral_asked_for, name=asked.name)
        # Only for someone whose road speaks to the user's: not a changer from elsewhere
        elif background and first and p.referral_for_you and background.sector in first.sectors:
            pointer = self.voice.pick(
                "for_you", p.referral_for_you, name=first.name, a_role=background.a_role
            )
        if any(t.kind == "referrals" for t in self.session.turns):
            recap = "\n".join(f"• {r.name}, {r.role}" for r in people)
            self.say("referrals", "\n".join(part for part in (intro, recap, pointer) if part))
            return
        self.say("referrals", intro)
        for referral in people:
            self.say("referrals", format_referral(referral))
        if pointer:
            self.say("referrals", pointer)

    def _asked_for(self) -> Referral | None:
        """The person the user's request for names asked for by kind ("anyone who came from
        teaching?"), if one of the contact's people is that."""
        requests = [
            t for t in self.session.turns if t.speaker == "user" and A.ASK_REFERRALS in t.acts
        ]
        return referral_asked_for(self.persona.referrals, requests[-1].text) if requests else None

    def _check_back(self, f: Facts) -> None:
        p = self.persona
        if f.undecided is not None and CHECK_BACK not in self.session.nudges:
            self.say_one("check_back_ok", p.check_back_ok)
            self.schedule(CHECK_BACK, self.now + CHECK_BACK_AFTER)
        elif f.undecided is None:
            # "can I check back in a couple of days?" once the names are given: yes, and
            # tell me how those conversations went (not a hello, as it once was)
            self.say_one("keep_in_touch", p.keep_in_touch or p.small_talk)

    def _check_back_reply(self, f: Facts) -> bool:
        """The user's message after the check-back nudge: the contact now has names."""
        if f.check_back_nudge is None or f.check_back_answered is not self.session.turns[-1]:
            return False
        p = self.persona
        self._say_names(self.voice.pick("check_back_reply", p.check_back_reply))
        self.narrate("check_back", narrator.line("check_back_done", name=p.first_name))
        return True
