"""Small talk about the contact's own life: where they are from, their family, what they do
for fun. A personal question hears a line of theirs (``personal:`` in the persona), a
pastime they do not have hears a friendly no, and a question that asks on about a line just
said hears what comes next (``personal_more``); an answer back hears their word on it
(``personal_heard``)."""

from __future__ import annotations

import re
from typing import Final, cast, get_args

from flows import acts as A
from flows.persona import PersonalKind
from flows.session import Turn
from flows.step_output import StepOutput
from flows.thing_words import shares_a_word
from flows.understanding import asks_something, signal_rules, topics_ruled

PERSONAL: Final = "personal"
"""The kind of a contact's line about their own life (its ``ref``: ``personal.<kind>``)."""
HEARD: Final = "personal_heard"
"""The kind of the contact's word on the user's answer to one of those lines."""
NOT_MINE: Final = "pastime_not_mine"
"""The ref of a friendly no to a pastime the contact does not have."""
_NOT_THE_FIELD: Final = frozenset(
    {
        "and",
        "of",
        "the",
        "in",
        "at",
        "for",
        "senior",
        "head",
        "manager",
        "director",
        "owner",
        "partner",
    }
)
"""Words of a contact's title that say nothing of the field ("partner" is family too)."""
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
        (
            r"\b(?:husband|wife|spouse|partner|married)\b",
            r"\b(?:husband|wife|partner|married|fianc\w*)\b",
        ),
        (
            r"\b(?:parents|mother|father|mum|mom|dad|folks)\b",
            r"\b(?:parents|mother|father|mum|mom|mam|mamá|dad|papá|folks)\b",
        ),
    )
)
"""What a family question names, and the words of a line that speaks to it: "do you have
any pets?" hears about the greyhound before the partner."""


_SPORTS: Final = (
    r"run|runs|running|runner|marathons?|jog|jogging|parkrun|5k|10k",
    r"cycle|cycles|cycling|cyclist|bike|bikes|biking|ride|rides|riding|greenway|peloton",
    r"swim|swims|swimming|swimmer|bathing|lengths|wild swimming",
    r"surf|surfs|surfing|surfer|waves",
    r"paddle|paddles|paddling|dragon boat|row|rows|rowing|kayak\w*|sail|sails|sailing|canoe\w*",
    r"football|soccer|rugby|hockey|basketball|baseball|softball|hurling|gaa|cricket|netball|"
    r"volleyball|five a side|5 a side|pickup games?",
    r"gym|yoga|pilates|crossfit|weights|lifting|boxing|martial arts|karate|judo|jiu ?jitsu",
    r"hike|hikes|hiking|hiker|walking|hillwalking|climb|climbs|climbing|climber|bouldering|"
    r"ski|skis|skiing|skier|snowboard\w*|camping|trail|trails",
    r"golf|golfer|golfing|tennis|squash|badminton|padel|pickleball|table tennis|ping pong",
    r"fish|fishing|fly tying|flies|angling|angler",
)
"""Sports by their words; "do you play any sports?" hears a line on any of them."""
_PASTIMES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(rf"\b(?:{words})\b", re.I)
    for words in (
        *_SPORTS,
        r"garden|gardens|gardening|gardener|allotment|kolonihave|veg patch|vegetables|plants",
        r"cook|cooks|cooking|bake|bakes|baking|baker|brisket|barbecue|bbq|smoker|soup|"
        r"sourdough|recipes?|foodie",
        r"read|reads|reading|reader|books?|novels?|fiction|book club",
        r"sing|sings|singing|singer|choir|alto|soprano|tenor|karaoke",
        r"guitar|piano|drums|violin|cello|instruments?|band|tin whistle|fiddle|bass|ukulele|"
        r"saxophone|sax|trumpet|dj|djing",
        r"crosswords?|puzzles?|chess|sudoku|wordle|board games?|card games?|poker|bridge",
        r"gaming|gamer|video games?|playstation|xbox|nintendo|console|pc games?|"
        r"dungeons|d ?& ?d",
        r"paint|paints|painting|painter|sketch\w*|draw|draws|drawing|ceramics|pottery|"
        r"photography|photos|camera|cameras|film photography|calligraphy",
        r"knit|knits|knitting|crochet|sew|sewing|quilt\w*|embroidery|woodwork\w*|carpentry|"
        r"diy|restor\w*|tinker\w*|model (?:trains?|kits?|making)|lego",
        r"improv|theatre|theater|acting|dance|dances|dancing|salsa|tango|ballet",
        r"travel|travels|travelling|traveling|traveller|backpacking",
        r"birdwatching|birding|birds",
        r"cars?|classic cars?|motorbikes?|motorcycles?|truck|engines?",
    )
)
"""Pastimes by their words: "do you surf?" hears the contact's line on surfing, where they
have one; a pastime they do not have hears their ``pastime_not_mine``."""
_GENERAL: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = tuple(
    (re.compile(asked, re.I), re.compile(told, re.I))
    for asked, told in (
        (
            r"\b(?:sports?|sporty|athletic|active|exercise|work ?out|keep fit|fitness|outdoorsy|"
            r"outdoors|outdoor person)\b",
            "|".join(rf"\b(?:{words})\b" for words in _SPORTS),
        ),
        (
            r"\b(?:music|musical|musician|instruments?|play anything)\b",
            r"\b(?:sing\w*|choir|alto|soprano|tenor|guitar|piano|drums|violin|cello|band|"
            r"tin whistle|fiddle|tunes?|jigs?|music)\b",
        ),
        (
            r"\b(?:games?|gaming|gamer)\b",
            r"\b(?:games?|gaming|chess|crosswords?|puzzles?|cards|poker|board games?)\b",
        ),
    )
)
"""A kind of pastime named in general ("any sports?", "are you musical?"), and the words of
a line that is one."""


