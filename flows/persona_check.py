"""What ``rapport personas check`` enforces beyond the schema: every topic answered,
continuations present, placeholders that resolve, phone-sized lines, no line shared between
contacts and no referral name that collides with another person."""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import get_args

from flows.about_referrals import FIELDS
from flows.asked import plain_words
from flows.contact import SALUTATION_ANYWHERE, with_hello
from flows.feedback_lines import feedback_keys
from flows.persona import PERSONA_DIR, Answer, Persona, PersonalKind, Problem, load_all
from flows.specifics import MIN_WORDS as MIN_KEY_WORDS
from flows.specifics import key_words
from flows.topics import COMMON, TOLD_AS_STORIES, TOPICS

MAX_WORDS = 80
"""A reply longer than this reads like a monologue on a phone."""

_PLACEHOLDERS: Mapping[str, frozenset[str]] = {
    "greeting": frozenset({"minutes"}),
    "greeting_with_questions": frozenset({"minutes", "question"}),
    "small_talk": frozenset({"minutes"}),
    "small_talk_later": frozenset({"minutes"}),
    "stay_invitation": frozenset({"minutes"}),
    "unknown_topic": frozenset({"asked", "offer"}),
    "unknown_in_field": frozenset({"asked", "offer"}),
    "rephrase": frozenset({"point"}),
    "topic_used_up": frozenset({"topic"}),
    "name_hello": frozenset({"user_name"}),
    "background_ack": frozenset({"a_role"}),
    "background_corrected": frozenset({"a_role"}),
    "fit_personal": frozenset({"a_role"}),
    "resume_personal": frozenset({"a_role"}),
    "recall": frozenset({"a_role"}),
    "referral_for_you": frozenset({"a_role", "name"}),
    "referral_asked_for": frozenset({"name"}),
}
"""Fields whose lines may use placeholders, and which."""
_REQUIRED: Mapping[str, frozenset[str]] = {
    "unknown_topic": frozenset({"asked", "offer"}),
    "unknown_in_field": frozenset({"asked", "offer"}),
    "rephrase": frozenset({"point"}),
    "topic_used_up": frozenset({"topic"}),
    "name_hello": frozenset({"user_name"}),
    "background_ack": frozenset({"a_role"}),
    "background_corrected": frozenset({"a_role"}),
    "fit_personal": frozenset({"a_role"}),
    "resume_personal": frozenset({"a_role"}),
    "recall": frozenset({"a_role"}),
    "referral_for_you": frozenset({"name"}),
    "referral_asked_for": frozenset({"name"}),
}
_NEW_LINES = (
    "unknown_topic", "unknown_in_field", "topic_used_up", "nothing_more", "rest_of_question",
    "name_hello", "background_ack", "fit_personal", "resume_personal", "referral_for_you",
    "time_noted", "time_noted_midway", "go_ahead", "before_you_go", "time_check_self",
    "rephrase", "intro_ack", "recall", "recall_nothing", "how_are_you", "keep_in_touch",
    "personal_aside", "pay_reaction", "pastime_not_mine", "offer_accepted",
    "background_corrected", "referral_asked_for", "reach_them", "ask_away", "resume_gap",
)  # fmt: skip
_SPOKEN = (
    "greeting", "greeting_with_questions", "follow_ups", "fallbacks", "small_talk",
    "small_talk_later",
    "share_thanks", "job_deflection", "wrap_up", "stay_invitation", "stay_accepted",
    "stay_declined", "feedback_intro", "strengths_intro", "referral_intro", "undecided",
    "check_back_ok", "check_back_reply", "golden_rule_ack", "farewell",
)  # fmt: skip
MAX_PERSONAL_WORDS = 40
"""A word of small talk about the contact's own life, not a story."""
MIN_FIELD_TERMS = 8
"""Concepts of their field each contact can explain by name (the five Cs, RPN versus RN)."""
MIN_SPECIFICS = 10
"""Details of their own work each contact is ready to give (calls a day, the take-home test)."""
PHRASE_WORDS = 6
"""Two contacts sharing a run of this many words share a stock phrase: one of them rewrites it."""
_TEXT_FIELDS = ("field", "summary", "location")
_LENGTH_MINUTES = re.compile(
    r"\b(?:ten|fifteen|twenty|thirty|forty[- ]five|half an hour|\d+)[- ]minutes?\b", re.I
)
_LENGTH_FIELDS = ("greeting", "greeting_with_questions", "small_talk", "small_talk_later")
_LATER = re.compile(
    r"\b(?:next|another|where were we|back to|carry on|as I was saying|holding back|for last)\b",
    re.I,
)
"""Words of small talk that takes up a conversation already going ("Next question?", "Where
were we?"): such a line belongs in ``small_talk_later``, not said before the first question."""
_HOUR = re.compile(
    r"\bgood (?:morning|afternoon|evening)\b|\b(?:this|the|my|your) (?:afternoon|evening)\b|"
    r"\btonight\b|\bhalf[- ]past[- ]\w+\b|\b(?:o'clock|lunchtime)\b",
    re.I,
)
"""The meeting's hour is the user's (a practice runs at any time): the contact's lines about
the meeting never assume one ("good use of the afternoon" at a 10 o'clock)."""


