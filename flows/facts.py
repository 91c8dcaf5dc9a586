"""What happened in a session, read off its transcript.

Both the engine (to decide what the contact says next) and the coaching rubric (to mark
the meeting and quote the user's words) work from these facts, so they never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flows import acts as A
from flows.machine import ARRIVE, CONVERSE, GOODBYE, REFERRAL
from flows.session import Session, Turn


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
    """A thanks while saying goodbye or receiving names."""

    def first(self, act: str) -> Turn | None:
        return self.asked.get(act)


CONVERSE_RAPPORT_WINDOW = 2
"""How many of the user's first conversation messages still count as 'building rapport'."""


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
    for turn in session.turns:
        if turn.speaker == "user":
            if turn.kind == "command":
                continue
            acts = set(turn.acts)
            if turn.stage == ARRIVE:
                for act in A.CHECKLIST:
                    if act in acts:
                        f.checklist.setdefault(act, turn)
                if f.rapport is None and acts & {A.GREET, A.THANK}:
                    f.rapport = turn
                # A first question asked from the lobby opens the conversation.
                if not acts & set(A.QUESTIONS):
                    continue
            if turn.stage == CONVERSE:
                converse_seen += 1
                if (
                    f.rapport is None
                    and converse_seen <= CONVERSE_RAPPORT_WINDOW
                    and acts & {A.GREET, A.THANK}
                ):
                    f.rapport = turn
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
                if turn.kind == "stay_accept":
                    f.stay_accepted = turn
                elif turn.kind == "stay_decline":
                    f.stay_declined = turn
            if turn.stage in (GOODBYE, REFERRAL) and A.THANK in acts:
                f.closing_thanks = f.closing_thanks or turn
            if f.check_back_nudge is not None and f.check_back_answered is None:
                f.check_back_answered = turn
            previous_contact = None
        elif turn.speaker == "contact":
            previous_contact = turn
            if turn.kind == "tangent":
                f.tangent = f.tangent or turn
            elif turn.kind == "invite_stay":
                f.stay_invited = f.stay_invited or turn
            elif turn.kind == "undecided":
                f.undecided = f.undecided or turn
        elif turn.speaker == "nudge":
            if turn.kind == "wrap_up":
                f.wrap_up_nudge = f.wrap_up_nudge or turn
            elif turn.kind == "check_back":
                f.check_back_nudge = f.check_back_nudge or turn
    return f
