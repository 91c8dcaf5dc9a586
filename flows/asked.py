"""What a question asks about, in the asker's words: its gist ("What's your favourite band?"
-> "my favourite band"), the words that tie it to one answer, and whether it is about the
contact's own field (the contact then defers it, rather than claiming not to know)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from flows.persona import Persona

_LEAD = re.compile(
    r"^(?:(?:so|and|also|ok|okay|well|oh|hmm|um|but|right|random question|quick question|"
    r"one more thing|out of curiosity|just curious|i was wondering|i wonder|can i ask|"
    r"may i ask|could i ask)[,:]?\s+)*",
    re.I,
)
_DOING = re.compile(r"^what (?P<be>are|were|r) (?:you|u) (?P<rest>[a-z]+ing\b.*)$", re.I)
"""A question about what the contact is doing, not about a thing: "what are you working on
right now" is said back as "what I'm working on right now" (not "me working on...")."""
_SHAPES = (
    re.compile(r"^what(?:'s| is| are| was| were) (?!(?:you|u|they|we|i) )(?P<np>.+)$", re.I),
    re.compile(
        r"^(?:what|how) do you (?:think|feel) (?:of|about) (?P<np>.+)$|"
        r"^(?:what's|what is) your (?:take|view|opinion|stance) on (?P<np2>.+)$",
        re.I,
    ),
    re.compile(
        r"^(?:tell me|can you tell me|could you tell me) (?:a bit |more )?about (?P<np>.+)$", re.I
    ),
    re.compile(r"^(?:do|did|have) you (?:have|own|like|play|watch|follow|know) (?P<np>.+)$", re.I),
    re.compile(r"^(?:what|how) about (?:in |for )?(?P<np>.+)$", re.I),
    re.compile(r"^(?:in|for) (?P<np>[A-Z]\S*(?: \S+){0,2})$"),  # "and in Houston?"
    re.compile(
        r"^(?:can|could|would) you (?:please )?(?:explain|describe) (?:to me )?"
        r"(?:what (?:is|are|'s) |how )?(?P<np>.+)$",
        re.I,
    ),
    re.compile(
        r"^(?:is|are) there (?:much |many |any |a lot of |lots of )?"
        r"(?P<np>(?!a |an |one |any|some|no)\S.*)$",
        re.I,
    ),
    re.compile(
        r"^how(?:'s| is| are| big is| common is| important is| much is) (?P<np>(?:the|your) .+)$",
        re.I,
    ),
    re.compile(r"^how (?:does|do) (?P<np>(?:the|your|a|an) .+) work$", re.I),
    re.compile(
        r"^have you (?:ever )?(?:read|seen|watched|tried|used|been to|heard of) (?P<np>.+)$", re.I
    ),
)
_CHAT = (
    (re.compile(r"\bwhats\b", re.I), "what's"),
    (re.compile(r"\bwats\b", re.I), "what's"),
    (re.compile(r"\bur\b", re.I), "your"),
    (re.compile(r"\bu\b", re.I), "you"),
    (re.compile(r"\br\b", re.I), "are"),
)
"""Chat spellings a question is repeated back without ("whats ur star sign")."""
_SUBJECT_NEXT = frozenset({
    "ever", "have", "had", "did", "do", "were", "was", "are", "can", "could", "would", "will",
    "should", "taught", "made", "learned", "learnt", "got", "get", "think", "thought", "like",
    "liked", "love", "loved", "worked", "work", "saw", "met", "found", "wrote", "built", "sold",
    "ran", "hired",
})  # fmt: skip
"""Words after "you" that make it the subject: "I" in the contact's mouth, not "me"."""
_FLIP = {"your": "my", "yours": "mine", "you": "me", "my": "your", "i": "you", "me": "you"}


_WORD = re.compile(r"[a-z][a-z']+")
_COMMON = frozenset(
    [
        "about",
        "after",
        "again",
        "also",
        "always",
        "am",
        "an",
        "and",
        "any",
        "anything",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "even",
        "ever",
        "for",
        "from",
        "get",
        "got",
        "had",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "just",
        "like",
        "ll",
        "me",
        "more",
        "most",
        "my",
        "need",
        "of",
        "on",
        "or",
        "other",
        "our",
        "out",
        "really",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "to",
        "too",
        "up",
        "us",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "job",
        "work",
        "field",
        "people",
        "person",
        "thing",
        "things",
        "lot",
        "much",
        "many",
        "one",
        "way",
        "day",
    ]
)


