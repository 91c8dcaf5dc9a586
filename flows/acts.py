"""The dialogue-act vocabulary: what a user's message *does* in the meeting.

A message carries any number of these acts (multi-label), or none at all.
"""

from __future__ import annotations

from typing import Final

# Arriving
GREET: Final = "greet"
THANK: Final = "thank"
ARRIVE_EARLY: Final = "arrive_early"
DRESSED: Final = "dressed"
NOTEBOOK: Final = "notebook"
QUESTIONS_COPY: Final = "questions_copy"
# Conversing
ASK_START: Final = "ask_start"
ASK_LIKES: Final = "ask_likes"
ASK_QUALIFICATIONS: Final = "ask_qualifications"
ASK_FIT: Final = "ask_fit"
ASK_RESUME: Final = "ask_resume"
ASK_OTHER: Final = "ask_other"
FOLLOW_UP: Final = "follow_up"
SHARE_INFO: Final = "share_info"
ASK_JOB: Final = "ask_job"
# Saying goodbye
TIME_CHECK: Final = "time_check"
ACCEPT_STAY: Final = "accept_stay"
DECLINE_STAY: Final = "decline_stay"
ASK_FEEDBACK: Final = "ask_feedback"
ASK_STRENGTHS: Final = "ask_strengths"
# Referrals
ASK_REFERRALS: Final = "ask_referrals"
ASK_CHECK_BACK: Final = "ask_check_back"
GOLDEN_RULE: Final = "golden_rule"
GOODBYE: Final = "goodbye"

ACTS: Final[tuple[str, ...]] = (
    GREET, THANK, ARRIVE_EARLY, DRESSED, NOTEBOOK, QUESTIONS_COPY,
    ASK_START, ASK_LIKES, ASK_QUALIFICATIONS, ASK_FIT, ASK_RESUME, ASK_OTHER,
    FOLLOW_UP, SHARE_INFO, ASK_JOB,
    TIME_CHECK, ACCEPT_STAY, DECLINE_STAY, ASK_FEEDBACK, ASK_STRENGTHS,
    ASK_REFERRALS, ASK_CHECK_BACK, GOLDEN_RULE, GOODBYE,
)  # fmt: skip

CHECKLIST: Final[tuple[str, ...]] = (ARRIVE_EARLY, DRESSED, NOTEBOOK, QUESTIONS_COPY)
"""The four things to bring to the door: timing, attire, notebook and pen, your questions."""

CLASSIC_QUESTIONS: Final[tuple[str, ...]] = (
    ASK_START,
    ASK_LIKES,
    ASK_QUALIFICATIONS,
    ASK_FIT,
    ASK_RESUME,
)
"""The five prepared questions every informational interview should cover."""

QUESTIONS: Final[tuple[str, ...]] = (*CLASSIC_QUESTIONS, ASK_OTHER)
"""Every act that is a question about the contact's work or industry."""
