"""Things of the contact's own that the user asks about by name: a side story they hinted
at ("ok u have to tell me about the goat", "what happened with your nan and the bingo?",
"is there a story behind the adding-machine tape?") or a line of their own life ("the
drawing of the dog, is that from one of your children?"). Every contact answered these
with "I'd be making it up", then steered to pay or stress, though the story was theirs
to tell."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Final

from flows import acts as A
from flows.facts import facts_of
from flows.own_life import PERSONAL, OwnLife
from flows.persona import Persona, PersonalKind, Tangent
from flows.session import Turn
from flows.thing_words import thing_words
from flows.understanding import asks_something, topics_ruled

_RARE: Final = 2
"""A word ties a question to one of the contact's things when at most this many of their
blocks (answers, details, terms, side stories, lines of their life) use it: "goat" is in
Anh's side story and one answer; "research" is everywhere in Femi's."""
_MAY_ALSO_BE: Final = frozenset({"stories"})
"""Topics a question naming a side story may also read as ("now I must know this story")."""


@dataclass(frozen=True)
class _Things:
    tangents: tuple[frozenset[str], ...]
    personal: tuple[tuple[PersonalKind, int, frozenset[str]], ...]


_CACHE: dict[int, tuple[Persona, _Things]] = {}
"""Each persona's things, by the persona object (kept, so that its id is never reused)."""


def _things(persona: Persona) -> _Things:
    """The rare words of each of the contact's side stories and lines of their life."""
    cached = _CACHE.get(id(persona))
    if cached is not None and cached[0] is persona:
        return cached[1]
    blocks: list[frozenset[str]] = []
    for answers in (
        persona.answers.ask_start,
        persona.answers.ask_likes,
        persona.answers.ask_qualifications,
        persona.answers.ask_fit,
        persona.answers.ask_resume,
        *persona.topics.values(),
    ):
        blocks += [thing_words(f"{a.say} {a.more} {a.after}") for a in answers]
    blocks += [thing_words(f"{t.say} {t.more}") for t in persona.field_terms]
    blocks += [thing_words(f"{s.say} {s.more}") for s in persona.specifics]
    tangents = [thing_words(f"{t.drift} {t.follow_up}") for t in persona.tangents]
    personal = [
        (kind, i, thing_words(f"{line} {more[i] if i < len(more) else ''}"))
        for kind, lines in persona.personal.items()
        for i, line in enumerate(lines)
        for more in [persona.personal_more.get(kind, [])]
    ]
    uses = Counter(w for words in [*blocks, *tangents, *(w for *_, w in personal)] for w in words)
    rare = {w for w, n in uses.items() if n <= _RARE}
    things = _Things(
        tuple(words & rare for words in tangents),
        tuple((kind, i, words & rare) for kind, i, words in personal),
    )
    _CACHE[id(persona)] = (persona, things)
    return things


class NamedThings(OwnLife):
    """A side story or a line of the contact's life, told when the user names it."""

    def _tells_what_was_named(
        self, turn: Turn, acts: set[str], *, nothing_read: bool, a_story: bool = False
    ) -> bool:
        """A question no topic answers that names a side story of the contact's, or a line
        of their own life, by a word only it uses: that story or line (True if said). Named
        right after the contact drifted onto that story, it follows the story up.
        ``nothing_read``: no question was read at all ("ok u have to tell me about the goat",
        a follow-up). Either way, words of the contact's last line go on with that line.
        ``a_story``: the question was read as asking for a story of their work ("tell me
        about a time you failed"), so it takes two of the rare words of a side story, or one
        of a side story the contact has drifted onto ("Online bingo? What happened with your
        nan?"), to be that one."""
        text = turn.text
        if not (asks_something(text) or A.FOLLOW_UP in acts):
            return False
        if acts - {A.ASK_OTHER, A.FOLLOW_UP} or topics_ruled(text) - _MAY_ALSO_BE:
            return False
        p = self.persona
        named = thing_words(text)
        last = self._last_contact_line()
        if nothing_read and A.FOLLOW_UP not in acts:
            return False
        if last is not None and last is not facts_of(self.session).tangent:
            named -= thing_words(last.text)  # "wait, tell me more about the bus" goes on with it
        things = _things(p)
        # the thing that shares the most of the question's rare words ("the drawing of a
        # dog on your corkboard" is the family line, not the tape on the same corkboard)
        found: list[tuple[int, int, int, PersonalKind | None]] = [
            (len(named & w), 1, i, None) for i, w in enumerate(things.tangents)
        ] + [(len(named & w), 2, i, kind) for kind, i, w in things.personal]
        for shared, _, i, kind in sorted(found, key=lambda x: (-x[0], -x[1])):
            if not shared:
                break
            if kind is None:
                tangent = p.tangents[i]
                if (a_story and shared < 2 and not self._raised(tangent)) or not self.voice.fresh(
                    [tangent.follow_up]
                ):
                    continue
                f = facts_of(self.session)
                if f.tangent is not None and f.tangent is last:
                    turn.acts = (*turn.acts, A.FOLLOW_UP)  # following the story just raised
                self.say("follow_up_answer", tangent.follow_up, f"tangent.{i}+")
                return True
            if shared < 2:
                continue  # a line of their life takes two of its words ("kids" alone is work)
            more = p.personal_more.get(kind, [])
            for said, ref in (
                (p.personal[kind][i], f"{PERSONAL}.{kind}"),
                (more[i] if i < len(more) else "", f"{PERSONAL}.{kind}+"),
            ):
                if said and self.voice.fresh([said]):
                    self.say(PERSONAL, said, ref)
                    return True
        return False

    def _raised(self, tangent: Tangent) -> bool:
        """Whether the contact has drifted onto ``tangent`` in this meeting (its drift ends
        an answer)."""
        return any(t.speaker == "contact" and tangent.drift in t.text for t in self.session.turns)
