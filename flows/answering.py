"""Answering the questions in a message: what was asked (the readings, a detail it names,
an offer the user accepted, a question sent ahead), then the answers said in turn, at most
two, with a tangent or the contact's personal opener where one belongs. ``conversation.py``
decides when a message is answered at all."""

from __future__ import annotations

import re
from typing import Final

from flows import acts as A
from flows.answers import MAX_ANSWERS, TERM, Answerer, Said
from flows.asked_items import Item, about_the_user, asked_items, gap_story
from flows.asking import NOT_ASKING
from flows.facts import Facts, facts_of
from flows.machine import CONVERSE
from flows.named_things import NamedThings
from flows.persona import Tangent
from flows.remarks import Remarks
from flows.rerouting import questions_in, rerouted
from flows.self_description import about_the_asker, read_message
from flows.session import Turn
from flows.specifics import SPEC, named_specifics
from flows.thing_words import shares_a_word, thing_words
from flows.understanding import (
    asks_something,
    signals,
    topic_positions,
    topics_ruled,
    understand,
)
from flows.userfacts import trained_abroad_in, user_facts

_ABOUT_ME_TOPICS = {"hardest", "least", "mistakes", "thrives"}
"""Topics that, asked about the asker's own case, are the fit question (advice and ways in
for "someone like me" stay advice and ways in, as TOPICS.md says)."""
_COPING_WITH_THAT = re.compile(
    r"\bhow (?:do|did|would) you (?:\w+ )?(?:deal|cope|live|get|put up) (?:with|through) "
    r"(?:that|it|this|those|them|all that)\s*[?.!]*\s*$|\bhow (?:do|did|would) you "
    r"(?:\w+ )?(?:handle|manage|survive|navigate|tackle) (?:that|it|this|those|them|all "
    r"that)\s*[?.!]*\s*$",
    re.IGNORECASE,
)
"""Asking how the contact copes with what they just said, by a bare pronoun."""
_STORIES = frozenset({"stories"})
"""The topic a question about a side story the contact hinted at may also read as."""
_STAYING = {A.ACCEPT_STAY, A.DECLINE_STAY}
_HANDLED_APART = {A.ASK_FEEDBACK, A.ASK_STRENGTHS, A.ASK_REFERRALS, A.ASK_CHECK_BACK}
"""Requests the meeting answers apart from questions (feedback, names, a check-back)."""
_FROM_ABROAD = "from_abroad"
_HOW_LONG = re.compile(r"\bhow long (?:did|does|would|has|had|was) (?:that|it|this)\b", re.I)
_WHY = re.compile(r"\s*(?:(?:and|but|so|ok|oh|hmm|wait|sorry)\W+)*why\b", re.IGNORECASE)
_WORD = re.compile(r"[a-z']+")
_STOPWORDS = frozenset(
    " ".join(
        (
            "a an and are at be did do does for how i in is it me my of on or the to",
            "was what when where which who why with would you your",
        )
    ).split()
)


def ready_only(text: str, sig: frozenset[str]) -> bool:
    """ "Ready, please." (second-language English): ready to go on, asking nothing, though
    the "please" has the shape of a request."""
    return "ready" in sig and "?" not in text


def _says_yes_or_no_to_staying(turn: Turn) -> bool:
    """ "I'd love to stay a bit longer if that's okay." answers the invitation, or offers to
    stay when there was none; it asks nothing, though "if that's okay" has a question's shape."""
    stays = turn.kind in ("stay_accept", "stay_decline") or bool(set(turn.acts) & _STAYING)
    return stays and "?" not in turn.text


def plain_question_by_rules(turn: Turn, conversation: Answering) -> bool:
    """Whether the rules alone (no acts read) take ``turn`` for a question."""
    return (asks_something(turn.text) and not _says_yes_or_no_to_staying(turn)) or (
        conversation._matches_prepared(turn.text)
    )


def _content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOPWORDS and len(w) > 2}


_GAP_ANSWERS: Final = frozenset({A.ASK_RESUME, A.ASK_FIT})
"""The classic answers a question about a gap in the user's work history gets as the
contact's advice on gaps ("will the year out hurt me?" is how they would fit)."""


_SHORT_FOLLOW_UP: Final = 8
"""Words of a follow-up that names nothing ("Wait, tell me more about that!"): said right
after a drift, it is about the drift ("ok i need the egg story" names another)."""


