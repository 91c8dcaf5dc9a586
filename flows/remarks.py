"""Replies to the person rather than about the field: a word on the contact's own day, what
they remember of the user, the last answer said again more simply, small talk that fits the
moment, and the floor handed over to a user who says only that the field interests them.
Small talk about the contact's own life is ``own_life.py``."""

from __future__ import annotations

import re

from flows.facts import facts_of
from flows.own_life import OwnLife
from flows.userfacts import user_facts

_REPHRASABLE = ("answer", "tangent", "follow_up_answer", "question_answer", "feedback")
_MONEY = re.compile(
    r"[$£€]\s?\d|\d\s?(?:k\b|kroner|dkk|sgd|s\$|euros?|dollars|pounds)|\bper hour\b|\ban hour\b"
)
"""A pay figure in what the contact just said."""
_INTEREST = re.compile(
    r"^(?:(?:hi|hello|hey|good (?:morning|afternoon))\b[^.!?,]{0,30}[,.!]+ *)?"
    r"(?:(?:so|well|and|but|honestly|basically|anyway),? )*(?:i'?m|i am|im) (?:really |very |so "
    r"|genuinely |quite |just |super |most )?(?:curious|interested|keen|passionate|excited|"
    r"fascinated) (?:about|in|by|to (?:learn|hear|know) (?:more )?about) (?P<what>[^.!?]+)[.!]*$",
    re.IGNORECASE,
)
_FIELD_FILLER = frozenset(
    re.findall(
        r"\w+",
        "the a an your this that field work job line of career careers industry area role "
        "roles world side it more whole getting going moving into in and general",
    )
)


def interest_in_field(text: str, field_words: frozenset[str]) -> bool:
    """Whether ``text`` only says the user is curious about the contact's own field ("I'm
    curious about data analytics.", "I'm really interested in your line of work"): no
    question to answer, but the floor handed over. ``field_words``: the words of the
    contact's field, role, industry and their synonyms."""
    found = _INTEREST.match(text.strip())
    if found is None:
        return False
    words = set(re.findall(r"[a-z]+", found["what"].lower())) - _FIELD_FILLER
    return not words or words <= field_words


class Remarks(OwnLife):
    """Small talk, memory of the user, and rephrasing."""

    def _curious_about_field(self, text: str) -> bool:
        """The user only says they are curious about the contact's own field."""
        return interest_in_field(text, self.persona.own_field_words)

    def _interest_only(self, text: str) -> bool:
        """The user only said they are curious about the contact's field: the contact
        invites their first question (or the next): True if so."""
        p = self.persona
        if not self._curious_about_field(text):
            return False
        if p.intro_ack and not facts_of(self.session).questions and self.voice.fresh(p.intro_ack):
            self.say_one("intro_ack", p.intro_ack)
        else:
            self.say_one("go_ahead", p.go_ahead or self._small_talk_lines())
        return True

    def _leave_to_ask(self) -> None:
        """ "Can I ask two last things?": of course (never "I can't speak to that one")."""
        p = self.persona
        for kind, lines in (("ask_away", p.ask_away), ("go_ahead", p.go_ahead)):
            if lines and self.voice.fresh(lines):
                self.say_one(kind, lines)
                return
        self.say_one("ask_away", p.ask_away or p.go_ahead or self._small_talk_lines())

    def _small_talk_lines(self) -> list[str]:
        """The contact's small-talk lines fit for now: before the first question, none that
        asks for the "next" one or picks up where they were (``small_talk_later``)."""
        p = self.persona
        if facts_of(self.session).questions:
            return [*p.small_talk, *p.small_talk_later]
        return list(p.small_talk)

    def _small_talk_or_recall(self, sig: frozenset[str], text: str) -> bool:
        """A word about the contact's own day or life, or what they remember of the user:
        True if the contact answered it."""
        p = self.persona
        if "recall" in sig and p.recall and p.recall_nothing:
            background = user_facts(self.session).background
            if background is not None:
                self.say_one("recall", p.recall, a_role=background.a_role)
            else:
                self.say_one("recall", p.recall_nothing)
            return True
        if "personal" in sig and "how_are_you" not in sig and self._own_life(text):
            return True
        if "how_are_you" in sig and p.how_are_you:
            self.say_one(
                "how_are_you",
                p.how_are_you if self.voice.fresh(p.how_are_you) else self._small_talk_lines(),
            )
            return True
        return False

    def _pay_reaction(self) -> bool:
        """ "Wow, that's three times what I earn now" right after a figure: the contact
        answers the comparison in a line (True), rather than taking it for a question."""
        p = self.persona
        last = next((t for t in reversed(self.session.turns) if t.speaker == "contact"), None)
        if not p.pay_reaction or last is None:
            return False
        if not (last.ref.startswith("pay.") or _MONEY.search(last.text)):
            return False
        self.say_one("pay_reaction", p.pay_reaction)
        return True

    def _rephrase(self) -> bool:
        """ "Sorry, can you explain more simple?": the gist of the last answer, put simply
        (its first sentence), with a word of apology; False if there is nothing to repeat."""
        p = self.persona
        for turn in reversed(self.session.turns[:-1]):
            if turn.speaker == "user":
                return False
            if turn.speaker == "contact" and turn.kind in _REPHRASABLE and p.rephrase:
                point = re.split(r"(?<=[.!?])\s+", turn.text.strip(), maxsplit=1)[0]
                self.say_one("rephrase", p.rephrase, point=point)
                return True
        return False