def distinctive(text: str) -> frozenset[str]:
    """The words of ``text`` that could tie a question to one answer ("master's", "weekends",
    and short names in capitals: "RPN", "MBA", "SQL")."""
    words = (w.strip("'").removesuffix("'s") for w in _WORD.findall(text.lower()))
    long = {_stem(w)[:6] for w in words if len(w) > 3 and w not in _COMMON}
    return frozenset(long | {a.lower() for a in _ACRONYM.findall(text) if a not in _NOT_ACRONYMS})


_ACRONYM: Final = re.compile(r"\b([A-Z]{2,3}|[A-Z][a-z][A-Z])s?\b")
"""A short name in capitals ("RPN", "RPNs", "MBA", "PhD"): as telling as any long word."""
_NOT_ACRONYMS: Final = frozenset({"OK", "OMG", "LOL", "BTW", "TBH", "IMO", "FYI", "THE", "AND"})


def _stem(word: str) -> str:
    """One ending off a long word, so that "starting", "starts" and "started" meet."""
    if len(word) > 5:
        if word.endswith("es") and not word.endswith(("ses", "xes", "zes", "ches", "shes")):
            return word[:-1]  # "phones" meets "phone", as "classes" meets "class"
        for ending in ("ing", "ed", "es", "s"):
            if word.endswith(ending):
                return word[: -len(ending)]
    return word


_TRAILING: Final = frozenset(
    {"actually", "really", "exactly", "anyway", "though", "honestly", "again"}
)
"""Words that end a question without being part of its thing ("how does X actually work")."""


def gist(text: str) -> str:
    """The thing a question asks about, as the contact would repeat it: "What's your
    favourite band?" -> "my favourite band"; "that one" when it has no simple shape."""
    first = re.split(r"[?\n]", text.strip(), maxsplit=1)[0]
    for spelling, word in _CHAT:
        first = spelling.sub(word, first)
    first = _LEAD.sub("", first.strip(" .!,")).strip()
    if (m := _DOING.match(first)) is not None:
        words = _said_back(m.group("rest"), cut=())
        if 1 <= len(words) <= 6:
            was = "I was" if m.group("be").lower() == "were" else "I'm"
            return " ".join(["what", was, *words])
    for shape in _SHAPES:
        m = shape.match(first)
        if not m:
            continue
        words = _said_back(next(v for v in m.groupdict().values() if v))
        if 1 <= len(words) <= 7:
            return " ".join(words)
    if (m := _HOW_TO.match(first)) is not None:
        # "how do i fix a merge conflict in git" -> "how to fix a merge conflict in git"
        words = _said_back(m.group("rest"), cut=())
        if 2 <= len(words) <= 7:
            return " ".join(["how to", *words])
    return "that one"


def _said_back(np: str, cut: tuple[str, ...] = ("like", "about")) -> list[str]:
    """The words of ``np`` as the contact says them back: without the tail that asks about
    it, "your" for "my", up to a word in ``cut``, without a trailing "actually"."""
    # "agency nurses, are they a problem" -> "agency nurses": the thing, not the tail that
    # asks about it
    said = _ASKED_TAIL.sub("", np).split()
    words = [
        # "the best lesson you ever taught" -> "the best lesson I ever taught"
        "I"
        if w.lower() == "you" and i + 1 < len(said) and said[i + 1].lower() in _SUBJECT_NEXT
        else _FLIP.get(w.lower(), w)
        for i, w in enumerate(said)
    ]
    lowered = [w.lower() for w in words]
    for stop in cut:
        if stop in lowered:
            words = words[: lowered.index(stop)]
            lowered = lowered[: len(words)]
    while lowered and lowered[-1] in _TRAILING:  # "a heat pump actually" -> "a heat pump"
        words, lowered = words[:-1], lowered[:-1]
    return words