def _placeholders(line: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(line) if name}


def _words(text: str) -> int:
    return len(text.split())


def _answers(persona: Persona) -> Iterator[tuple[str, Answer]]:
    for act in ("ask_start", "ask_likes", "ask_qualifications", "ask_fit", "ask_resume"):
        for i, answer in enumerate(getattr(persona.answers, act)):
            yield f"answers.{act}[{i}]", answer
    for topic, answers in persona.topics.items():
        for i, answer in enumerate(answers):
            yield f"topics.{topic}[{i}]", answer
    for i, term in enumerate(persona.field_terms):
        yield f"field_terms[{i}]", Answer(say=term.say, more=term.more)
    for i, spec in enumerate(persona.specifics):
        yield f"specifics[{i}]", Answer(say=spec.say, more=spec.more)


_FEEDBACK_ROLE = frozenset({"background_told", "background_no_fit"})
"""The feedback lines that name the user's work (``{a_role}``)."""
MAX_FEEDBACK_WORDS = 30
_LONG_FEEDBACK = frozenset({"stretch", "again"})
"""Feedback lines that may run to 40 words: a suggestion, or standing by what was said."""


def _feedback_problems(persona: Persona, file: str) -> Iterator[Problem]:
    """Every feedback line in the contact's words: each key once, the user's work named
    where the generic line names it, short enough to join with the others."""
    keys = feedback_keys()
    lines = persona.feedback_lines
    for key in sorted(set(keys) - set(lines)):
        yield Problem(file, f"feedback_lines.{key}", "missing")
    for key in sorted(set(lines) - set(keys)):
        yield Problem(file, f"feedback_lines.{key}", f"not a feedback key ({', '.join(keys)})")
    for key, line in lines.items():
        if ("{a_role}" in line) != (key in _FEEDBACK_ROLE):
            need = "must name {a_role}" if key in _FEEDBACK_ROLE else "must not name {a_role}"
            yield Problem(file, f"feedback_lines.{key}", need)
        limit = 40 if key in _LONG_FEEDBACK else MAX_FEEDBACK_WORDS
        if _words(line) > limit:
            yield Problem(file, f"feedback_lines.{key}", f"longer than {limit} words")


def _specifics_problems(persona: Persona, file: str) -> Iterator[Problem]:
    if len(persona.specifics) < MIN_SPECIFICS:
        yield Problem(file, "specifics", f"needs at least {MIN_SPECIFICS} details")
    for i, spec in enumerate(persona.specifics):
        for k, key in enumerate(spec.keys):
            if key_words(key) < MIN_KEY_WORDS:
                yield Problem(
                    file,
                    f"specifics[{i}].keys[{k}]",
                    f"names fewer than {MIN_KEY_WORDS} words: it would take broad questions "
                    "from the topics (join two slots with ' + ')",
                )
    from flows.understanding import subjects  # (its rules load only for a check)

    answering: dict[str, int] = {}
    for i, spec in enumerate(persona.specifics):
        if not spec.subject:
            continue
        if spec.subject not in subjects.known():
            yield Problem(file, f"specifics[{i}].subject", f"unknown subject {spec.subject!r}")
        elif spec.subject in answering:
            yield Problem(
                file,
                f"specifics[{i}].subject",
                f"{spec.subject!r} is answered by specifics[{answering[spec.subject]}] already",
            )
        else:
            answering[spec.subject] = i
    for subject in sorted(subjects.known() - answering.keys()):
        yield Problem(file, "specifics", f"no detail answers the subject {subject!r}")


