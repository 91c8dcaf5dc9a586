"""Choosing what the contact answers: the asked topic's answer, the asked part of a classic
question, the continuation of the last answer, an honest "I can't speak to that", and never
the same answer twice in a meeting.

Every answer line carries a ``ref`` ("pay.1", "ask_start.0"; "pay.1+" for its
continuation) so the transcript itself says what has been told. Answers this user heard
from the same contact in earlier practices (``Session.heard``) are kept for last.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from flows import acts as A
from flows.asked import distinctive, gist, in_field, plain_words
from flows.asked_items import Item
from flows.contact import Voice
from flows.persona import Answer, FieldTerm, Persona, Specific
from flows.session import Session, Turn
from flows.specifics import SPEC
from flows.topics import (
    COMMON,
    TOLD_AS_STORIES,
    TOPICS,
    labels,
)
from flows.understanding import (
    signals,
)

MAX_ANSWERS = 2
"""A message that asks more than this gets two answers and an invitation to ask the rest."""
_MORE_KINDS = ("answer", "tangent", "follow_up_answer", "question_answer")


@dataclass(frozen=True)
class Said:
    kind: str
    text: str
    ref: str = ""


TERM: Final = "term"
"""The ``ref`` key of an explained field term (``term.3``; ``term.3+`` its continuation)."""


def named_terms(persona: Persona, text: str, *, defining: bool = False) -> list[int]:
    """The persona's field terms ``text`` names, in the order named; ``defining``: only
    those it asks the meaning of ("what is an RPN?", "RPN vs RN?", "what does SBAR mean?")."""
    plain = plain_words(text)
    found: list[tuple[int, int]] = []  # (where it is first named, which term)
    for i, term in enumerate(persona.field_terms):
        hits = [
            m.start()
            for variant in term.terms
            if plain_words(variant).strip()
            and (m := (_defining if defining else _naming)(variant).search(plain))
        ]
        if hits:
            found.append((min(hits), i))
    return [i for _, i in sorted(found)]


def compile_terms(persona: Persona) -> None:
    """Compile the patterns of the persona's field terms now (a first question about them
    would otherwise pay for it)."""
    for term in persona.field_terms:
        for variant in term.terms:
            if plain_words(variant).strip():
                _naming(variant)
                _defining(variant)


@lru_cache(maxsize=4096)
def _naming(variant: str) -> re.Pattern[str]:
    return re.compile(re.escape(plain_words(variant)))


@lru_cache(maxsize=4096)
def _defining(variant: str) -> re.Pattern[str]:
    term = re.escape(plain_words(variant).strip())
    return re.compile(
        rf" (?:what (?:is|are|s)|whats|what exactly is|explain|meaning of|difference between"
        rf"|vs|versus|heard of|tell me about) (?:(?:a|an|the|this|that) )?{term} "
        rf"| {term} (?:\w+ ){{0,3}}?(?:vs|versus|mean|means|stand for|stands for|exactly) "
        rf"| difference between (?:\w+ ){{0,4}}?(?:and|or) (?:(?:a|an|the) )?{term} "
        rf"|^ {term} $"
    )


def _ties(answer: Answer) -> frozenset[str]:
    """The words that tie a question to ``answer``: its own and those it is about."""
    return distinctive(" ".join([answer.say, *answer.about]))


class Answerer:
    """Picks the contact's lines for one event; reads what was told off the transcript."""

    def __init__(self, persona: Persona, session: Session, voice: Voice) -> None:
        self.persona = persona
        self.session = session
        self.voice = voice
        self.told = {t.ref for t in session.turns if t.speaker == "contact" and t.ref}

    def _choose(self, key: str, answers: Sequence[Answer], asked: str = "") -> int | None:
        fresh = [i for i in range(len(answers)) if f"{key}.{i}" not in self.told]
        words = distinctive(asked)
        if any(not a.about for a in answers):
            # Beside answers for the whole topic, one that names what it is about is a
            # specialist, kept for a question that names it: Welsh, for a teacher's answer
            # on coming from abroad, is not the answer to a follow-up about visas.
            fresh = [
                i
                for i in fresh
                if not answers[i].about or words & distinctive(" ".join(answers[i].about))
            ]
        if not fresh:
            return None
        unheard = [i for i in fresh if f"{key}.{i}" not in self.session.heard]
        pool = unheard or fresh
        # The answer that speaks to the asker's own words first ("do I need a master's?"
        # gets the answer about degrees, not the one about certificates).
        if words:
            overlap = {i: len(words & _ties(answers[i])) for i in pool}
            best = max(overlap.values())
            if best:
                pool = [i for i in pool if overlap[i] == best]
        return pool[self.voice.choose_index(f"answer:{key}", len(pool))]

    def _answer(
        self,
        key: str,
        answers: Sequence[Answer],
        label: str,
        asked: str = "",
        *,
        go_on: bool = True,
    ) -> Said:
        index = self._choose(key, answers, asked)
        if index is None:
            # Asked about again with every answer told: an answer's continuation not yet
            # told goes on with it ("Would it show up on the DBS?" after the record answer)
            for i, answer in enumerate(answers if go_on else ()):
                if (said := self._go_on(f"{key}.{i}", answer.more)) is not None:
                    return said
            # Asked again once every "that's all on X" was said: "that was the whole story".
            p = self.persona
            fresh = self.voice.fresh(p.topic_used_up, topic=label)
            lines = (
                fresh
                or self.voice.fresh(p.nothing_more)
                or self.voice.fresh(p.go_ahead)  # asked yet again: hand the floor back
                or p.topic_used_up
            )
            line = self.voice.pick("used_up", lines, topic=label)
            return Said("used_up", line, f"used>{key}")
        ref = f"{key}.{index}"
        self.told.add(ref)
        return Said("answer", answers[index].say, ref)

    def topic(self, topic: str, asked: str = "") -> Said:
        answers = self.persona.topics.get(topic, [])
        label = labels().get(topic, topic.replace("_", " "))
        return self._answer(topic, answers, label, asked, go_on=topic not in TOLD_AS_STORIES)

    def classic(self, act: str, asked: str = "") -> Said:
        answers = getattr(self.persona.answers, act)
        return self._answer(act, answers, _CLASSIC_LABELS.get(act, "that"), asked)

    def item(self, item: Item, text: str) -> Said:
        if item.kind == "topic":
            return self.topic(item.key, text)
        if item.kind == "classic":
            return self.classic(item.key, text)
        if item.kind == SPEC:
            said = self.single(SPEC, int(item.key))
            return said if said is not None else self._nothing_more()  # (told in full)
        if item.kind == TERM:  # a field term by name; else what the question was read as
            said = self.term(text)
            if said is not None:
                return said
            return self.topic(item.key, text) if item.key else self.unknown(text)
        return self.unknown(text)

    def unknown(self, text: str) -> Said:
        """A question no topic covers, named in the asker's words. About the contact's own
        field ("how does the character and fitness review work?"), an expert defers it
        honestly; about anything else (a star sign), they say it isn't theirs to answer."""
        offer = self.offer_topic()
        asked = gist(text)
        p = self.persona
        # ("and in Houston?" after the pay answer, with no answer for Houston: "I don't know
        # Houston", not "that deserves an unhurried hour")
        deferred = (
            bool(p.unknown_in_field)
            and "elliptical" not in signals(text)
            and (
                in_field(asked, p)
                if asked != "that one"
                else in_field(text, p, whole_question=True)
            )
        )
        line = self.voice.pick(
            "unknown_topic",
            p.unknown_in_field if deferred else p.unknown_topic,
            asked=asked,
            offer=labels()[offer],
        )
        return Said("unknown_topic", line, f"offer>{offer}")

    def offer_topic(self) -> str:
        told_keys = {ref.split(".")[0].removeprefix("offer>") for ref in self.told}
        fresh = [t for t in TOPICS if t not in told_keys and t in self.persona.topics]
        common = [t for t in fresh if t in COMMON] or fresh or list(TOPICS)
        return common[self.voice.choose_index("offer", len(common))]

    def more(self) -> Said:
        """The continuation of the contact's last answer, then what came next on their road
        in (``after``: "and then?" once it was told to its end), or an honest "that's it"."""
        if (ref := self._untold_more()) is not None:
            said = self._go_on(ref, self._continuation(ref))
            assert said is not None  # (_untold_more found it untold, with a continuation)
            return said
        if (said := self._road_on()) is not None:
            return said
        told = any(t.speaker == "contact" and t.kind in _MORE_KINDS for t in self.session.turns)
        if not told and self.voice.fresh(self.persona.go_ahead):
            # "Tell me more!" before the contact has told anything: there is no story to
            # end yet ("that story ends there" answered the greeting); the floor is theirs
            return Said("go_ahead", self.voice.pick("go_ahead", self.persona.go_ahead), "")
        return self._nothing_more()

    def _nothing_more(self) -> Said:
        return Said("nothing_more", self.voice.pick("nothing_more", self.persona.nothing_more))

    def reaction(self) -> Said | None:
        """The answer to a reaction ("were you ok?") right after a story the contact told:
        its continuation if untold, then its aftermath, then "that's all of it". None when
        the contact's last line was not part of a story."""
        last = self._last_answer()
        if last is None:
            return None
        key, _, index = last.ref.rstrip("+").partition(".")
        answers = self.persona.topics.get(key, [])
        if key not in TOLD_AS_STORIES or not index.isdigit() or int(index) >= len(answers):
            return None
        ref = f"{key}.{index}"
        if (said := self._go_on(ref, answers[int(index)].more)) is not None:
            return said
        after = answers[int(index)].after
        if after and f"{ref}++" not in self.told:
            self.told.add(f"{ref}++")
            return Said("follow_up_answer", after, f"{ref}++")
        return self._nothing_more()

    def carried(self, text: str, *, named: bool = False) -> Item | None:
        """What an elliptical follow-up ("and paralegals?" right after the pay answer) asks:
        the topic or classic question the contact just answered, asked of the case it names,
        when an answer not yet told speaks to that case (``named``: an answer about that
        case by name, as "what about an apprentice?" after the typical day names the
        apprentice's day). None otherwise: an answer to the same topic about something else
        would answer a question that was not asked."""
        last = self._last_answer()
        if last is None:
            return None
        key = last.ref.rstrip("+").partition(".")[0]
        if key in A.CLASSIC_QUESTIONS:
            item, answers = Item("classic", key), getattr(self.persona.answers, key)
        elif key in self.persona.topics:
            item, answers = Item("topic", key), self.persona.topics[key]
        else:
            return None
        words = distinctive(text)
        untold = (a for i, a in enumerate(answers) if f"{key}.{i}" not in self.told)
        if named:
            tied = any(a.about and words & distinctive(" ".join(a.about)) for a in untold)
        else:
            tied = any(words & _ties(a) for a in untold)
        return item if tied else None

    def _road_on(self) -> Said | None:
        """What came next on the contact's road in, when the last thing they said was the
        continuation of that answer ("ask_start.1+") and it has not been told."""
        road = self._road_in()
        if road is None or not road[1].endswith("+"):
            return None
        i, _ = road
        ref = f"{A.ASK_START}.{i}++"
        after = self.persona.answers.ask_start[i].after
        if not after or ref in self.told:
            return None
        self.told.add(ref)
        return Said("follow_up_answer", after, ref)

    def on_the_road_in(self) -> bool:
        """The contact's last answer was their road in, and more of it is still untold (its
        continuation, or what came next)."""
        road = self._road_in()
        if road is None:
            return False
        answer, ref = self.persona.answers.ask_start[road[0]], f"{A.ASK_START}.{road[0]}"
        return (bool(answer.more) and f"{ref}+" not in self.told) or (
            bool(answer.after) and f"{ref}++" not in self.told
        )

    def _road_in(self) -> tuple[int, str] | None:
        """Which road-in answer the contact's last line was, and how far into it ("", "+"
        for its continuation, "++" for what came next); None if it was not one."""
        last = self._last_answer()
        key, _, index = (last.ref if last is not None else "").partition(".")
        number, told = index.rstrip("+"), index[len(index.rstrip("+")) :]
        if key != A.ASK_START or not number.isdigit():
            return None
        if int(number) >= len(self.persona.answers.ask_start):
            return None
        return int(number), told

    def _last_answer(self) -> Turn | None:
        """The contact's last line, if it was an answer that can be asked on about (an
        answer, a tangent, a continuation), with its ``ref``."""
        last = next((t for t in reversed(self.session.turns) if t.speaker == "contact"), None)
        if last is None or last.kind not in _MORE_KINDS or not last.ref:
            return None
        return last

    def has_more(self) -> bool:
        """The contact's last answer goes on, and has not yet been continued."""
        return self._untold_more() is not None

    def _untold_more(self) -> str | None:
        for turn in reversed(self.session.turns):
            if turn.speaker != "contact":
                continue
            goes_on = turn.kind in _MORE_KINDS and turn.ref and not turn.ref.endswith("+")
            if goes_on and self._continuation(turn.ref) and f"{turn.ref}+" not in self.told:
                return turn.ref
            return None
        return None

    def _continuation(self, ref: str) -> str:
        key, _, index = ref.partition(".")
        if not index.isdigit():
            return ""
        i = int(index)
        if key in (TERM, SPEC):
            singles = self._singles(key)
            return singles[i].more if i < len(singles) else ""
        answers: Sequence[Answer] = (
            getattr(self.persona.answers, key, [])
            if key in A.CLASSIC_QUESTIONS
            else self.persona.topics.get(key, [])
        )
        return answers[i].more if i < len(answers) else ""

    def _singles(self, key: str) -> Sequence[FieldTerm] | Sequence[Specific]:
        """The contact's one-answer items of a kind, as listed: field terms or specifics."""
        return self.persona.field_terms if key == TERM else self.persona.specifics

    def can_tell(self, key: str, i: int) -> bool:
        """The field term or specific ``i`` has its answer or continuation still untold."""
        ref = f"{key}.{i}"
        return ref not in self.told or bool(self._continuation(ref) and f"{ref}+" not in self.told)

    def single(self, key: str, i: int) -> Said | None:
        """The answer of field term or specific ``i``, or its continuation once that was told."""
        ref = f"{key}.{i}"
        if ref not in self.told:
            self.told.add(ref)
            return Said("answer", self._singles(key)[i].say, ref)
        return self._go_on(ref, self._continuation(ref))

    def term(self, text: str) -> Said | None:
        """A concept of the contact's field the question names ("what are the five Cs?"):
        its explanation, or its continuation when that was said; None if it names none, or
        all it names was told."""
        named = named_terms(self.persona, text)
        for i in named:  # one not yet explained first ("is LTV the same as DSCR?")
            if f"{TERM}.{i}" not in self.told:
                return self.single(TERM, i)
        for i in named:
            if (said := self.single(TERM, i)) is not None:
                return said
        return None

    def _go_on(self, ref: str, more: str) -> Said | None:
        """The continuation ``more`` of the answer ``ref``, if it has one not yet told."""
        if not more or f"{ref}+" in self.told:
            return None
        self.told.add(f"{ref}+")
        return Said("follow_up_answer", more, f"{ref}+")

    def continued(self, ref: str) -> Said | None:
        """The continuation of the answer ``ref`` told a moment ago, if it has one untold."""
        return self._go_on(ref, self._continuation(ref))

    def rest(self) -> Said:
        return Said("rest_of_question", self.voice.pick("rest", self.persona.rest_of_question))


_CLASSIC_LABELS = {
    A.ASK_START: "how I got started",
    A.ASK_LIKES: "what I like and don't",
    A.ASK_QUALIFICATIONS: "what it takes",
    A.ASK_FIT: "how your background fits",
    A.ASK_RESUME: "your résumé",
}