_HOW_TO = re.compile(
    r"^how (?:do|can|should|would|could|does|did) (?:i|you|one|we|people|someone|anyone) "
    r"(?!(?:think|feel|like|find|mean|say|know|get into|get started|start|end up|become|"
    r"handle|deal|cope|manage|balance|stay|keep|spend)\b)(?P<rest>[a-z]+ .+)$",
    re.IGNORECASE,
)
"""A how-to question no shape above names: repeated as "how to ..." (the asker's verb)."""


_ASKED_TAIL = re.compile(
    r"\s*,\s*(?:and |so |but )?(?:is|are|r|was|were|do|does|did|can|could|will|would|should|"
    r"has|have|any|how|what|why)\b.*$",
    re.IGNORECASE,
)
"""The part of a question after its thing: ", is it realistic", ", r they a problem"."""


_OFF_FIELD = frozenset(
    distinctive(
        "weather rain snow sunny star sign zodiac horoscope football soccer basketball baseball "
        "cricket rugby sports team hobby hobbies weekend favourite favorite band song music "
        "film movie show series book novel food restaurant recipe coffee drink pets dog cat "
        "holiday vacation travel married wife husband partner kids children family birthday "
        "age politics election religion church car parking lottery match game night "
        "yesterday tonight dentist doctor's café cafe dogs name instruments piano guitar "
        "trouble finding directions lunch dinner breakfast gym"
    )
)
"""Words of a life outside work: a question about them is never the contact's field."""


def in_field(text: str, persona: Persona, *, whole_question: bool = False) -> bool:
    """Whether ``text`` is about the contact's own field: the words that could tie it to
    something are ones the contact's own answers use, and none is about a life outside work
    ("the character and fitness review" to a lawyer; not "your star sign").

    ``text`` is a gist by default: half its words known, one of them specific to some
    fields. A ``whole_question`` with no simple gist ("how many files does an analyst handle
    a week?" to a credit manager) has more words around the point, so it needs two known
    words and three in four of its words known, any of them."""
    words = distinctive(text)
    if not words or words & _OFF_FIELD:
        return False
    known = words & _vocabulary(persona)
    if whole_question and len(words) > 1:
        # (one word that could tie it, and it is the contact's: "do u do much
        # accessibility work?" to a UX designer is theirs, like a gist)
        return len(known) >= 2 and 4 * len(known) >= 3 * len(words)
    own = distinctive(persona.field)  # ("nurses" is every contact's word, and Priya's field)
    return 2 * len(known) >= len(words) and any(_spread(w) <= _SPECIFIC or w in own for w in known)


_SPECIFIC = 4
"""A word that this many contacts' answers use, or fewer, belongs to some fields, not to
everyone's small talk ("fitness", "brand"; not "night")."""


def _spread(word: str) -> int:
    return _spreads().get(word, 0)


@cache
def _spreads() -> dict[str, int]:
    from flows.persona import load_personas

    counts: dict[str, int] = {}
    for persona in load_personas().values():
        for word in _vocabulary(persona):
            counts[word] = counts.get(word, 0) + 1
    return counts


def _vocabulary(persona: Persona) -> frozenset[str]:
    return _words_of(persona.id, tuple(_texts(persona)))


@cache
def _words_of(_id: str, texts: tuple[str, ...]) -> frozenset[str]:
    return frozenset().union(*(distinctive(t) for t in texts))


def _texts(persona: Persona) -> Iterable[str]:
    yield from (persona.role, persona.field, persona.industry, persona.organisation)
    for answers in (
        *persona.topics.values(),
        *(getattr(persona.answers, name) for name in type(persona.answers).model_fields),
    ):
        for answer in answers:
            yield answer.say
            yield answer.more
    for tangent in persona.tangents:
        yield tangent.drift
        yield tangent.follow_up


_NON_WORD = re.compile(r"[^a-z0-9]+")


def plain_words(text: str) -> str:
    """Lower case, words only, padded with a space each side: words matched as typed (field
    terms: "RN" is not corrected to "right now", nor "SBAR" to "star")."""
    return f" {_NON_WORD.sub(' ', text.lower()).strip()} "
