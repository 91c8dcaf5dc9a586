"""Replies to the person rather than about the field: a word on the contact's own day, what
they remember of the user, the last answer said again more simply, small talk that fits the
moment, and the floor handed over to a user who says only that the field interests them."""

from __future__ import annotations

import re
from typing import Final, cast, get_args

from flows.facts import facts_of
from flows.persona import PersonalKind
from flows.session import Turn
from flows.step_output import StepOutput
from flows.understanding import asks_something, signal_rules
from flows.userfacts import user_facts

_REPHRASABLE = ("answer", "tangent", "follow_up_answer", "question_answer", "feedback")
_MONEY = re.compile(
    r"[$£€]\s?\d|\d\s?(?:k\b|kroner|dkk|sgd|s\$|euros?|dollars|pounds)|\bper hour\b|\ban hour\b"
)
"""A pay figure in what the contact just said."""
PERSONAL: Final = "personal"
"""The kind of a contact's line about their own life (its ``ref``: ``personal.<kind>``)."""
HEARD: Final = "personal_heard"
"""The kind of the contact's word on the user's answer to one of those lines."""
_PERSONAL_KINDS: Final = get_args(PersonalKind)
"""The small talk a contact answers from their own life (``Persona.personal``): a
``personal`` rule of patterns.yaml named for the kind, or for the kind and a suffix
(``personal.where_from_a_local``), read it; any other personal question gets the contact's
``personal_aside``."""


_ABOUT: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = tuple(
    (re.compile(asked, re.I), re.compile(told, re.I))
    for asked, told in (
        (
            r"\b(?:pets?|dogs?|cats?|pupp(?:y|ies)|kittens?|animals?)\b",
            r"\b(?:pets?|dogs?|cats?|pupp(?:y|ies)|kittens?|greyhound|beagle|terrier|spaniel|"
            r"labrador|collie|tortoise|rabbit|parrot|hamster|fish)\b",
        ),
        (
            r"\b(?:kids?|children|sons?|daughters?|grandkids)\b",
            r"\b(?:kids?|children|sons?|daughters?|lad|lads|boys?|girls?|grandkids)\b",
        ),
    )
)
"""What a family question names, and the words of a line that speaks to it: "do you have
any pets?" hears about the greyhound before the partner."""


_PASTIMES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(words, re.I)
    for words in (
        r"\b(?:run|runs|running|runner|marathons?|jog|jogging|5k|10k)\b",
        r"\b(?:cycle|cycles|cycling|cyclist|bike|bikes|biking|ride|rides|riding|greenway)\b",
        r"\b(?:swim|swims|swimming|swimmer|bathing|lengths)\b",
        r"\b(?:surf|surfs|surfing|surfer|waves)\b",
        r"\b(?:paddle|paddles|paddling|dragon boat|row|rowing|kayak\w*|sail|sailing|canoe\w*)\b",
        r"\b(?:garden|gardens|gardening|gardener|allotment|kolonihave)\b",
        r"\b(?:cook|cooks|cooking|cook|bake|bakes|baking|baker|brisket|barbecue|bbq|soup)\b",
        r"\b(?:read|reads|reading|reader|books?|novels?|fiction)\b",
        r"\b(?:sing|sings|singing|choir|alto|soprano|tenor)\b",
        r"\b(?:guitar|piano|drums|violin|cello|instrument|band)\b",
        r"\b(?:crosswords?|puzzles?|chess)\b",
        r"\b(?:paint|painting|sketch\w*|draw|drawing|ceramics|pottery)\b",
        r"\b(?:football|soccer|rugby|hockey|basketball|baseball|hurling|gaa)\b",
        r"\b(?:gym|yoga|pilates)\b",
        r"\b(?:hike|hikes|hiking|climb|climbs|climbing|ski|skis|skiing|skier|snowboard\w*)\b",
        r"\b(?:improv|theatre|theater|acting)\b",
        r"\b(?:fish|fishing|fly tying|angling)\b",
    )
)
"""Pastimes by their words: "do you surf?" hears the contact's line on surfing, where they
have one (a yes or no to a pastime they do not have keeps the warm aside)."""


