"""Messages typed without punctuation (voice dictation, run-on texting): where a question
begins after a lead-in, so that rules which read a question from its opening word see one."""

from __future__ import annotations

from typing import Final


def _words(*lines: str) -> frozenset[str]:
    return frozenset(" ".join(lines).split())


_AUX: Final = _words("do does did can could should would will")
_COPULA: Final = _words("is are was were")
_SUBJECT: Final = _words(
    "i you u we they it he she there the a an my your our these those any people someone",
    "somebody anyone anybody most",
)
_PRONOUN: Final = _words("it there he she you u they we")
_WH: Final = _words("what how why when where")
_WH_NEXT: Final = _words(
    "do does did is are was were can could should would will much many long kind sort type",
    "happens happened makes made",
)
_ASKING_ALREADY: Final = _words(
    "what how why when where who which whats hows whys wheres whos is are was were do does",
    "did can could should would will if when because since after before once while unless",
    "though although",
)
"""Words of a lead-in that already asks, or opens a clause the question belongs to ("if I
go part time after maternity leave will that slow down my promotion")."""
_EMBEDS: Final = _words(
    "know wonder wondering wondered ask asking asked tell telling sure idea see decide figure",
    "understand care matter matters and or but that to exactly no about of on than not",
    "unsure curious remember forget explain show learn i",
)
"""Words after which a question opener is part of the sentence ("I wonder how you...")."""
_PUNCTUATED: Final = frozenset({".", "?", "!", ",", ";", ":"})


def dictated_breaks(text: str) -> str:
    """A normalised message typed without any punctuation, with a question
    started after a lead-in that asks nothing itself: a full stop before the question ("ok
    one more technical one in colorado . do i have to register ...", "last money question .
    what does a first year apprentice make ..."). Measured on the labelled sets: act and
    topic readings unchanged but for one topic list more right."""
    words = text.split()
    if len(words) < 10 or _PUNCTUATED.intersection(words):
        return text
    for i, word in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else ""
        opens = (
            (word in _AUX and nxt in _SUBJECT)
            or (word in _COPULA and nxt in _PRONOUN)
            or (word in _WH and nxt in _WH_NEXT)
        )
        if word in _ASKING_ALREADY and not opens:
            return text  # a question or a clause already begun ("how many days a week...")
        if opens:
            # only after a lead-in of three words or more ("ok one more technical one in
            # colorado"), not after "I" ("i could pick their brain")
            lead_in = i >= 3 and words[i - 1] not in _EMBEDS and words[i - 1] not in _PRONOUN
            return " ".join([*words[:i], ".", *words[i:]]) if lead_in else text
    return text