def problems_of(persona: Persona, file: str) -> Iterator[Problem]:
    """What one contact lacks or gets wrong (the schema itself is already valid)."""
    for name in _TEXT_FIELDS:
        if not getattr(persona, name).strip():
            yield Problem(file, name, "missing")
    for topic in TOPICS:
        have = len(persona.topics.get(topic, []))
        need = 2 if topic in COMMON else 1
        if have < need:
            yield Problem(file, f"topics.{topic}", f"needs {need} answer(s), has {have}")
    for topic in sorted(set(persona.topics) - set(TOPICS)):
        yield Problem(file, f"topics.{topic}", "not a topic (see flows/understanding/TOPICS.md)")
    for where, answer in _answers(persona):
        if not answer.more.strip():
            yield Problem(file, f"{where}.more", "each answer needs its continuation")
        story = where.startswith(tuple(f"topics.{t}[" for t in TOLD_AS_STORIES))
        road_in = where.startswith("answers.ask_start[")
        if story and not answer.after.strip():
            yield Problem(file, f"{where}.after", "a story needs how it ended for you")
        if road_in and not answer.after.strip():
            yield Problem(file, f"{where}.after", "the road in needs what came next")
        if answer.after and not (story or road_in):
            yield Problem(file, f"{where}.after", "only a story or the road in goes on after")
        for part in ("say", "more", "after"):
            if _words(getattr(answer, part)) > MAX_WORDS:
                yield Problem(file, f"{where}.{part}", f"longer than {MAX_WORDS} words")
    if len(persona.field_terms) < MIN_FIELD_TERMS:
        yield Problem(file, "field_terms", f"needs at least {MIN_FIELD_TERMS} concepts")
    for i, term in enumerate(persona.field_terms):
        if not any(plain_words(variant).strip() for variant in term.terms):
            yield Problem(file, f"field_terms[{i}].terms", "needs a word to be asked by")
    yield from _specifics_problems(persona, file)
    yield from _feedback_problems(persona, file)
    for name in _NEW_LINES:
        if len(getattr(persona, name)) < 2:
            yield Problem(file, name, "needs at least two variants")
    for kind in get_args(PersonalKind):
        if len(persona.personal.get(kind, [])) < 2:
            yield Problem(file, f"personal.{kind}", "needs at least two variants")
    for kind, lines in persona.personal.items():
        for field in ("personal_heard", "personal_more"):
            if len(getattr(persona, field).get(kind, [])) != len(lines):
                yield Problem(file, f"{field}.{kind}", f"needs one line per personal.{kind} line")
    for field in ("personal", "personal_heard", "personal_more"):
        for kind, lines in getattr(persona, field).items():
            for i, line in enumerate(lines):
                if _words(line) > MAX_PERSONAL_WORDS:
                    yield Problem(
                        file, f"{field}.{kind}[{i}]", f"longer than {MAX_PERSONAL_WORDS} words"
                    )
    for name, allowed in _PLACEHOLDERS.items():
        for i, line in enumerate(getattr(persona, name)):
            used = _placeholders(line)
            if unknown := used - allowed:
                yield Problem(file, f"{name}[{i}]", f"unknown placeholder(s) {sorted(unknown)}")
            if missing := _REQUIRED.get(name, frozenset()) - used:
                yield Problem(file, f"{name}[{i}]", f"must contain {sorted(missing)}")
    for name in _LENGTH_FIELDS:
        for i, line in enumerate(getattr(persona, name)):
            if _LENGTH_MINUTES.search(line):
                yield Problem(file, f"{name}[{i}]", "say {minutes}, not a fixed meeting length")
    for name in (*_SPOKEN, *_NEW_LINES):
        for i, line in enumerate(getattr(persona, name)):
            if _HOUR.search(line):
                yield Problem(file, f"{name}[{i}]", "assumes the hour of the meeting")
    for i, line in enumerate(persona.farewell):
        if _TOLD_YOU.search(line):
            yield Problem(file, f"farewell[{i}]", "recalls something it may never have said")
    for i, line in enumerate(persona.small_talk):
        if _LATER.search(line):
            yield Problem(file, f"small_talk[{i}]", "takes up a conversation: small_talk_later")
    yield from _greetings_after_hello(persona, file)
    for i, referral in enumerate(persona.referrals):
        if referral.name == persona.name:
            yield Problem(file, f"referrals[{i}].name", "is the contact's own name")
        first = referral.name.split()[0]
        for field in FIELDS:
            line = getattr(referral, field)
            if not line:
                yield Problem(file, f"referrals[{i}].{field}", "is missing (asked about them)")
            elif first not in line:
                yield Problem(file, f"referrals[{i}].{field}", f"must name {first} (said alone)")


_TOLD_YOU = re.compile(
    r"\b(?:what|everything) I (?:told|said to) you\b|\b(?:as|like) I (?:said|mentioned)\b", re.I
)
"""A farewell that recalls a line of the meeting ("remember what I told you: test before you
touch"), said to users who never heard it."""
_THANKS = re.compile(r"\bthanks?\b|\bthank you\b", re.I)


