"""What a model voice may do, as plain data: phrase a line the flow chose, or hint at what a
message means where the rules read nothing.

The flow stays in charge. For each line the contact says it decides the stage, the kind of
reply, the scripted line and the facts the reply may use, and describes them in a
:class:`PhrasingRequest` riding on the :class:`~flows.effects.Show` effect. An adapter with a
model may show the model's wording of that line instead, if it passes every guard
(:mod:`flows.guards`); otherwise, and always without a model, the scripted line is shown.
The transcript, the scorecard and every later decision read the scripted line.

Understanding works the same way round: the rules read first; only a message they find
nothing in (:func:`wants_hint`) may be labelled by a model, and the flow uses those labels
(:class:`Hint`) only to choose what the contact answers, never for the marks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from flows import acts as A
from flows.acts import ACTS, CLASSIC_QUESTIONS
from flows.persona import Persona
from flows.session import Session, Turn
from flows.topics import TOPICS, labels
from flows.understanding import asks_something, signals, topics, understand
from flows.userfacts import user_facts

RECENT_TURNS = 4
"""Earlier lines of the conversation given to the model as context."""
RECENT_CHARS = 300
"""Each earlier line is cut to this many characters."""
HINTABLE: frozenset[str] = frozenset({*A.QUESTIONS, A.FOLLOW_UP, A.SHARE_INFO, A.THANK, A.GREET})
"""Acts a model's hint may add: they choose the contact's answer and never move the meeting
on (no goodbye, time, feedback or referral act comes from a model)."""


@dataclass(frozen=True)
class PhrasingRequest:
    """One contact line the flow has chosen, and what a model may use to phrase it."""

    persona_id: str
    kind: str
    """The kind of reply (``answer``, ``tangent``, ``invite_stay``, ``referrals``, ...)."""
    stage: str
    scripted: str
    """The line the flow would say: the reply's material, and what is shown otherwise."""
    asked: str = ""
    """The user's message this line replies to, in their own words ("" if none)."""
    user_name: str = ""
    user_background: str = ""
    """What the user said they do, as the contact would say it ("a retail supervisor")."""
    names: tuple[str, ...] = ()
    """The only people the reply may name (the flow's referrals, when it gives them)."""
    withheld: tuple[str, ...] = ()
    """People the contact knows but must not name in this line."""
    open_question: bool = False
    """A question no topic covers: the reply may answer it from the contact's own facts
    (or say it is not sure), then make the scripted line's offer."""
    offer: str = ""
    """What the scripted line offers to talk about instead, if anything."""
    seq: int = -1
    """The line's place in the transcript."""
    recent: tuple[tuple[str, str], ...] = ()
    """The conversation just before, as (speaker, text), oldest first."""


@dataclass(frozen=True)
class Hint:
    """A model's reading of a message the rules found nothing in (labels from the fixed
    vocabularies only: anything else is dropped)."""

    acts: frozenset[str] = frozenset()
    topics: tuple[str, ...] = ()

    @classmethod
    def of(cls, acts: Iterable[object], found: Iterable[object]) -> Hint:
        known_acts = frozenset(a for a in acts if isinstance(a, str) and a in ACTS)
        seen: list[str] = []
        for topic in found:
            if isinstance(topic, str) and topic in TOPICS and topic not in seen:
                seen.append(topic)
        return cls(known_acts, tuple(seen[:2]))


def wants_hint(text: str) -> bool:
    """Whether the rules find nothing in ``text`` (read mid-conversation): no act and no
    yes/no, or a question with no topic and none of the classic questions. Only then is a
    model asked what it means."""
    clean = text.strip()
    if len(clean.split()) < 2 or clean.startswith("/"):
        return False  # ("hmm", "ok": nothing for a model to read either)
    acts = understand(clean)
    if not acts:
        # ("what about the dosh?" names its case and not the question it carries on: a
        # model may still say what that is)
        return not signals(clean) - {"elliptical"}
    asking = bool(acts & {A.ASK_OTHER}) or (acts <= {A.GREET, A.THANK} and asks_something(clean))
    return asking and not acts & set(CLASSIC_QUESTIONS) and not topics(clean)


def hinted_acts(ruled: frozenset[str], hint: Hint | None) -> frozenset[str]:
    """The acts the contact answers to: the rules' when they found any, else the hint's
    (only acts that choose an answer: :data:`HINTABLE`)."""
    if ruled or hint is None:
        return ruled
    return hint.acts & HINTABLE


class Requests:
    """Builds the phrasing requests of one event's contact lines (user facts read once)."""

    def __init__(self, persona: Persona, session: Session) -> None:
        self.persona = persona
        self.session = session
        self._facts: tuple[str, str] | None = None

    def _user(self) -> tuple[str, str]:
        if self._facts is None:
            facts = user_facts(self.session)
            background = facts.background.a_role if facts.background is not None else ""
            self._facts = (facts.name, background)
        return self._facts

    def request(self, turn: Turn, seq: int) -> PhrasingRequest:
        """The request for ``turn``, the contact line about to be the ``seq``-th."""
        p = self.persona
        turns = self.session.turns
        last = next((i for i in range(len(turns) - 1, -1, -1) if turns[i].speaker == "user"), -1)
        asked = ""
        if last >= 0 and turns[last].kind not in ("checklist", "command"):
            asked = turns[last].text
        earlier = [t for t in turns[: max(last, 0)] if t.speaker in ("user", "contact")]
        recent = tuple((t.speaker, t.text[:RECENT_CHARS]) for t in earlier[-RECENT_TURNS:])
        everyone = tuple(r.name for r in p.referrals)
        gives_names = turn.kind == "referrals"
        offered = turn.ref.removeprefix("offer>") if turn.ref.startswith("offer>") else ""
        name, background = self._user()
        return PhrasingRequest(
            persona_id=p.id,
            kind=turn.kind,
            stage=turn.stage,
            scripted=turn.text,
            asked=asked,
            user_name=name,
            user_background=background,
            # The names come one message each: each names its own, and no other
            names=tuple(n for n in everyone if n in turn.text) if gives_names else (),
            withheld=tuple(n for n in everyone if n not in turn.text),
            open_question=turn.kind == "unknown_topic",
            offer=labels().get(offered, "") if offered in TOPICS else "",
            seq=seq,
            recent=recent,
        )


def material(persona: Persona, request: PhrasingRequest) -> str:
    """Everything a phrased line may draw facts, numbers and names from: the scripted line,
    what the user said, the contact's own background and story (one part a line)."""
    return "\n".join(part for part in (line_material(request), contact_material(persona)) if part)


def line_material(request: PhrasingRequest) -> str:
    """The line's own part of :func:`material`: the scripted line, the user's words and
    facts, the conversation just before, the names it may use."""
    parts = [
        request.scripted,
        request.asked,
        request.user_name,
        request.user_background,
        *(text for _, text in request.recent),
        *request.names,
    ]
    return "\n".join(part for part in parts if part)


def contact_material(persona: Persona) -> str:
    """The contact's part of :func:`material` (the same for every line): who they are,
    where they work, their story."""
    story: Sequence[str] = [a.say for a in persona.answers.ask_start]
    parts = [
        persona.name,
        persona.role,
        persona.organisation,
        persona.industry,
        persona.location,
        persona.summary,
        *story,
    ]
    return "\n".join(part for part in parts if part)