class Answering(NamedThings, Remarks):
    """The questions of a message, answered."""

    def _answer_questions(self, turn: Turn, acts: set[str], f: Facts, sig: frozenset[str]) -> None:
        p = self.persona
        answerer = Answerer(p, self.session, self.voice)
        asking = bool(acts & set(A.QUESTIONS))
        answered_invitation = _says_yes_or_no_to_staying(turn)
        plain_question = (
            acts <= NOT_ASKING
            and asks_something(turn.text)
            and not answered_invitation
            and not ready_only(turn.text, sig)
        )
        if (
            plain_question
            and "?" not in turn.text
            and read_message(turn.text)[1] is not None
            and not (topics_ruled(turn.text) and topic_positions(turn.text))
        ):
            # "I'm Nina, nine years in accounts payable, and I'd love to move into product":
            # news to acknowledge, not a question (nor "I'm a nurse, ... and I'm curious
            # about finance", where only the learned reader saw a topic, or "...a lot of
            # Excel for our exam tracking. I'm curious about data analytics.")
            plain_question = False
        if plain_question and "?" not in turn.text and self._interest_only(turn.text):
            return  # "I'm curious about data analytics.", to the data analyst
        if self._asks_on_own_life(turn.text, acts, sig):
            return  # "oh nice, where do you perform?", right after the choir
        if self._takes_up_the_invitation(turn.text, acts, sig, answerer):
            return  # "why didn't you quit?", right after "...nearly quit. Ask me why I didn't."
        if (
            A.FOLLOW_UP in acts
            and f.tangent is not None
            and f.tangent_followed is turn
            and not acts & set(A.QUESTIONS)
            and (
                shares_a_word(turn.text, self._tangent_of(f.tangent).drift)
                or (len(turn.text.split()) <= _SHORT_FOLLOW_UP and not thing_words(turn.text))
            )
        ):
            # "wait tell me the robot story", right after the drift onto the robot: that
            # story, not the stories topic or the rest of the answer before it (a story
            # named by another word is the one named: named_things.py); "Wait, tell me more
            # about that!" right after the drift is about the drift, the last thing said
            self._tell_the_tangent(f.tangent)
            return
        if not asking and A.FOLLOW_UP not in acts and self._matches_prepared(turn.text):
            plain_question = True
        hinted = self.hint.topics if self.hint is not None else ()
        items = asked_items(turn.text, acts, is_question=plain_question, hinted=hinted)
        if not items and {A.FOLLOW_UP, A.ASK_OTHER} <= acts and not answerer.has_more():
            # "how do you convince the CFO" read as "tell me more" too, with nothing said
            # to go on with: a question of its own, not "Good. Your question?"
            items = asked_items(turn.text, acts - {A.FOLLOW_UP}, is_question=True, hinted=hinted)
        carried_over = False
        if (
            "elliptical" in sig
            and len(items) == 1
            and items[0].kind in ("unknown", "topic")
            and (carried := answerer.carried(turn.text, named=items[0].kind == "topic"))
        ):
            # "and paralegals?" right after the pay answer: the pay question, asked of them;
            # "what about an apprentice?" after the typical day: an apprentice's day, where
            # the contact has one (else the topic it names: how apprentices get in)
            items, carried_over = [carried], True
        if not items and not asking and ("yes" in sig or A.FOLLOW_UP in acts):
            items = self._accepted_offer()
        if (
            "compares_pay" in sig
            and (
                all(i.kind == "unknown" for i in items)
                or (items == [Item("topic", "pay")] and not _asks_beyond_an_echo(turn.text))
            )
            and self._pay_reaction()
        ):
            # "that's three times what I earn now", "£30,000? That is less than I am making
            # now": a reaction, not a question (the echoed figure asks nothing)
            return
        if "personal" in sig and named_specifics(p, turn.text) and len(questions_in(turn.text)) < 2:
            # "how long is your commute?" to a contact who has told us: the detail, not a
            # polite "let's talk about your questions"
            sig -= {"personal"}
        if self._small_talk_or_recall(sig, turn.text):
            # "how's your week been?", "do you remember what I do?": said to the person,
            # not asked of the field; a real question beside it is still answered
            items = [i for i in items if i.kind != "unknown"]
            if not items:
                return
        going_back = "hold_on" in sig and answerer.has_more()
        # "Why QA rather than straight into development?" right after the road in that went
        # through QA: why they did it, the rest of that answer, not what QA is
        asks_why = (
            "points_back" in sig and _WHY.match(turn.text) is not None and answerer.has_more()
        )
        if not carried_over:
            items = rerouted(
                p,
                turn.text,
                items,
                answerer,
                going_back=going_back,
                asks_why=asks_why,
                handled=bool(acts & _HANDLED_APART),
                asks_names=A.ASK_REFERRALS in acts,
            )
        if (
            all(i.kind == "unknown" or i.key in _STORIES for i in items)
            and not about_the_asker(turn.text)
            and self._tells_what_was_named(
                turn, acts, nothing_read=not items, a_story=any(i.key in _STORIES for i in items)
            )
        ):
            return  # "ok u have to tell me about the goat": the story they hinted at
        holds_on = "hold_on" in sig and all(
            i.kind not in (TERM, SPEC, "classic") and not about_the_user(i) for i in items
        )
        if (
            "reacts" in sig
            and all(i.kind != "classic" and not about_the_user(i) for i in items)
            and (reply := answerer.reaction()) is not None
        ):
            # "oh no, were you ok?", "how did your boss take it?" right after a story: the
            # rest of it, or how it ended for them (not a detail on whom they report to)
            self.say_said(reply)
            return
        if (
            holds_on
            or (items == [Item("unknown", "")] and "points_back" in sig)
            or (
                # "sounds rough. how do you deal with that?" right after roadmap politics:
                # how they deal with *that*, the rest of it, not the hours and stress
                "points_back" in sig
                and len(items) == 1
                and items[0].kind == "topic"
                and _COPING_WITH_THAT.search(turn.text) is not None
            )
        ) and answerer.has_more():
            # "wait, how long did that take you?" right after an answer no topic covers:
            # the contact goes on with that answer rather than calling it someone else's
            self.say_said(answerer.more())
            return
        if (
            _HOW_LONG.search(turn.text)
            and all(i.kind in ("unknown", "topic") for i in items)
            and answerer.on_the_road_in()
        ):
            # "How long did that take, getting from the regional daily to a Melbourne
            # newsroom?" right after the road in: the rest of it, not where the jobs are
            self.say_said(answerer.more())
            return
        if about_the_asker(turn.text) and not any(i.key == A.ASK_FIT for i in items):
            # "the hardest part for someone coming from finance?": how their background
            # fits, not the same question about the contact's own job
            mine = [i for i, item in enumerate(items) if item.key in _ABOUT_ME_TOPICS]
            if mine:
                items = [*items[: mine[0]], Item("classic", A.ASK_FIT), *items[mine[0] + 1 :]]
            elif items == [Item("unknown", "")]:
                # "What about for someone like me, coming out of the forces?": how they'd
                # fit, not "I know nothing worth saying about for someone"
                items = [Item("classic", A.ASK_FIT)]
        if (
            any(i.key == A.ASK_FIT for i in items)
            and _FROM_ABROAD in p.topics
            and trained_abroad_in(p.field, user_facts(self.session))
            and not any(i.key == _FROM_ABROAD for i in items)
        ):
            # A nurse trained in Manila asking the nurse manager how she'd fit was told
            # career changers make good nurses but need the full degree: for her, fitting
            # in is first getting her registration recognised
            items = [Item("topic", _FROM_ABROAD) if i.key == A.ASK_FIT else i for i in items]
        # Marked as the rules alone would mark it, whatever a model's hint made of it.
        ruled_question = not turn.acts and bool(acts) and plain_question_by_rules(turn, self)
        if items and (not asking or ruled_question):
            turn.kind = "question"
            f = facts_of(self.session)
        tangent = (
            self.session.scenario.tangent
            and f.tangent is None
            and len(f.questions) == 2
            and f.questions[-1] is turn
            and self.state == CONVERSE
        )
        gap = None if self._gap_detail(items) else self._gap_answer(turn.text, sig)
        if gap is not None:
            # "I have an eight-year gap on my CV from raising my kids. How should I explain
            # it?" got the contact's general résumé tips, the gap never mentioned; "cv gap 2
            # yrs travelling" got where the jobs are: the words of the gap's story ask nothing
            story = gap_story(turn.text)
            told = {t for part in story for t, _ in topic_positions(part)}
            told |= {str(i) for part in story for i in named_specifics(p, part)}
            items = [i for i in items if i.kind not in ("topic", SPEC) or i.key not in told]
            if all(i.kind == "unknown" for i in items):  # (nothing else asked: "cv gap")
                items = [Item("classic", A.ASK_RESUME)]
        said = [answerer.item(item, turn.text) for item in items[:MAX_ANSWERS]]
        if gap is not None:
            said = [gap if one.ref.split(".")[0] in _GAP_ANSWERS else one for one in said]
        background = user_facts(self.session).background
        for i, one in enumerate(said):
            text = one.text
            personal = {"ask_fit": p.fit_personal, "ask_resume": p.resume_personal}.get(
                one.ref.split(".")[0]
            )
            if personal and background is not None and one.kind == "answer":
                opener = self.voice.pick("personal", personal, a_role=background.a_role)
                text = f"{opener} {text}"
            if tangent and i == len(said) - 1 and one.kind == "answer":
                drift = p.tangents[self.voice.choose_index("tangent", len(p.tangents))].drift
                self.say("tangent", f"{text} {drift}", one.ref)
            else:
                self.say(one.kind, text, one.ref)
        if len(items) > MAX_ANSWERS:
            self.say_said(answerer.rest())
        if A.FOLLOW_UP in acts and not items:
            if f.tangent is not None and f.tangent_followed is turn:
                self._tell_the_tangent(f.tangent)
            else:
                self.say_said(answerer.more())

    def _gap_detail(self, items: list[Item]) -> bool:
        """A detail of the contact's own on gaps is asked ("Do hiring managers mind a
        career break on a CV?", to Greg): it answers, not the general advice on gaps."""
        details = self.persona.specifics
        return any(
            i.kind == SPEC and any("cv_gap" in signals(ask) for ask in details[int(i.key)].asks)
            for i in items
        )

    def _gap_answer(self, text: str, sig: frozenset[str]) -> Said | None:
        """The contact's advice on a gap in the user's work history, if they ask about one:
        the first line for a gap spent caring for family, the second for any other."""
        lines = self.persona.resume_gap
        if "cv_gap" not in sig or len(lines) < 2:
            return None
        i = 0 if "caring" in sig else 1
        if not self.voice.fresh([lines[i]]):
            return None  # told already: the résumé answer as usual, not the wrong kind of gap
        return Said("answer", lines[i], f"resume_gap.{i}")

    def _takes_up_the_invitation(
        self, text: str, acts: set[str], sig: frozenset[str], answerer: Answerer
    ) -> bool:
        """The contact's last answer ended by inviting a question ("Week eight I nearly quit.
        Ask me why I didn't.", "Shall I tell you how it ended?") and the user takes it up, by
        a yes or by asking about what the invitation names: the answer goes on (True if
        said), rather than "too big to squeeze in here" or another topic's answer."""
        if acts & _ASKS_ANEW:
            return False
        yes = "yes" in sig and len(text.split()) <= 6
        for turn in reversed(self.session.turns[:-1]):  # the contact's last reply, in parts
            if turn.speaker != "contact":
                break
            sentences = re.split(r"(?<=[.!?])\s+", turn.text.strip())
            if not turn.ref or turn.ref.endswith("+") or not _INVITES.search(sentences[-1]):
                continue
            if yes or shares_a_word(text, " ".join(sentences[-2:])):
                said = answerer.continued(turn.ref)
                if said is not None:
                    self.say_said(said)
                    return True
        return False

    def _accepted_offer(self) -> list[Item]:
        """The user said yes to what the contact offered ("shall we start with your question
        about X?", "I could tell you about Y instead"): the items that offer stands for."""
        previous = [t for t in self.session.turns[:-1] if t.speaker in ("contact", "user")]
        if not previous or previous[-1].speaker != "contact":
            return []
        ref = previous[-1].ref
        if not ref.startswith("offer>"):
            return []
        offered = ref.removeprefix("offer>")
        if offered.startswith("q") and offered[1:].isdigit():
            questions = self.session.prepared_questions
            index = int(offered[1:])
            if index >= len(questions):
                return []
            question = questions[index]
            return asked_items(question, set(understand(question)), is_question=True)
        return [Item("topic", offered)] if offered in self.persona.topics else []

    def _tell_the_tangent(self, drift: Turn) -> None:
        told = self._tangent_of(drift)
        index = self.persona.tangents.index(told)
        self.say("follow_up_answer", told.follow_up, f"tangent.{index}+")

    def _tangent_of(self, turn: Turn) -> Tangent:
        for tangent in self.persona.tangents:
            if turn.text.endswith(tangent.drift):
                return tangent
        return self.persona.tangents[0]

    def _matches_prepared(self, text: str) -> bool:
        words = _content_words(text)
        if len(words) < 2:
            return False
        for question in self.session.prepared_questions:
            theirs = _content_words(question)
            if theirs and len(words & theirs) / len(words | theirs) >= 0.5:
                return True
        return False


_INVITES: Final = re.compile(
    r"^(?:ask (?:me|how|why|what|about)|shall i|should i|want (?:to hear|me to|the)|"
    r"would you like|do you want|curious)\b|\?$",
    re.IGNORECASE,
)
"""The last sentence of an answer that invites the user to ask on ("Ask me why I didn't.",
"Want to hear what her red pen did to me?", "Shall I say how I kept up?")."""
_ASKS_ANEW: Final = frozenset(
    {*A.CLASSIC_QUESTIONS, A.ASK_FEEDBACK, A.ASK_STRENGTHS, A.ASK_REFERRALS, A.TIME_CHECK}
)


def _asks_beyond_an_echo(text: str) -> bool:
    """Whether ``text`` asks a question of more than an echoed figure or exclamation
    ("£30,000?", "Ehn! Really?")."""
    parts = re.split(r"(?<=[.!])\s+", text)
    return any(len(part.split()) > 3 for part in parts if part.rstrip().endswith("?"))
