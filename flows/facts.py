"""What happened in a session, read off its transcript.

Both the engine (to decide what the contact says next) and the coaching rubric (to mark
the meeting and quote the user's words) work from these facts, so they never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flows import acts as A
from flows.machine import ARRIVE, CONVERSE, GOODBYE, REFERRAL
from flows.session import Session, Turn
from flows.timing import near_mark

STAY_MOVED_ON = "stay_moved_on"
"""The kind of a message that went on to the wrap-up over a pending invitation to stay,
with no word on it (the meeting goes on in the extra time)."""


@dataclass
class Facts:
    checklist: dict[str, Turn] = field(default_factory=dict)
    """First user turn covering each arrival checklist act."""
    rapport: Turn | None = None
    """A greeting or thanks while arriving or in the first messages of the conversation."""
    questions: list[Turn] = field(default_factory=list)
    """User turns that asked the contact a question (any question act, or a prepared one)."""
    distinct_questions: list[Turn] = field(default_factory=list)
    asked: dict[str, Turn] = field(default_factory=dict)
    """First user turn for each act after arrival."""
    tangent: Turn | None = None
    """The contact's turn that drifted onto a tangent."""
    tangent_followed: Turn | None = None
    tangent_ignored: Turn | None = None
    """The user turn right after the tangent: it followed it up, or moved on."""
    wrap_up_nudge: Turn | None = None
    """The first wrap-up nudge delivered."""
    stay_invited: Turn | None = None
    stay_accepted: Turn | None = None
    """The user turn that accepted the invitation (explicitly or by staying on)."""
    stay_declined: Turn | None = None
    undecided: Turn | None = None
    check_back_nudge: Turn | None = None
    check_back_answered: Turn | None = None
    closing_thanks: Turn | None = None
    """The last thanks while saying goodbye or receiving names that was not part of a
    request ("thanks, is there anyone else I should talk to?" asks; it does not close)."""
    time_raised: Turn | None = None
    """The first time the user raised the time when it counted: near the agreed end
    (``flows.timing.near_mark``) or after the wrap-up reminder."""
    early_goodbye: Turn | None = None
    """A bare goodbye mid-conversation that the contact checked ("anything else?")."""
    left_early: Turn | None = None
    """The goodbye that ended the meeting while still conversing, before the agreed end."""
    own_time_check: Turn | None = None
    """The contact noticed the time themselves after the reminder was ignored."""

    def first(self, act: str) -> Turn | None:
        return self.asked.get(act)


TIME_LEAVING = "time_leaving"
"""The kind of a user turn that said they should go, near the end of the meeting, with no
invitation to stay to answer ("I should head off"): raising the time, in other words."""
CONVERSE_RAPPORT_WINDOW = 2
"""How many of the user's first conversation messages still count as 'building rapport'."""
_REQUESTS = frozenset(
    {*A.QUESTIONS, A.ASK_FEEDBACK, A.ASK_STRENGTHS, A.ASK_REFERRALS, A.ASK_CHECK_BACK}
)


def _question_key(turn: Turn) -> str:
    classic = [a for a in turn.acts if a in A.CLASSIC_QUESTIONS]
    if classic:
        return classic[0]
    return " ".join(turn.text.lower().split())


def facts_of(session: Session) -> Facts:
    f = Facts()
    converse_seen = 0
    seen_keys: set[str] = set()
    previous_contact: Turn | None = None
    last_user: Turn | None = None
    for turn in session.turns:
        if turn.speaker == "user":
            if turn.kind == "command":
                continue
            last_user = turn
            acts = set(turn.acts)
            if turn.stage == ARRIVE:
                for act in A.CHECKLIST:
                    if act in acts:
                        f.checklist.setdefault(act, turn)
                # A first question asked from the lobby, or a hello to the contact by
                # name, opens the conversation; other lobby lines are said to the
                # receptionist, not to the contact.
                if not acts & set(A.QUESTIONS) and turn.kind != "opening":
                    continue
            opening = turn.stage == ARRIVE or (
                turn.stage == CONVERSE and converse_seen < CONVERSE_RAPPORT_WINDOW
            )
            if turn.stage == CONVERSE and opening:
                # "I've got my notebook and the questions I emailed you", said as the
                # meeting opens: brought all the same (later, it is only talk)
                for act in A.CHECKLIST:
                    if act in acts and act != A.ARRIVE_EARLY:
                        f.checklist.setdefault(act, turn)
            if turn.stage == CONVERSE:
                converse_seen += 1
            if f.rapport is None and opening and acts & {A.GREET, A.THANK}:
                f.rapport = turn
            counts = f.wrap_up_nudge is not None or near_mark(
                session.clock_started_at, session.meeting_minutes, turn.at
            )
            raised = A.TIME_CHECK in acts or turn.kind == TIME_LEAVING
            if raised and f.time_raised is None and turn.stage == CONVERSE and counts:
                f.time_raised = turn
            if turn.kind == "early_goodbye":
                f.early_goodbye = f.early_goodbye or turn
            elif turn.kind == "left_early":
                f.left_early = turn
            for act in turn.acts:
                f.asked.setdefault(act, turn)
            if turn.kind == "question" or acts & set(A.QUESTIONS):
                f.questions.append(turn)
                key = _question_key(turn)
                if key not in seen_keys:
                    seen_keys.add(key)
                    f.distinct_questions.append(turn)
            if previous_contact is not None and previous_contact is f.tangent:
                if A.FOLLOW_UP in acts:
                    f.tangent_followed = turn
                else:
                    f.tangent_ignored = turn
            if f.stay_invited and not (f.stay_accepted or f.stay_declined):
                # (a question with no act of its own, "what does a first year look like?",
                # goes on too: it is marked a question, not a reply to the offer)
                if turn.kind in ("stay_accept", STAY_MOVED_ON, "question"):
                    f.stay_accepted = turn
                elif turn.kind == "stay_decline":
                    f.stay_declined = turn
            closing_stage = turn.stage in (GOODBYE, REFERRAL) or A.GOODBYE in acts
            if closing_stage and A.THANK in acts and not acts & _REQUESTS:
                f.closing_thanks = turn
            if f.check_back_nudge is not None and f.check_back_answered is None:
                f.check_back_answered = turn
            previous_contact = None
        elif turn.speaker == "contact":
            previous_contact = turn
            if turn.kind == "tangent":
                f.tangent = f.tangent or turn
            elif (
                turn.kind == "follow_up_answer"
                and turn.ref.startswith("tangent.")
                and f.tangent_ignored is not None
                and f.tangent_followed is None
            ):
                # the user came back for the side story later ("ok wait, u dodged the goat
                # story"): they followed it after all
                f.tangent_followed, f.tangent_ignored = last_user, None
            elif turn.kind == "invite_stay":
                f.stay_invited = f.stay_invited or turn
            elif turn.kind == "undecided":
                f.undecided = f.undecided or turn
            elif turn.kind == "own_time_check":
                f.own_time_check = f.own_time_check or turn
        elif turn.speaker == "nudge":
            if turn.kind == "wrap_up":
                f.wrap_up_nudge = f.wrap_up_nudge or turn
            elif turn.kind == "check_back":
                f.check_back_nudge = f.check_back_nudge or turn
    return f
