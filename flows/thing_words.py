"""The words that tie a question to one thing the contact said or has: "Bacalhau is the best
cat name I've heard. Is he friendly?" picks up the cat; "Did your dad drive the 192 for
long?" the bus. Shared by the small talk that asks on (``own_life.py``) and the side
stories a user names (``named_things.py``)."""

from __future__ import annotations

import re
from typing import Final

from flows.asked import distinctive

COMMON_WORDS: Final = frozenset(
    " ".join(
        (
            "about again also always another anything away back been before being best better",
            "both came come comes could does doing done down each even ever every first from",
            "going good great have here into just keep know last left like little long look",
            "looks made make many more most much must never next nice only other over pretty",
            "really right said same say says should since some something still such sure take",
            "tell than thank thanks that thats their them then there these they thing things",
            "think this those though time times very want well were what when where which",
            "while will with would year years your yours youre",
        )
    ).split()
)
"""Words too common to tie a question to the line just said."""
_SHORT: Final = re.compile(r"\b[a-z]{3}\b")
_TOKEN: Final = re.compile(r"[a-z]+(?:'[a-z]+)?")
_NUMBER: Final = re.compile(r"\b\d{2,}\b")
_NOT_A_THING: Final = frozenset(
    " ".join(
        (
            "the and you are for was how why who did has had any can its one two get got our out",
            "way day his her him she its not but all too yes now new old see say use own off lot",
            "bit let may man men put run set try ask big far few non per via etc yet ago end",
        )
    ).split()
)
"""Three-letter words that name no thing ("dog", "nan" and "gym" do)."""
_ASKING: Final = frozenset(
    " ".join(
        (
            "tell more story stories happened happen know hear heard curious behind about",
            "please must need love would could should share explain wait okay trouble",
            "really actually thing things part bit mean meant said saying mentioned",
        )
    ).split()
)
"""Words of the asking itself ("tell me more about that story"), not of a thing."""


def thing_words(text: str) -> frozenset[str]:
    """The words of ``text`` that can name a thing: its distinctive words (stemmed), short
    nouns ("dog", "nan", "son") and numbers ("192"), not the words of asking itself."""
    kept = " ".join(w for w in _TOKEN.findall(text.lower()) if w not in _ASKING | COMMON_WORDS)
    short = {w for w in _SHORT.findall(kept) if w not in _NOT_A_THING}
    return distinctive(kept) | short | set(_NUMBER.findall(text))


def shares_a_word(text: str, line: str) -> bool:
    """Whether ``text`` picks up a thing ``line`` names."""
    return bool(thing_words(text) & thing_words(line))