_ORIGIN: Final = re.compile(r"\b(?:originally|grow up|grew up|born|raised|home ?town)\b", re.I)
"""Where the contact is *from*: their first ``where_from`` line says where they grew up, the
second where they live now."""


def _fitting(lines: list[str], text: str) -> list[str]:
    """Of ``lines`` (the contact's fresh ones, in file order), those that speak to what
    ``text`` names, if any do; else all."""
    if _ORIGIN.search(text):
        return lines[:1]
    for asked, told in _ABOUT:
        if asked.search(text):
            return [line for line in lines if told.search(line)] or lines
    return lines


def personal_kind(text: str) -> PersonalKind | None:
    """Which of the contact's own small-talk answers ``text`` asks for, if any."""
    for rule in sorted(signal_rules(text)):
        label, _, name = rule.partition(".")
        if label != PERSONAL:
            continue
        for kind in _PERSONAL_KINDS:
            if name == kind or name.startswith(f"{kind}_"):
                return cast(PersonalKind, kind)
    return None


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


class Remarks(StepOutput):
    """Small talk, memory of the user, and rephrasing."""

    def _curious_about_field(self, text: str) -> bool:
        """The user only says they are curious about the contact's own field."""
        p = self.persona
        named = " ".join([p.field, p.role, p.industry, *p.synonyms]).lower()
        return interest_in_field(text, frozenset(re.findall(r"[a-z]+", named)))

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
        if "personal" in sig and "how_are_you" not in sig:
            kind = personal_kind(text)
            told = self.voice.fresh(p.personal.get(kind, [])) if kind is not None else []
            if told:  # "where are you from?": a line of their own life, then the floor back
                line = self.voice.pick(PERSONAL, _fitting(told, text))
                self.say(PERSONAL, line, f"{PERSONAL}.{kind}")
                return True
            if kind is None and (named := self._pastime_named(text)) is not None:
                self.say(PERSONAL, named, f"{PERSONAL}.pastime")  # "do you surf, Inês?"
                return True
            if p.personal_aside:
                self.say_one("personal_aside", p.personal_aside)
                return True
        if "how_are_you" in sig and p.how_are_you:
            self.say_one(
                "how_are_you",
                p.how_are_you if self.voice.fresh(p.how_are_you) else self._small_talk_lines(),
            )
            return True
        return False

    def _personal_more(self) -> bool:
        """ "tell me more" right after a line of the contact's own life: their other line
        of that kind, if not said yet (True if said)."""
        last = self._last_contact_line()
        if last is None or last.kind != PERSONAL or not last.ref.startswith(f"{PERSONAL}."):
            return False
        kind = last.ref.removeprefix(f"{PERSONAL}.")
        told = self.voice.fresh(self.persona.personal.get(kind, []))  # type: ignore[call-overload]
        if not told:
            return False
        self.say(PERSONAL, told[0], last.ref)
        return True

    def _heard_back(self, text: str) -> bool:
        """The user answers or reacts to a line of the contact's own life without asking
        anything ("Yes, a daughter, she's six.", "I grew up in Manila, actually."): the
        contact's word on it, fit for any answer, then the floor back (True if said)."""
        last = self._last_contact_line()
        if last is None or last.kind != PERSONAL or asks_something(text):
            return False
        kind = cast(PersonalKind, last.ref.removeprefix(f"{PERSONAL}."))
        lines = self.persona.personal.get(kind, [])
        heard = self.persona.personal_heard.get(kind, [])
        if last.text not in lines or len(heard) != len(lines):
            return False
        line = heard[lines.index(last.text)]
        if not self.voice.fresh([line]):
            return False
        self.say(HEARD, line, f"{HEARD}.{kind}")
        return True

    def _pastime_named(self, text: str) -> str | None:
        """The contact's fresh pastime line on the pastime ``text`` names, if they have one."""
        fresh = self.voice.fresh(self.persona.personal.get("pastime", []))
        for words in _PASTIMES:
            if words.search(text):
                return next((line for line in fresh if words.search(line)), None)
        return None

    def _last_contact_line(self) -> Turn | None:
        """The contact's last line before the user's message."""
        return next((t for t in reversed(self.session.turns[:-1]) if t.speaker == "contact"), None)

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