_ORIGIN: Final = re.compile(r"\b(?:originally|grow up|grew up|born|raised|home ?town)\b", re.I)
"""Where the contact is *from*: their first ``where_from`` line says where they grew up, the
second where they live now."""


def _fitting(lines: list[str], text: str, *, strictly: bool = False) -> list[str]:
    """Of ``lines`` (the contact's fresh ones, in file order), those that speak to what
    ``text`` names, if any do; else all (``strictly``: else none)."""
    if _ORIGIN.search(text):
        return lines[:1]
    for asked, told in _ABOUT:
        if asked.search(text):
            return [line for line in lines if told.search(line)] or ([] if strictly else lines)
    return lines


def personal_kind(text: str) -> PersonalKind | None:
    """Which of the contact's own small-talk answers ``text`` asks for, if any. Where they
    are from comes first: "Where is your family from originally?" asks about roots, not
    children, though it names the family."""
    for rule in sorted(signal_rules(text), key=lambda r: (".where_from" not in r, r)):
        label, _, name = rule.partition(".")
        if label != PERSONAL:
            continue
        for kind in _PERSONAL_KINDS:
            if name == kind or name.startswith(f"{kind}_"):
                return cast(PersonalKind, kind)
    return None


class OwnLife(StepOutput):
    """The contact's own life, told in small talk."""

    def _own_life(self, text: str) -> bool:
        """A personal question ("where are you from?", "do you ski?", "is that your dog?"):
        a line of the contact's own life, then the floor back, or the warm aside (True if
        said)."""
        p = self.persona
        kind = personal_kind(text)
        named = kind in (None, "pastime") and (
            _names_a_pastime(text) or bool(signal_rules(text) & _NAMING_A_PASTIME)
        )
        if named and self._named_pastime(text):
            return True
        told = self.voice.fresh(p.personal.get(kind, [])) if kind is not None and not named else []
        # "how old are your kids now?" takes them as given: a line on them, or the aside
        presumed = f"{PERSONAL}.family_asked_after" in signal_rules(text)
        if fitting := _fitting(told, text, strictly=presumed):
            line = self.voice.pick(PERSONAL, fitting)  # a line of their own life, the floor back
            self.say(PERSONAL, line, f"{PERSONAL}.{kind}")
            return True
        if p.personal_aside:
            self.say_one("personal_aside", p.personal_aside)
            return True
        return False

    def _named_pastime(self, text: str) -> bool:
        """ "do you surf, Inês?", "are you into gaming?", "any sports?": their line on it if
        they have one and have not said it, what comes next if they have, a friendly no if
        they have none (True if said)."""
        p = self.persona
        lines = p.personal.get("pastime", [])
        on_it = _on_the_pastime(text, lines)
        if on_it is None and signal_rules(text) & _NAMING_A_PASTIME:
            # "You play mahjong with the family?": a pastime no family of words knows, on
            # the contact's line if they name it
            on_it = [line for line in lines if shares_a_word(text, line)]
        if on_it is None:
            return False
        if not on_it:
            if fresh := self.voice.fresh(p.pastime_not_mine):
                self.say(PERSONAL, self.voice.pick(PERSONAL, fresh), f"{PERSONAL}.{NOT_MINE}")
                return True
            return False  # (asked a third time: the warm aside, not a line on another one)
        if fresh := self.voice.fresh(on_it):
            self.say(PERSONAL, fresh[0], f"{PERSONAL}.pastime")
            return True
        more = p.personal_more.get("pastime", [])
        for line in on_it:  # asked again after it was said: what comes next, once
            index = lines.index(line)
            if index < len(more) and self.voice.fresh([more[index]]):
                self.say(PERSONAL, more[index], f"{PERSONAL}.pastime+")
                return True
        return False

    def _asks_on_own_life(self, text: str, acts: set[str], sig: frozenset[str]) -> bool:
        """A question right after a line of the contact's own life that asks on about it
        ("where do you perform?", "how old are they now?", "tell me more"): what comes next
        (True if said). A question that names the work ("so what's a typical day like?"),
        another kind of small talk, or another pastime is answered as itself."""
        said = self._own_line_said()
        if said is None:
            return False
        if not (asks_something(text) or A.FOLLOW_UP in acts) or self._names_the_field(text):
            return False
        if "about_the_work" in sig:
            return False
        last = self._last_contact_line()
        # "Does your father still live in Pueblo?", right after Pueblo: about that line,
        # whatever else its words could be
        if not (last is not None and shares_a_word(text, last.text)):
            if topics_ruled(text):
                return False
            if "personal" in sig and (personal_kind(text) is not None or _names_a_pastime(text)):
                return False
        return self._carry_on(*said, asked=A.FOLLOW_UP not in acts)

    def _carry_on(self, kind: PersonalKind, index: int | None, told: bool, *, asked: bool) -> bool:
        """What comes after line ``index`` of ``kind`` (``told``: its continuation was what
        was said): the continuation; for "tell me more" after it, their other line of that
        kind; else that there is no more to it."""
        p = self.persona
        more = p.personal_more.get(kind, [])
        if index is not None and not told and index < len(more) and self.voice.fresh([more[index]]):
            self.say(PERSONAL, more[index], f"{PERSONAL}.{kind}+")
            return True
        if not asked and (fresh := self.voice.fresh(p.personal.get(kind, []))):
            self.say(PERSONAL, fresh[0], f"{PERSONAL}.{kind}")
            return True
        if p.nothing_more:
            self.say_one("nothing_more", p.nothing_more)
            return True
        return False

    def _own_line_said(self) -> tuple[PersonalKind, int | None, bool] | None:
        """The kind of the contact's last line if it was one of their own life, the index of
        its ``personal`` line (None after a friendly no) and whether it was the
        continuation."""
        last = self._last_contact_line()
        if last is None or last.kind != PERSONAL:
            return None
        name = last.ref.removeprefix(f"{PERSONAL}.").rstrip("+")
        if name == NOT_MINE:
            return "pastime", None, False
        if name not in _PERSONAL_KINDS:
            return None
        kind = cast(PersonalKind, name)
        lines, more = self.persona.personal.get(kind, []), self.persona.personal_more.get(kind, [])
        if last.text in lines:
            return kind, lines.index(last.text), False
        if last.text in more:
            return kind, more.index(last.text), True
        return None

    def _names_the_field(self, text: str) -> bool:
        """Whether ``text`` names the contact's field, role or industry."""
        words = set(re.findall(r"[a-z]{2,}", text.lower()))
        return bool(words & (self.persona.own_field_words - _NOT_THE_FIELD))

    def _heard_back(self, text: str) -> bool:
        """The user answers or reacts to a line of the contact's own life without asking
        anything ("Yes, a daughter, she's six.", "I grew up in Manila, actually."): the
        contact's word on it, fit for any answer, then the floor back (True if said)."""
        said = self._own_line_said()
        if said is None or asks_something(text):
            return False
        kind, index, _ = said
        if index is None:
            return False
        heard = self.persona.personal_heard.get(kind, [])
        if index >= len(heard) or not self.voice.fresh([heard[index]]):
            return False
        self.say(HEARD, heard[index], f"{HEARD}.{kind}")
        return True

    def _last_contact_line(self) -> Turn | None:
        """The contact's last line before the user's message."""
        return next((t for t in reversed(self.session.turns[:-1]) if t.speaker == "contact"), None)


_NAMING_A_PASTIME: Final = frozenset({f"{PERSONAL}.pastime_named"})
"""The ``personal`` rule that hears a pastime asked about by name (``a_pastime`` also hears
the roads and the coffee)."""


def _names_a_pastime(text: str) -> bool:
    return _on_the_pastime(text, []) is not None


def _on_the_pastime(text: str, lines: list[str]) -> list[str] | None:
    """Of the contact's pastime ``lines``, those on the pastime ``text`` names (empty if they
    have none on it); None if it names none."""
    for words in _PASTIMES:
        if words.search(text):
            return [line for line in lines if words.search(line)]
    for asked, told in _GENERAL:
        if asked.search(text):
            return [line for line in lines if told.search(line)]
    return None