def _greetings_after_hello(persona: Persona, file: str) -> Iterator[Problem]:
    """A user who gave their name hears a hello by name and then the greeting
    (``contact.with_hello``): every pair must greet once and not say the same thing twice
    ("Hello, Tobias. Nice to finally meet you. Good to meet you.")."""
    for i, hello in enumerate(persona.name_hello):
        said = hello.replace("{user_name}", "Sam")
        for name in ("greeting", "greeting_with_questions"):
            for j, greeting in enumerate(getattr(persona, name)):
                rest = with_hello(said, greeting)[len(said) :]
                where = f"name_hello[{i}] + {name}[{j}]"
                if SALUTATION_ANYWHERE.search(said) and SALUTATION_ANYWHERE.search(rest):
                    yield Problem(file, where, "greets twice")
                elif _THANKS.search(said) and _THANKS.search(rest):
                    yield Problem(file, where, "thanks twice")
                elif shared := set(_phrases(said, 3)) & set(_phrases(rest, 3)):
                    yield Problem(file, where, f"says {min(shared)!r} twice")


def spoken_lines(persona: Persona) -> Iterator[tuple[str, str]]:
    """Every line the contact may say, with where it is in the persona file."""
    for where, answer in _answers(persona):
        yield where, answer.say
        if answer.more:
            yield f"{where}.more", answer.more
        if answer.after:
            yield f"{where}.after", answer.after
    for name in (*_SPOKEN, *_NEW_LINES):
        for i, line in enumerate(getattr(persona, name)):
            yield f"{name}[{i}]", line
    for field in ("personal", "personal_heard", "personal_more"):
        for kind, lines in getattr(persona, field).items():
            for i, line in enumerate(lines):
                yield f"{field}.{kind}[{i}]", line
    for key, line in persona.feedback_lines.items():
        yield f"feedback_lines.{key}", line
    for i, tangent in enumerate(persona.tangents):
        yield f"tangents[{i}].drift", tangent.drift
        yield f"tangents[{i}].follow_up", tangent.follow_up
    for i, referral in enumerate(persona.referrals):
        yield f"referrals[{i}].why", referral.why
        for field in FIELDS:
            if line := getattr(referral, field):
                yield f"referrals[{i}].{field}", line
    yield "scene", persona.scene


def _norm(line: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", line.lower()))


def _phrases(line: str, length: int = PHRASE_WORDS) -> Iterator[str]:
    """Every run of ``length`` words in ``line``."""
    words = re.findall(r"[a-z0-9']+|\{[a-z_]+\}", line.lower().replace("’", "'"))
    for i in range(len(words) - length + 1):
        yield " ".join(words[i : i + length])


def across(personas: Iterable[tuple[str, Persona]]) -> Iterator[Problem]:
    """Problems between contacts: a shared line or stock phrase, a referral named like
    someone else. The contact that comes later keeps none of what an earlier one says."""
    seen: dict[str, str] = {}
    phrases: dict[str, tuple[str, str]] = {}
    listed = list(personas)
    contacts = {p.name: file for file, p in listed}
    referred: dict[str, str] = {}
    for file, persona in listed:
        for where, line in spoken_lines(persona):
            key = _norm(line)
            if key in seen and seen[key] != file and len(key) >= 24:
                yield Problem(file, where, f"the same line is in {seen[key]}")
                continue
            seen.setdefault(key, file)
            for phrase in _phrases(line):
                owner, place = phrases.setdefault(phrase, (file, where))
                if owner != file:
                    yield Problem(file, where, f'shares "{phrase}" with {owner} {place}')
                    break
        for i, referral in enumerate(persona.referrals):
            other = contacts.get(referral.name)
            if other is not None and other != file:
                yield Problem(file, f"referrals[{i}].name", f"is a contact in {other}")
            first = referred.setdefault(referral.name, file)
            if first != file:
                yield Problem(file, f"referrals[{i}].name", f"also referred by {first}")


def check_personas(directory: Path = PERSONA_DIR) -> Iterator[Problem]:
    """Yield every problem in every persona file of ``directory``: the schema's, what each
    contact lacks (``persona_check``), and what collides between contacts."""
    personas, problems = load_all(directory)
    yield from problems
    files = [(f"{pid}.yaml", persona) for pid, persona in personas.items()]
    for file, persona in files:
        yield from problems_of(persona, file)
    yield from across(files)
