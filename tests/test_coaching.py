"""The scorecard: each rubric item read off a transcript, quoting the user's words."""

from __future__ import annotations

from datetime import timedelta

from flows import acts as A
from flows.coaching import rubric, score_session
from flows.session import Scenario, Session, Turn
from tests.conftest import T0


class Script:
    """Builds a session turn by turn, a minute apart."""

    def __init__(self, **scenario: object) -> None:
        params = {"tangent": False, "stay": False, "referrals": "names", **scenario}
        self.session = Session("dana", 7, Scenario(**params), T0)  # type: ignore[arg-type]

    def _add(
        self, speaker: str, stage: str, text: str, acts: tuple[str, ...] = (), kind: str = ""
    ) -> Script:
        at = T0 + timedelta(minutes=len(self.session.turns))
        self.session.turns.append(Turn(at, speaker, stage, text, acts, kind))  # type: ignore[arg-type]
        return self

    def user(self, stage: str, text: str, *acts: str, kind: str = "") -> Script:
        return self._add("user", stage, text, acts, kind)

    def contact(self, stage: str, kind: str, text: str = "...") -> Script:
        return self._add("contact", stage, text, kind=kind)

    def nudge(self, kind: str) -> Script:
        return self._add("nudge", "converse", "time!", kind=kind)


def exemplary() -> Script:
    s = Script(referrals="undecided", stay=True, tangent=True)
    s.session.clock_started_at = T0
    s.user(
        "arrive",
        "Hello! I got here 15 minutes early, in my grey suit",
        A.GREET,
        A.ARRIVE_EARLY,
        A.DRESSED,
    )
    s.user("arrive", "Notebook, pen and my copy of the questions", A.NOTEBOOK, A.QUESTIONS_COPY)
    s.contact("converse", "greeting")
    s.user("converse", "Thank you for seeing me! How did you get started?", A.THANK, A.ASK_START)
    s.contact("converse", "answer")
    s.user("converse", "What do you like best and least?", A.ASK_LIKES)
    s.contact("converse", "tangent")
    s.user("converse", "Oh, tell me more about that", A.FOLLOW_UP)
    s.contact("converse", "follow_up_answer")
    s.user("converse", "How would a teacher like me fit in?", A.ASK_FIT)
    s.user("converse", "I saw a report on that, I can send it", A.SHARE_INFO)
    s.user("converse", "It's been twenty minutes, I want to respect your time", A.TIME_CHECK)
    s.contact("converse", "invite_stay")
    s.user("converse", "I'd love to stay", A.ACCEPT_STAY, kind="stay_accept")
    s.user(
        "goodbye",
        "How did I come across? Strengths and weaknesses?",
        A.ASK_FEEDBACK,
        A.ASK_STRENGTHS,
    )
    s.user("goodbye", "Anyone else I should talk to?", A.ASK_REFERRALS)
    s.contact("referral", "undecided")
    s.user(
        "referral",
        "Could I check back on Friday? I won't ask them for a job.",
        A.ASK_CHECK_BACK,
        A.GOLDEN_RULE,
    )
    s.user("referral", "Thank you so much!", A.THANK)
    return s


def test_exemplary_meeting_scores_100_and_quotes_the_user() -> None:
    card = score_session(exemplary().session)
    assert card.score == 100, [i for i in card.items if i.status != "passed"]
    assert [i.id for i in card.items] == list(rubric())
    assert (
        card.item("arrive.early").evidence
        == "“Hello! I got here 15 minutes early, in my grey suit”"
    )
    assert "How did you get started?" in card.item("converse.questions").evidence


def test_empty_meeting_misses_almost_everything() -> None:
    s = Script()
    s.session.clock_started_at = T0
    s.user("converse", "hmm")
    card = score_session(s.session)
    statuses = {i.id: i.status for i in card.items}
    assert statuses["converse.tangent"] == "n/a"
    assert statuses["goodbye.stay"] == "n/a"
    assert statuses["referral.check_back"] == "n/a"
    assert statuses["converse.no_job_ask"] == "passed"
    assert statuses["goodbye.time"] == "n/a"  # ended before the mark: no clock to watch
    passed = sum(v == "passed" for v in statuses.values())
    missed = sum(v == "missed" for v in statuses.values())
    assert card.score == round(100 * passed / (passed + missed))
    assert card.item("arrive.dressed").tip == rubric()["arrive.dressed"].tip


def test_a_job_ask_is_missed_with_the_users_words() -> None:
    s = exemplary()
    s.user("referral", "By the way, are you hiring?", A.ASK_JOB)
    item = score_session(s.session).item("converse.no_job_ask")
    assert item.status == "missed"
    assert "are you hiring?" in item.evidence


def test_the_clock_is_missed_when_the_nudge_had_to_fire() -> None:
    s = Script()
    s.session.clock_started_at = T0
    s.user("converse", "How did you start?", A.ASK_START)
    s.nudge("wrap_up")
    s.user("converse", "Oh, I see we're out of time", A.TIME_CHECK)
    assert score_session(s.session).item("goodbye.time").status == "missed"


def test_an_ignored_tangent_is_missed_and_quoted() -> None:
    s = Script(tangent=True)
    s.user("converse", "How did you start?", A.ASK_START)
    s.contact("converse", "tangent")
    s.user("converse", "What qualifications matter?", A.ASK_QUALIFICATIONS)
    item = score_session(s.session).item("converse.tangent")
    assert item.status == "missed"
    assert "What qualifications matter?" in item.evidence


def test_a_declined_invitation_misses_the_stay_item() -> None:
    s = Script(stay=True)
    s.user("converse", "I'm conscious of your time", A.TIME_CHECK)
    s.contact("converse", "invite_stay")
    s.user("converse", "Thanks, but I should go", A.DECLINE_STAY, kind="stay_decline")
    assert score_session(s.session).item("goodbye.stay").status == "missed"


def test_rapport_only_counts_early_in_the_conversation() -> None:
    s = Script()
    s.user("converse", "How did you start?", A.ASK_START)
    s.user("converse", "What do you like?", A.ASK_LIKES)
    s.user("converse", "Thanks!", A.THANK)
    assert score_session(s.session).item("converse.rapport").status == "missed"


def test_repeated_questions_count_once() -> None:
    s = Script()
    for _ in range(3):
        s.user("converse", "How did you get started?", A.ASK_START)
    item = score_session(s.session).item("converse.questions")
    assert item.status == "missed"
    assert item.evidence.startswith("1 distinct question")
