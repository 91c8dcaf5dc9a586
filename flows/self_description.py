"""What one message says of the user: their name, their work (a title or a field), how
long, and the field they aim for; and whether it puts their work right.

Patterns are data in ``content/userfacts.yaml``, sectors in ``content/backgrounds.yaml``.
What the meeting keeps of all the messages is ``flows/userfacts.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from flows import yamltext

_CONTENT = Path(__file__).parent / "content"
_NUMBERS = {
    "a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30,
}  # fmt: skip
_WORDS = {v: k for k, v in _NUMBERS.items() if k != "a"}
_VAGUE = {"a couple of": "a couple of", "a few": "a few", "several": "several"}


@dataclass(frozen=True)
class Background:
    role: str
    """A job title ("pharmacy tech") or, when ``is_field``, a field ("retail")."""
    is_field: bool
    years: str
    """How long, as said in words ("eight", "a few"), or ""."""
    sector: str
    """The ``backgrounds.yaml`` sector it belongs to, or ""."""

    @property
    def a_role(self) -> str:
        """As the contact would say it, always a background (persona lines are written for
        these shapes): "eight years as a pharmacy tech", "your time as a retail supervisor",
        "twelve years in logistics", "a background in retail", "time at home with your kids"."""
        span = f"{self.years} year{'' if self.years == 'one' else 's'}" if self.years else ""
        if self.sector == "parenting":  # "Coming from fifteen years raising your kids"
            return f"{span} at home raising your kids" if span else "time at home with your kids"
        if self.is_field:
            return f"{span} in {self.role}" if span else f"a background in {self.role}"
        article = _article(self.role)
        return f"{span} as {article} {self.role}" if span else f"your time as {article} {self.role}"


_AN_SOUNDS = re.compile(
    r"^(?:[aeio]|u(?!ni|s[eu]|r[aeiou]|til|k\b|x)|hour|honest|heir"
    r"|mba|mri|rn\b|rpn|hr\b|lpn|ma\b|msc|emt)"
)


def _article(role: str) -> str:
    """ "a" or "an", by the sound: an union rep no more ("a union rep", "an HR officer",
    "a user researcher", "an hourly worker")."""
    return "an" if _AN_SOUNDS.match(role.lower()) else "a"


@dataclass(frozen=True)
class _Patterns:
    names: dict[str, re.Pattern[str]]
    name_cue: re.Pattern[str]
    roles: tuple[re.Pattern[str], ...]
    targets: tuple[re.Pattern[str], ...]
    target_cue: re.Pattern[str]
    not_targets: frozenset[str]
    self_before: re.Pattern[str]
    not_self: re.Pattern[str]
    said_as_own: re.Pattern[str]
    modifier_stop: frozenset[str]
    years: re.Pattern[str]
    not_work_years: re.Pattern[str]
    verbs: dict[str, str]
    role_words: frozenset[str]
    sectors: dict[str, tuple[str, ...]]
    not_names: frozenset[str]
    institutions: frozenset[str]
    about_me: re.Pattern[str]
    abroad: re.Pattern[str]
    corrects: re.Pattern[str]


def _expand(regex: str, define: dict[str, str]) -> str:
    return re.sub(r"\{([A-Z]+)\}", lambda m: define[m.group(1)], regex)


@cache
def _patterns() -> _Patterns:
    raw: dict[str, Any] = yamltext.load((_CONTENT / "userfacts.yaml").read_text("utf-8"))
    sectors: dict[str, list[str]] = yamltext.load(
        (_CONTENT / "backgrounds.yaml").read_text("utf-8")
    )["sectors"]
    define = {str(k): str(v) for k, v in raw["define"].items()}

    def compiled(key: str) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(_expand(r, define)) for r in raw[key])

    return _Patterns(
        names={str(k): re.compile(_expand(v, define)) for k, v in raw["names"].items()},
        name_cue=re.compile(str(raw["name_cue"])),
        roles=compiled("roles"),
        targets=compiled("targets"),
        target_cue=re.compile(str(raw["target_cue"])),
        not_targets=frozenset(str(t) for t in raw["not_targets"]),
        self_before=re.compile(str(raw["self_before"])),
        not_self=re.compile(str(raw["not_self"])),
        said_as_own=re.compile(str(raw["said_as_own"])),
        modifier_stop=frozenset(str(w) for w in raw["modifier_stop"]),
        years=re.compile(rf"\b{define['YEARS']}\b(?! old| ago)"),
        not_work_years=re.compile(str(raw["not_work_years"])),
        verbs={str(k): str(v) for k, v in raw["verbs"].items()},
        role_words=frozenset(raw["role_words"]),
        sectors={s: tuple(str(w) for w in words) for s, words in sectors.items()},
        not_names=frozenset(raw["not_names"]),
        about_me=re.compile(str(raw["about_me"])),
        abroad=re.compile(str(raw["abroad"])),
        corrects=re.compile(str(raw["corrects"])),
        institutions=frozenset(raw["institutions"]),
    )


def sector_of(text: str) -> str:
    """The sector whose words occur in ``text`` ("" if none)."""
    padded = f" {text.lower()} "
    for sector, words in _patterns().sectors.items():
        if any(f" {w} " in padded or f" {w}s " in padded for w in words):
            return sector
    return ""


def sectors_in(text: str) -> frozenset[str]:
    """Every sector whose words occur in ``text`` ("an Army medic, then a hospital finance
    analyst": military, healthcare and finance)."""
    padded = f" {text.lower()} "
    return frozenset(
        sector
        for sector, words in _patterns().sectors.items()
        if any(f" {w} " in padded or f" {w}s " in padded for w in words)
    )


def _years(said: str | None) -> str:
    if not said:
        return ""
    said = said.strip()
    if said in _VAGUE:
        return _VAGUE[said]
    if said.isdigit():
        return _WORDS.get(int(said), said)
    return said.replace("-", " ")


def _singular(words: str) -> str:
    """ "bank branches" -> "bank branch" (what a manager of several is the manager of)."""
    head, _, last = words.rpartition(" ")
    if last.endswith(("ches", "shes", "sses", "xes")):
        last = last[:-2]
    elif last.endswith("ies") and len(last) > 4:
        last = last[:-3] + "y"
    elif last.endswith("s") and not last.endswith(("ss", "us", "is")):
        last = last[:-1]
    return f"{head} {last}".strip()


def _clean_role(role: str) -> str:
    words = role.split()
    while words and words[0] in {"my", "a", "an", "very", "really"}:
        words.pop(0)
    return " ".join(words)


def _name(text: str, original: str) -> str:
    """The user's first name, if the message gives it. An explicit "my name is" or "Kev
    here" is believed; "I'm X" only when X is typed as a name (capitalised, not a word that
    follows "I'm" in other senses, not a nationality) or, lowercase, ends the clause ("hey im
    jake btw", not "im tired of retail")."""
    p = _patterns()
    for kind, pattern in p.names.items():
        for m in pattern.finditer(text):
            start, end = m.span("name")
            typed, lowered = original[start:end], text[start:end]
            if lowered in p.not_names or lowered in p.role_words or lowered.startswith("ex-"):
                continue
            if text[end:].startswith("'s"):
                continue  # "I'm Mark's friend"
            capital = typed[:1].isupper()
            word = lowered in _english_words()
            if kind == "explicit":  # "my name is ..."
                ok = True
            elif kind == "im":  # "I'm ..."
                ok = capital or bool(p.name_cue.match(text[end:]))
            elif kind == "here":  # "Kev here"; not "Got here early", "yo im here"
                opens = start == 0 or text[:start].rstrip().endswith((".", "!", "?"))
                ok = not word or (capital and not opens)
            else:  # "Wei. Here for 4pm.": a name-like first word, as typed
                ok = capital and not word
            if ok:
                return typed[:1].upper() + typed[1:]
    return ""


@cache
def _english_words() -> frozenset[str]:
    from flows.understanding.normalise import lexicon

    return lexicon().english_words


_YEAR_OF_STUDY = re.compile(
    r"\b(?:final|first|second|third|fourth|fifth|last|1st|2nd|3rd|4th|5th)[- ]year "
    r"(?=(?:[a-z]+ ){0,2}(?:student|undergrad|undergraduate)s?\b)"
)
"""The year of study before a student's title ("final year CS student", "3rd year nursing
student"): said back as the title alone ("your time as a CS student")."""


@lru_cache(maxsize=1024)
def _read(text: str, original: str) -> tuple[str, Background | None, str]:
    p = _patterns()
    text = _YEAR_OF_STUDY.sub("", text)
    name = _name(text, original)
    background = None
    for pattern in p.roles:
        m = pattern.search(text)
        if not m:
            continue
        groups = m.groupdict()
        role = p.verbs.get(groups.get("verb") or "", "") or _clean_role(groups.get("role") or "")
        if groups.get("business"):  # "I ran a family print shop for 15 years"
            role = f"{_clean_role(groups['business'])} owner"
        if groups.get("managed"):  # "I've managed a Caribou Coffee for six years"
            role = f"{_singular(_clean_role(groups['managed']))} manager"
        if not role:
            continue
        sector = sector_of(role)
        last = role.split()[-1]
        if role.startswith("the ") and last in p.role_words:
            role = role[4:]
        titles = [i for i, w in enumerate(role.split()) if w in p.role_words]
        if titles and titles[-1] < len(role.split()) - 1:  # "paramedic um", "engineer from x"
            role = " ".join(role.split()[: titles[-1] + 1])
            last = role.split()[-1]
            if role.startswith("the ") and last in p.role_words:  # "in the Marine Corps"
                role = role[4:]
        is_title = last in p.role_words or last.rstrip("s") in p.role_words
        if role.removeprefix("the ") in p.institutions:  # "in the marines": a field
            role, is_title = role.removeprefix("the "), False
        if not is_title and not sector:
            continue
        said_with_a = (groups.get("role") or "").split()[:1] in (["a"], ["an"])
        if not is_title and (groups.get("article") or said_with_a):
            role = f"a {role}"  # "I work at a call centre": "a background in a call centre"
        if not is_title and role in p.institutions:
            role = f"the {role}"  # "ex-army": "a background in the army"
        background = Background(
            role=role,
            is_field=not is_title,
            years=_years(groups.get("years")),
            sector=sector,
        )
        break
    if background is None or background.is_field:
        background = _scanned_role(text) or background
    if background is not None and not background.years:
        background = replace(background, years=_years_said(text))
    if background is not None:
        background = replace(background, role=_as_typed(background.role, original))
    return name, background, _target(text)


def _as_typed(role: str, original: str) -> str:
    """``role`` with the user's own capitals where they chose them ("the Australian Army",
    "a REME vehicle mechanic"), not where a sentence merely began ("Nurse for 8 years")."""
    words = []
    for word in role.split():
        typed = word
        for m in re.finditer(rf"(?<![\w-]){re.escape(word)}(?![\w-])", original, re.I):
            before = original[: m.start()].rstrip()
            opens = not before or before.endswith((".", "!", "?", ":", "\n"))
            acronym = len(word) > 1 and m.group(0).isupper()  # "HR generalist. not manager."
            if m.group(0) != word and (acronym or not opens):
                typed = m.group(0)
                break
        words.append(typed)
    return " ".join(words)


def _target(text: str) -> str:
    """The field or role the user says they want to move into: the last one said in a
    sentence that says they want it."""
    p = _patterns()
    found: tuple[int, str] | None = None
    for pattern in p.targets:
        for m in pattern.finditer(text):
            target = m.group("target")
            sentence = max(text.rfind(c, 0, m.start()) for c in ".!?") + 1
            lead = text[sentence : m.end("target")]
            if target in p.not_targets or not p.target_cue.search(lead):
                continue
            if found is None or m.start() >= found[0]:
                found = (m.start(), target)
    return found[1] if found else ""


_NOT_WORK_AFTER = re.compile(
    r"\s*(?:in (?:prison|jail|custody|the hospital|hospital|rehab)|inside|behind bars|"
    r"(?:at|in) (?:home|school|university|uni|college)|out of work|off|ago|old)\b"
)
"""Years said of something else than work, after the number: "four years in prison", "two
years ago", "24 years old"."""


def _years_said(text: str) -> str:
    """How long, when the message says one number of years that is not about something
    else ("been looking for 2 years", "lived here 6 years")."""
    p = _patterns()
    said = [
        m
        for m in p.years.finditer(text)
        if not p.not_work_years.search(text[: m.start()])
        and not _NOT_WORK_AFTER.match(text[m.end() :])
    ]
    return _years(said[0].group("years")) if len(said) == 1 else ""


def _scanned_role(text: str) -> Background | None:
    """A job title said about oneself in words no pattern lists: the latest title-word
    ("coordinator", "chef") in a clause that says it of the user ("I've been a purchasing
    coordinator at a hotel chain for six years", "Sous chef at a hotel in town"), with up to
    two words before it ("purchasing", "sous"); not one the user wants or someone else has
    ("I want to become a nurse", "my dad was an electrician", "I'm not a nurse")."""
    p = _patterns()
    found: tuple[int, str] | None = None
    for m in re.finditer(r"[a-z][a-z\-]*", text):
        word = m.group(0)
        if word not in p.role_words and word.rstrip("s") not in p.role_words:
            continue
        if text[m.end() : m.end() + 1].isalpha() or text[m.end() :].startswith("'"):
            continue
        before = text[: m.start()]
        words = before.split()
        mods: list[str] = []
        while words and len(mods) < 2 and words[-1] not in p.modifier_stop:
            if not re.fullmatch(r"[a-z][a-z\-]*", words[-1]):
                break
            mods.insert(0, words.pop())
        lead = " ".join(words) + " " if words else ""
        if (p.not_self.search(lead) and not p.said_as_own.search(lead)) or not p.self_before.search(
            lead
        ):
            continue
        found = (m.end(), " ".join([*mods, word.rstrip("s") if word not in p.role_words else word]))
    if found is None:
        return None
    end, role = found
    clause = re.split(r"[.!?;]", text[end:], maxsplit=1)[0]
    start = max(text.rfind(c, 0, end) for c in ".!?;") + 1
    years = p.years.search(text[start:end]) or p.years.search(clause)
    return Background(role, False, _years(years.group("years")) if years else "", sector_of(role))


def read_message(text: str) -> tuple[str, Background | None, str]:
    """The name, background and aim one message states (empty where it states none)."""
    original = _DECADES.sub(_in_years, text.replace("\u2019", "'"))
    # "a teacher's aide" is read as "a teacher aide", and said back as the user said it
    plain = _POSSESSIVE_TITLE.sub(" ", original)
    name, background, target = _read(plain.lower(), plain)
    if background is not None and plain != original:
        words = background.role.split()
        for i in range(1, len(words)):
            said = " ".join([*words[: i - 1], f"{words[i - 1]}'s", *words[i:]])
            if said.lower() in original.lower():
                background = replace(background, role=said)
                break
    return name, background, target


_POSSESSIVE_TITLE = re.compile(
    r"'s (?=(?:aide|assistant|helper|receptionist|secretary|apprentice)\b)", re.IGNORECASE
)
_DECADES = re.compile(r"\b(a|one|two|three) decades?\b", re.I)


def _in_years(m: re.Match[str]) -> str:
    """ "a decade in the army" is "ten years in the army" to the patterns."""
    tens = {"a": "ten", "one": "ten", "two": "twenty", "three": "thirty"}
    return f"{tens[m.group(1).lower()]} years"


def corrects(text: str) -> bool:
    """Whether a message puts something right ("sorry, I mean...", "X, not Y"): a role it
    states is then the user's, not an addition to what they said before."""
    return bool(_patterns().corrects.search(text.lower().replace("\u2019", "'")))


_CLAUSE = re.compile(r"[.;!?]+|,|\b(?:then|and then|but|before that|after that|now)\b", re.I)


def roles_in(text: str) -> tuple[Background, ...]:
    """Every role ``text`` states, clause by clause ("I was a nurse in Manila, then six years
    as a retail supervisor": both)."""
    found = (read_message(part)[1] for part in _CLAUSE.split(text) if part.strip())
    return tuple(b for b in found if b is not None)


def about_the_asker(text: str) -> bool:
    """Whether a question is about the asker's own case ("the hardest part for someone
    coming from retail?", "for someone like me")."""
    return bool(_patterns().about_me.search(text.lower()))


_ABOUT_SELF = re.compile(
    r"\b(?:i'?m an? |i am an? |i'?ve been an? |i was an? |i work|i worked|i'?ve worked|my job|"
    r"my background|years as|years in|i spent|i run |i ran |i own |i manage|i managed|i teach|"
    r"i taught|i'?ve taught|i drive|i drove|i'?ve driven|i study|i studied|i graduated|"
    r"i just finished|i mentor|i volunteer|i care for|i'?ve been (?:at home|out of work|working))",
    re.IGNORECASE,
)


def speaks_of_self(text: str) -> bool:
    """Talk about one's own work or situation that ``read_message`` may not place ("I've
    driven city buses for 11 years", "I slept rough, now I mentor at a hostel")."""
    return bool(_ABOUT_SELF.search(text))


def says_abroad(text: str) -> bool:
    """Whether ``text`` says the user trained or worked in another country ("I am nurse from
    Philippines, 8 years in surgical ward")."""
    return _patterns().abroad.search(text.lower()) is not None
