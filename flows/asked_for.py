"""Who the user asks the contact to name: "anyone who came over from teaching?", "someone on
the client side?". Of the contact's referrals, the one a request for names describes, by a
word only that person's role, story or earlier career has, or by the sector of the work
they came from; nobody when the request names no kind, or two people fit it as well."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from flows.persona import Referral
from flows.self_description import sectors_in
from flows.thing_words import thing_words

_ASKING_FOR_NAMES: Final = thing_words(
    " ".join(
        (
            "anyone anybody someone somebody people person persons names name contact contacts",
            "introduce introduction introductions recommend recommendation suggest speak talk",
            "chat connect connection worth meeting meet network reach maybe couple three",
            "other else ones whom might happy grateful appreciate field line work works",
            "working background experience career careers job jobs colleague colleagues",
            "possible able interested especially ideally company companies firm organisation",
            "organization team yours",
        )
    )
)
"""Words of asking for names at all, which say nothing of whom."""


def referral_asked_for(referrals: Sequence[Referral], request: str) -> Referral | None:
    """The one of ``referrals`` that ``request`` asks for by kind, or None."""
    asked = thing_words(request) - _ASKING_FOR_NAMES
    described = [thing_words(f"{r.role} {r.why} {r.came_from}") for r in referrals]
    everyone = frozenset.intersection(*described) if described else frozenset()
    sectors = sectors_in(request)
    scores = []
    for referral, words in zip(referrals, described, strict=True):
        score = len(asked & (words - everyone))
        if sectors & sectors_in(referral.came_from):
            score += 1
        scores.append(score)
    best = max(scores, default=0)
    if best == 0 or scores.count(best) > 1:
        return None
    return referrals[scores.index(best)]
