"""Contacts (personas) as data: the YAML schema, loading and validation.

Each file in ``flows/personas/*.yaml`` describes one professional the user can
practise with. Content authors edit those files; this module turns them into
typed :class:`Persona` objects and reports every problem with file and field.
See ``flows/personas/README.md`` for the authoring guide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from flows import yamltext

PERSONA_DIR = Path(__file__).parent / "personas"

Lines = Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=2)]
"""At least two variants, so that repeated practice does not feel canned."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Referral(_Strict):
    name: str = Field(min_length=1)
    role: str = Field(min_length=1)
    why: str = Field(min_length=1)
    came_from: str = ""
    """The earlier career that makes them worth meeting for a career changer ("ran a
    warehouse night shift"), or empty."""
    sectors: list[str] = []
    """Backgrounds this person speaks to (``content/backgrounds.yaml`` sectors): a user
    from one of them hears about this person first."""
    known_from: str = ""
    """How the contact knows them, in the contact's words ("How do you know Imre?")."""
    their_work: str = ""
    """What their work is like now, concretely: where, with whom, on what ("Does Imre work
    with data much?", "Is he in Chicago?")."""
    ask_them: str = ""
    """What to ask them about, with a tip for meeting them ("What should I ask Casimir?")."""


class Answer(_Strict):
    """One answer: what is said, and how it goes on when the user asks to hear more."""

    say: str = Field(min_length=1)
    more: str = ""
    """The deeper continuation for "tell me more"; empty: that is the whole story."""
    after: str = ""
    """A story's aftermath, said when the user reacts to the whole story once told ("were
    you ok?", "did you get in trouble?", "how did your boss take it?"): how it ended for
    the contact; for the road in (``ask_start``), what came next, up to today, said when the
    user asks "and then?" once it was told to its end. Only these have one."""
    about: list[str] = []
    """Words a question may use for this answer that its lines need not ("hurt", "funniest"
    for a story of a close call or of a funny day): they tie such a question to it when a
    topic has several answers. Beside answers without them, an answer with them is a
    specialist, given only to a question that names one (Welsh, among the answers on
    coming from abroad)."""

    @model_validator(mode="before")
    @classmethod
    def _from_line(cls, raw: Any) -> Any:
        return {"say": raw} if isinstance(raw, str) else raw


AnswerLines = Annotated[list[Answer], Field(min_length=2)]


class ReferralOdds(_Strict):
    names: float = Field(ge=0, le=1)
    undecided: float = Field(ge=0, le=1)

    @model_validator(mode="after")
    def _sums_to_one(self) -> ReferralOdds:
        if abs(self.names + self.undecided - 1.0) > 1e-6:
            raise ValueError("names + undecided must add up to 1")
        return self


class Traits(_Strict):
    """Probabilities of each scenario trait, drawn once per practice from its seed."""

    tangent: float = Field(ge=0, le=1)
    stay: float = Field(ge=0, le=1)
    referrals: ReferralOdds


class Answers(_Strict):
    """Answer variants for the five classic questions (other questions have topics)."""

    ask_start: AnswerLines
    ask_likes: AnswerLines
    ask_qualifications: AnswerLines
    ask_fit: AnswerLines
    ask_resume: AnswerLines
    ask_other: list[Answer] = []
    """Deprecated: questions beyond the classic five are answered by topic."""


class FieldTerm(_Strict):
    """A concept of the contact's field ("the five Cs", "RPN versus RN"), explained when a
    user asks about it by name."""

    terms: list[str] = Field(min_length=1)
    """What a user types to ask about it (lower case; abbreviations and spellings)."""
    say: str = Field(min_length=1)
    more: str = ""


PersonalKind = Literal["where_from", "family", "pastime"]
"""The small talk a contact answers about their own life (``Persona.personal``)."""


