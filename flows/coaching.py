"""The coaching rubric: mark a session item by item, quoting the user's own words.

Each item is ``passed``, ``missed`` or ``n/a``; the score is the share of passed items
among those that apply. Labels and tips are content, in ``flows/content/rubric.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from flows import acts as A
from flows import yamltext
from flows.facts import STAY_MOVED_ON, Facts, facts_of
from flows.feedback import own_case_question
from flows.session import Session, Turn

Status = Literal["passed", "missed", "n/a"]
RUBRIC_FILE = Path(__file__).parent / "content" / "rubric.yaml"
QUOTE_LIMIT = 140
MIN_QUESTIONS = 3


@dataclass(frozen=True)
class RubricEntry:
    label: str
    missing: str
    tip: str
    praise: str


@dataclass(frozen=True)
class Item:
    id: str
    status: Status
    evidence: str
    tip: str
    label: str = ""

    @property
    def stage(self) -> str:
        return self.id.split(".", 1)[0]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status, "evidence": self.evidence, "tip": self.tip}


@dataclass(frozen=True)
class Scorecard:
    score: int
    items: tuple[Item, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"score": self.score, "items": [item.to_dict() for item in self.items]}

    def item(self, item_id: str) -> Item:
        return next(item for item in self.items if item.id == item_id)


@cache
def rubric() -> dict[str, RubricEntry]:
    raw = yamltext.load(RUBRIC_FILE.read_text(encoding="utf-8"))
    return {key: RubricEntry(**value) for key, value in raw.items()}


def quote(turn: Turn) -> str:
    text = " ".join(turn.text.split())
    if len(text) > QUOTE_LIMIT:
        text = text[: QUOTE_LIMIT - 1].rstrip() + "…"
    return f"“{text}”"


def quotes(turns: list[Turn], limit: int = 3) -> str:
    return " · ".join(quote(t) for t in turns[:limit])


# A check returns (status, evidence); evidence None means "use the rubric's text".
Check = tuple[Status, str | None]


def _seen(turn: Turn | None) -> Check:
    return ("passed", quote(turn)) if turn else ("missed", None)


_FEW_MINUTES = re.compile(
    r"\b(?:(?P<n>[1-9])|(?P<w>one|two|three|four|five|six|seven|eight|nine)|a few|a couple(?: of)?"
    r"|few|couple(?: of)?|several)(?: or (?:two|three|so))? ?(?:minutes?|mins?)\b",
    re.IGNORECASE,
)
"""Fewer than ten minutes, said of arriving: "I'm a few minutes early", "5 mins early"."""
_TEN_OR_MORE = re.compile(r"\b(?:1[0-9]|[2-5][0-9]|ten|fifteen|twenty|quarter|half)\b", re.I)
"""Unless ten or more are said too ("a few minutes before ten", "5-10 minutes")."""


def _early(f: Facts) -> Check:
    """Arrived ten to fifteen minutes early: "I'm a few minutes early" was marked as done;
    what was said is quoted, and why it falls short."""
    turn = f.checklist.get(A.ARRIVE_EARLY)
    if turn is None:
        return "missed", None
    if _FEW_MINUTES.search(turn.text) and not _TEN_OR_MORE.search(turn.text):
        return "missed", f"You said {quote(turn)}: aim for ten to fifteen minutes."
    return "passed", quote(turn)


def _stayed(turn: Turn | None) -> Check:
    """Stayed when invited: said yes, or went on asking. Going on to the wrap-up with no word
    on the offer is staying too (it is not leaving), and the evidence says so: a user who
    saw only "How did I come across?" quoted for staying took it for a mistake."""
    if turn is not None and turn.kind == STAY_MOVED_ON:
        return "passed", f"You stayed on, without a word on the offer, and asked {quote(turn)}"
    return _seen(turn)


_CLOTHES = re.compile(
    r"\b(?:wearing|wore|dressed|smart[- ]casual|casual|jeans|chinos|jumper|sweater|hoodie|"
    r"t-?shirt|shirt|blouse|trainers|sneakers|leggings|shorts|cardigan|polo|jacket|outfit)\b",
    re.IGNORECASE,
)
"""Words of clothes: a user who said what they wore, but not formal dress, did say it."""


def _dressed(session: Session, f: Facts) -> Check:
    """Dressed formally; "You didn't say how you dressed" was said to users who had said
    "smart-casual" or "a black jumper n jeans": what they said is quoted, and why it misses."""
    if (turn := f.checklist.get(A.DRESSED)) is not None:
        return "passed", quote(turn)
    said = next(
        (
            t
            for t in session.turns
            if t.speaker == "user" and t.stage == "arrive" and _CLOTHES.search(t.text)
        ),
        None,
    )
    if said is None:
        return "missed", None
    return "missed", f"You said {quote(said)}, which isn't formal dress."


def _checks(session: Session, f: Facts) -> dict[str, Check]:
    questions = f.distinct_questions
    met = session.clock_started_at is not None
    checks: dict[str, Check] = {
        "arrive.early": _early(f),
        "arrive.dressed": _dressed(session, f),
        "arrive.notebook": _seen(f.checklist.get(A.NOTEBOOK)),
        "arrive.questions": _seen(f.checklist.get(A.QUESTIONS_COPY)),
        "converse.rapport": _seen(f.rapport),
        "converse.questions": (
            ("passed", quotes(questions))
            if len(questions) >= MIN_QUESTIONS
            else (
                "missed",
                f"{len(questions)} distinct question{'s' if len(questions) != 1 else ''}"
                + (f": {quotes(questions)}" if questions else ""),
            )
        ),
        "converse.fit": _seen(own_case_question(session)),
        "converse.tangent": (
            ("n/a", "The contact didn't drift onto a tangent this time.")
            if f.tangent is None
            else ("passed", quote(f.tangent_followed))
            if f.tangent_followed
            else ("missed", f"You moved on with {quote(f.tangent_ignored)}")
            if f.tangent_ignored
            else ("missed", None)
        ),
        "converse.two_way": _seen(f.first(A.SHARE_INFO)),
        "converse.no_job_ask": (
            ("missed", f"You asked: {quote(job)}")
            if (job := f.first(A.ASK_JOB))
            else ("passed", "No request for a job at any point.")
        ),
        "goodbye.time": _time_check(session, f, met),
        "goodbye.stay": (
            ("n/a", "The contact didn't invite you to stay longer.")
            if f.stay_invited is None
            else _stayed(f.stay_accepted)
        ),
        "goodbye.feedback": _seen(f.first(A.ASK_FEEDBACK)),
        "goodbye.strengths": _seen(f.first(A.ASK_STRENGTHS)),
        "referral.names": _seen(f.first(A.ASK_REFERRALS)),
        "referral.check_back": _check_back(f),
        "referral.golden_rules": _seen(_promise(session) or f.first(A.GOLDEN_RULE)),
        "referral.thanks": _seen(f.closing_thanks),
    }
    return checks


def _check_back(f: Facts) -> Check:
    if f.undecided is not None:
        return _seen(f.first(A.ASK_CHECK_BACK))
    if f.first(A.ASK_REFERRALS) is None:
        return "n/a", "You didn't ask for names, so there was nothing to check back on."
    return "n/a", "The contact gave you names straight away."


def _time_check(session: Session, f: Facts, met: bool) -> Check:
    raised = f.time_raised
    nudge = f.wrap_up_nudge
    if raised and (nudge is None or _before(raised, nudge, session)):
        return "passed", quote(raised)
    if f.left_early is not None and session.clock_started_at is not None:
        spent = (f.left_early.at - session.clock_started_at).total_seconds() / 60
        return "missed", (
            f"You left {spent:.0f} minutes into the {session.meeting_minutes:g} you agreed, "
            f"mid-conversation: {quote(f.left_early)}"
        )
    if nudge is not None:
        return "missed", None
    if not met:
        return "n/a", "The meeting never started."
    # Wrapped up (feedback, names, goodbye) with time to spare and no reminder: the clock
    # never ran short, so there was nothing to watch; not a pass for raising it
    wrapped = next((t for t in session.turns if t.stage in ("goodbye", "referral")), None)
    if wrapped is not None and session.clock_started_at is not None:
        spent = (wrapped.at - session.clock_started_at).total_seconds() / 60
        return "n/a", (
            f"You wrapped up {spent:.0f} minutes into the {session.meeting_minutes:g} you "
            "agreed, before the time ran short, so there was no clock to watch."
        )
    return "n/a", "You wrapped up before the time ran short, so there was no clock to watch."


def _before(a: Turn, b: Turn, session: Session) -> bool:
    for turn in session.turns:
        if turn is a:
            return True
        if turn is b:
            return False
    return False


def score_session(session: Session, facts: Facts | None = None) -> Scorecard:
    f = facts if facts is not None else facts_of(session)
    entries = rubric()
    items: list[Item] = []
    for item_id, (status, evidence) in _checks(session, f).items():
        entry = entries[item_id]
        if evidence is None:
            evidence = entry.missing
        tip = entry.praise if status == "passed" else entry.tip
        items.append(Item(item_id, status, evidence, tip, entry.label))
    passed = sum(item.status == "passed" for item in items)
    missed = sum(item.status == "missed" for item in items)
    score = round(100 * passed / (passed + missed)) if passed + missed else 0
    return Scorecard(score, tuple(items))


def _promise(session: Session) -> Turn | None:
    """The promise not to ask the people named for a job, said once the user asked for
    names (or in the referral stage): a practising user's card quoted an apology said
    during the feedback ("i really didnt mean to ask u for a job") instead."""
    asked_names = False
    for turn in session.turns:
        if turn.speaker != "user":
            continue
        asked_names = asked_names or A.ASK_REFERRALS in turn.acts or turn.stage == "referral"
        if asked_names and A.GOLDEN_RULE in turn.acts:
            return turn
    return None