class Specific(_Strict):
    """A detail one level below a topic that the contact is ready to give ("how many calls
    a day?", "what's in the take-home test?"), answered when a question names it."""

    keys: list[str] = Field(min_length=1)
    """What a question about it names: slots joined by `` + `` that must all appear, each
    slot's spellings split by ``|`` ("cold call|dial + a day|daily|per day"). A spelling
    matches at the start of a word ("call" finds "calls"); one of three letters or fewer
    only as a whole word ("ai")."""
    asks: list[str] = Field(min_length=2)
    """Questions a user might ask about it, each answered by it (``tests/test_specifics.py``)."""
    say: str = Field(min_length=1)
    more: str = ""
    subject: str = ""
    """A subject of ``flows/understanding/subjects.yaml`` this detail answers for the
    contact ("commute"): any question the subject's rules read reaches it, as well as those
    its own keys name."""


class Tangent(_Strict):
    drift: str = Field(min_length=1)
    follow_up: str = Field(min_length=1)


class Persona(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    name: str = Field(min_length=1)
    called: str = ""
    """What people call them, where it is not the first word of ``name`` ("Mei Ling" for
    Tan Mei Ling, whose family name comes first)."""
    role: str = Field(min_length=1)
    organisation: str = Field(min_length=1)
    industry: str = Field(min_length=1)
    voice: str = Field(min_length=1)
    scene: str = Field(min_length=1)
    traits: Traits
    stay_minutes: float = Field(gt=0, le=60)
    greeting: Lines
    greeting_with_questions: Lines
    answers: Answers
    follow_ups: list[str] = []
    """Deprecated: each answer now carries its own continuation (``more``)."""
    tangents: Annotated[list[Tangent], Field(min_length=2)]
    own_path: list[str] = []
    """Words naming the contact's own earlier work and road in ("procurement", "the bar"):
    a question to them about it ("you came from procurement, did it help?") is about how
    they got started."""
    field_terms: list[FieldTerm] = []
    """Concepts of the field a user may ask about by name: answered, not deferred."""
    specifics: list[Specific] = []
    """Details of their own work a user may ask about ("how many calls a day?"): answered
    ahead of the nearest topic (``flows/specifics.py``)."""
    fallbacks: Lines
    small_talk: Lines
    """Replies to a greeting, a thanks or a compliment, fit for any moment of the meeting."""
    small_talk_later: list[Annotated[str, Field(min_length=1)]] = []
    """Small talk that takes up a conversation already going ("Next question?", "Where were
    we?"): said only once the user has asked something."""
    share_thanks: Lines
    job_deflection: Lines
    wrap_up: Lines
    stay_invitation: Lines
    stay_accepted: Lines
    stay_declined: Lines
    feedback_intro: Lines
    strengths_intro: Lines
    referral_intro: Lines
    referrals: Annotated[list[Referral], Field(min_length=2, max_length=3)]
    undecided: Lines
    check_back_ok: Lines
    check_back_reply: Lines
    golden_rule_ack: Lines
    farewell: Lines
    # -- who they are, for finding them (optional only while older files are migrated) --
    field: str = ""
    """The field as a user would name it ("software engineering")."""
    summary: str = ""
    """One line for the contact list: who they are and what they can tell you."""
    location: str = ""
    """Where they work ("Chicago, USA"): they speak about pay and routes in from there."""
    synonyms: list[str] = []
    """Other words a user might use for the field or role ("developer", "coding")."""
    # -- answering what was asked (``check_personas`` reports what is missing) --
    topics: dict[str, list[Answer]] = {}
    """Answers by topic (``flows/topics.py``); each answer has its continuation."""
    unknown_topic: list[str] = []
    """A question no topic covers: says so, names it (``{asked}``), offers ``{offer}``."""
    rephrase: list[str] = []
    """Asked to say the last answer more simply: a short apology, then ``{point}`` (the
    first sentence of that answer) at the end."""
    unknown_in_field: list[str] = []
    """A question no topic covers but about the contact's own field: defers it honestly
    (no claim not to know), names it (``{asked}``), offers ``{offer}``."""
    topic_used_up: list[str] = []
    """Every answer on ``{topic}`` has been given in this meeting."""
    nothing_more: list[str] = []
    """A follow-up when the last answer has no more to it."""
    rest_of_question: list[str] = []
    """A message asked more than two things: after two answers, the rest."""
    # -- remembering the user --
    name_hello: list[str] = []
    """Said before the greeting when the user gave their name (``{user_name}``)."""
    background_ack: list[str] = []
    """The user said what they do (``{a_role}``: "a retail supervisor")."""
    intro_ack: list[str] = []
    """The user talked about themselves in words the user-facts reader could not place (no
    ``{a_role}``): a warm acknowledgement that fits any background, then the floor back."""
    background_corrected: list[str] = []
    """The user corrects what they do ("sorry, I'm a teaching assistant, not a teacher"):
    takes the new word on board (``{a_role}``), lightly owns the mix-up, the floor back."""
    fit_personal: list[str] = []
    """Opens the fit answer when the user's work is known (``{a_role}``)."""
    resume_personal: list[str] = []
    """Opens the résumé answer when the user's work is known (``{a_role}``)."""
    resume_gap: list[str] = []
    """The résumé answer when the user asks how to explain a gap in their work history ("I
    have an eight-year gap on my CV from raising my kids. How should I explain it?"): the
    first line for a gap spent caring for family, the second for any other gap."""
    recall: list[str] = []
    """Asked whether they remember what the user does ("do you remember what I do?"): says
    it back (``{a_role}``)."""
    recall_nothing: list[str] = []
    """The same question when the user has said nothing of themselves yet."""
    keep_in_touch: list[str] = []
    """The user asks to check back in a day or two after the names were already given:
    yes, and what the contact would like to hear from them."""
    how_are_you: list[str] = []
    """Small talk about their day or week mid-meeting ("how's your day going?", "busy
    today?"): one concrete detail of their own day, then the floor back."""
    pay_reaction: list[str] = []
    """The user sets a pay figure the contact just gave beside their own ("that's three
    times what I earn now"): what that comparison means in their field, either way."""
    personal_aside: list[str] = []
    """A personal question about the contact's life or surroundings ("is that your dog?",
    "is it always this windy?"): a warm line that fits any such question, claims nothing,
    and hands the floor back."""
    personal: dict[PersonalKind, list[str]] = {}
    """Answers to the small talk people ask to build rapport ("where are you from?", "do you
    have kids?", "what do you do for fun?"): a sentence or two of the contact's own life,
    then the floor goes back to the user. Other personal questions get ``personal_aside``."""
    personal_heard: dict[PersonalKind, list[str]] = {}
    """What the contact says when the user answers or reacts to a line of ``personal``
    without asking anything ("Yes, a daughter, she's six.", "ha, I love that book"): aligned
    with ``personal`` by index, fit for any answer, then the floor back to the work."""
    personal_more: dict[PersonalKind, list[str]] = {}
    """What comes next after a line of ``personal`` when the user asks on about it ("tell me
    more", "where do you sing?", "how long have you had him?"): aligned with ``personal`` by
    index, one more concrete detail of the same thing, then the floor back."""
    offer_accepted: list[str] = []
    """The user offers to send or share something later ("I could send you our template",
    "want his contact?"): a warm yes that names nothing and claims nothing seen yet."""
    feedback_lines: dict[str, str] = {}
    """The feedback's observations in the contact's own voice, by the keys of
    ``flows/content/feedback.yaml`` (each said only when its condition held there), with
    the lines said around them (``strengths_again``, ``strengths_none``,
    ``weaknesses_again``). A key the contact lacks is said in the generic words."""
    pastime_not_mine: list[str] = []
    """The user asks about a pastime the contact does not have ("do you ski?", "are you
    into gaming?"): a friendly no that names none in particular, a word on what they do
    instead, then the floor back."""
    referral_for_you: list[str] = []
    """Ends the referrals: whom to call first given the user's work (``{a_role}``,
    ``{name}``: the referral whose sectors match)."""
    referral_asked_for: list[str] = []
    """Ends the referrals when the user asked for a kind of person one of them is ("anyone
    who came from teaching?", "someone on the client side?"): that one first (``{name}``)."""
    reach_them: list[str] = []
    """Once the names are given, the user asks how to approach them ("would you prefer to
    introduce me, or should I email them directly?", "can I use your name?"): how, in the
    contact's words, fit for any of the people named."""
    # -- the clock and leaving --
    ask_away: list[str] = []
    """The user asks leave to ask more ("can I ask two last things?"): yes, go on."""
    go_ahead: list[str] = []
    """The user says something that asks nothing and does none of the acts ("ready", "ok",
    "I see"): the contact hands the floor back, rather than a line meant for a question it
    could not follow."""
    time_noted: list[str] = []
    """The user mentions the time early in the meeting (a courtesy): thanks them and carries
    on; no wrapping up yet. May say the meeting has barely started."""
    time_noted_midway: list[str] = []
    """The same past the meeting's halfway point (``timing.past_midway``) but before its
    last stretch: there is time left, but the meeting is well under way."""
    before_you_go: list[str] = []
    """The user says goodbye mid-conversation, before any wrap-up: checks once whether
    there was anything else (a second goodbye ends the meeting)."""
    time_check_self: list[str] = []
    """The wrap-up reminder came and the user carried on: the contact notices the time
    themselves, once, and starts wrapping up."""

    @field_validator("greeting_with_questions")
    @classmethod
    def _mentions_questions(cls, lines: list[str]) -> list[str]:
        for line in lines:
            if "{question}" not in line:
                raise ValueError("each variant must contain {question} (a prepared question)")
        return lines

    @property
    def first_name(self) -> str:
        return self.called or self.name.split()[0]

    @property
    def own_field_words(self) -> frozenset[str]:
        """The words that name the contact's field, role or industry ("nursing", "nurse",
        "manager", "surgical"), their synonyms included."""
        named = " ".join([self.field, self.role, self.industry, *self.synonyms]).lower()
        return frozenset(re.findall(r"[a-z]+", named))


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a persona file, located by file and dotted field path."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}"


class PersonaError(Exception):
    """Raised when a persona file is invalid; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def _field_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(top level)"


def parse_persona(raw: Any, file: str) -> Persona:
    """Validate one persona document; raise :class:`PersonaError` listing every problem."""
    if not isinstance(raw, dict):
        raise PersonaError([Problem(file, "(top level)", "expected a mapping of fields")])
    try:
        persona = Persona.model_validate(raw)
    except ValidationError as exc:
        raise PersonaError(
            [Problem(file, _field_path(err["loc"]), err["msg"]) for err in exc.errors()]
        ) from None
    expected = Path(file).stem
    if persona.id != expected:
        raise PersonaError([Problem(file, "id", f"must match the file name ({expected!r})")])
    return persona


def _read(path: Path) -> Persona:
    try:
        raw = yamltext.load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "(file)"
        raise PersonaError([Problem(path.name, where, f"not valid YAML: {exc}")]) from None
    return parse_persona(raw, path.name)


def persona_files(directory: Path = PERSONA_DIR) -> list[Path]:
    return sorted(directory.glob("*.yaml"))


def load_all(directory: Path) -> tuple[dict[str, Persona], list[Problem]]:
    personas: dict[str, Persona] = {}
    problems: list[Problem] = []
    files = persona_files(directory)
    if not files:
        problems.append(Problem(str(directory), "(directory)", "no persona files (*.yaml) found"))
    for path in files:
        try:
            persona = _read(path)
        except PersonaError as exc:
            problems.extend(exc.problems)
        else:
            personas[persona.id] = persona
    return personas, problems


@cache
def load_personas(directory: Path = PERSONA_DIR) -> dict[str, Persona]:
    """All personas by id, in file-name order. Raises :class:`PersonaError` if any is invalid."""
    personas, problems = load_all(directory)
    if problems:
        raise PersonaError(problems)
    return personas
