"""The meeting itself: how the contact replies to what the user says after the greeting
(answers, tangents, staying on, the time); feedback and names are in ``closing.py``."""

from __future__ import annotations

import re
from collections.abc import Sequence

from flows import acts as A
from flows import narrator
from flows.answers import (
    MAX_ANSWERS,
    TERM,
    Answerer,
    Item,
    about_the_user,
    asked_items,
)
from flows.asking import NOT_ASKING
from flows.closing import Closing
from flows.facts import Facts, facts_of
from flows.machine import CONVERSE, DONE, REFERRAL
from flows.persona import Tangent
from flows.remarks import Remarks
from flows.rerouting import questions_in, rerouted
from flows.session import Turn
from flows.specifics import SPEC, named_specifics
from flows.timekeeping import Timekeeping
from flows.understanding import (
    asks_something,
    no_english,
    topic_positions,
    topics_ruled,
    understand,
)
from flows.userfacts import (
    about_the_asker,
    read_message,
    speaks_of_self,
    stated_background,
    trained_abroad_in,
    user_facts,
)

_NOT_A_GOODBYE = {*A.QUESTIONS, A.ASK_FEEDBACK, A.ASK_STRENGTHS, A.ASK_REFERRALS, A.TIME_CHECK}
"""A goodbye that also asks or raises something is handled as that, not as leaving."""
_ASKS_ANEW = {*A.CLASSIC_QUESTIONS, A.ASK_FEEDBACK, A.ASK_STRENGTHS, A.ASK_REFERRALS, A.TIME_CHECK}
"""A request to say it again more simply that also asks for something is handled as that."""
_ABOUT_ME_TOPICS = {"hardest", "least", "mistakes", "thrives"}
_FROM_ABROAD = "from_abroad"
_HOW_LONG = re.compile(r"\bhow long (?:did|does|would|has|had|was) (?:that|it|this)\b", re.I)
_WHY = re.compile(r"\s*(?:(?:and|but|so|ok|oh|hmm|wait|sorry)\W+)*why\b", re.IGNORECASE)
_PRESUMES_NAMES = re.compile(
    r"\b(?:names?|handing over|hand over|passing on|introduc\w*)\b", re.IGNORECASE
)
"""A thanks for the promise that speaks of names already handed over."""
"""Topics that, asked about the asker's own case, are the fit question (advice and ways in
for "someone like me" stay advice and ways in, as TOPICS.md says)."""
_CLOSING_THANKS = {A.THANK, A.GREET, A.GOLDEN_RULE, A.ASK_CHECK_BACK, A.SHARE_INFO}
"""In the referral stage, a thanks with only these closes the meeting."""
_WORD = re.compile(r"[a-z']+")
_STOPWORDS = frozenset(
    " ".join(
        (
            "a an and are at be did do does for how i in is it me my of on or the to",
            "was what when where which who why with would you your",
        )
    ).split()
)


def _ready_only(text: str, sig: frozenset[str]) -> bool:
    """ "Ready, please." (second-language English): ready to go on, asking nothing, though
    the "please" has the shape of a request."""
    return "ready" in sig and "?" not in text


def plain_question_by_rules(turn: Turn, conversation: Conversation) -> bool:
    """Whether the rules alone (no acts read) take ``turn`` for a question."""
    answered_invitation = turn.kind in ("stay_accept", "stay_decline") and "?" not in turn.text
    return (asks_something(turn.text) and not answered_invitation) or (
        conversation._matches_prepared(turn.text)
    )


def _goodbye_in_another_language(state: str, acts: set[str], turn: Turn) -> bool:
    """ "Obrigada, tchau!" once the names are given: the user is leaving in their own
    language (read as no act, ACTS.md), not asking the contact to go on."""
    return state == REFERRAL and not acts and no_english(turn.text)


def _content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOPWORDS and len(w) > 2}


class Conversation(Closing, Remarks, Timekeeping):
    """Replies during the meeting (converse, goodbye, referral, and after it)."""

    def _respond(self, turn: Turn, acts: set[str], sig: frozenset[str]) -> None:
        p = self.persona
        f = facts_of(self.session)
        before = len(self.effects)
        if self._check_back_reply(f):
            return
        if (
            "rephrase" in sig
            and not acts & _ASKS_ANEW
            and not topic_positions(turn.text)  # "...I not understand. What does it do?"
            and self._rephrase()
        ):
            return
        if acts & {A.ASK_OTHER, A.SHARE_INFO} and self._curious_about_field(turn.text):
            acts -= {A.ASK_OTHER, A.SHARE_INFO}  # "I'm curious about sustainability.", to Freja
        if acts & _NOT_A_GOODBYE:
            acts.discard(A.GOODBYE)  # "thanks, bye, oh and is there anyone I should call?"
        if self.state == CONVERSE and A.TIME_CHECK in acts and not self._counts_as_time(f):
            acts.discard(A.TIME_CHECK)  # a courtesy at the start, not a wrap-up
            turn.kind = turn.kind or "time_courtesy"
        if self.state == CONVERSE and self._stay_answer(turn, acts, sig, f):
            acts -= {A.TIME_CHECK, A.ACCEPT_STAY, A.DECLINE_STAY}
            f = facts_of(self.session)
        elif self.state == CONVERSE and f.stay_invited is None:
            self._stay_unasked(turn, acts, f)
        if A.ASK_JOB in acts:
            self.say_one("deflect_job", p.job_deflection)
        if A.SHARE_INFO in acts:
            self.say_one("thanks_share", p.share_thanks)
        self._answer_questions(turn, acts, f, sig)
        if A.TIME_CHECK in acts:
            self._time_raised(acts)
        if acts & {A.ASK_FEEDBACK, A.ASK_STRENGTHS}:
            self._feedback(acts)
        if A.ASK_REFERRALS in acts:
            if self.meeting.can("ask_names"):
                self.meeting.fire("ask_names")
            else:
                self._give_names_or_hesitate()
        if A.ASK_CHECK_BACK in acts:
            self._check_back(f)
        if A.GOLDEN_RULE in acts:
            self.say_one("golden_rule_ack", self._golden_rule_lines())
        closing = (
            A.GOODBYE in acts
            or _goodbye_in_another_language(self.state, acts, turn)
            or (
                # After the names, a thanks closes: bare, or with the promise or a check-back
                # ("I'll keep it brief and won't ask them for a job. Thank you, Inês.").
                self.state == REFERRAL
                and A.THANK in acts
                and (len(self.effects) == before or not acts - _CLOSING_THANKS)
                and not asks_something(turn.text)  # "Thank you! And how did you meet them?"
            )
        )
        if closing and self.state == CONVERSE and self._goodbye_too_soon(turn, f):
            return
        if closing:
            self.meeting.fire("finish")
        elif len(self.effects) == before:
            background = stated_background(turn, self.session.persona_id)
            floor_back = not acts - set(A.CHECKLIST)  # (nothing asked or done but check-in facts)
            if turn.kind == "time_courtesy" and p.time_noted:
                self._time_noted()
            elif background is not None and p.background_ack:
                # "hi, thanks for meeting me! I work at a call centre": the news, not the hello
                self.say_one("background", p.background_ack, a_role=background.a_role)
            elif self._heard_back(turn.text):
                pass  # "Yes, a daughter, she's six.", after "Do you have kids yourself?"
            elif (
                p.intro_ack
                and not facts_of(self.session).questions  # the lines ask for the first one
                and speaks_of_self(turn.text)
                and self.voice.fresh(p.intro_ack)
            ):
                # "Hi, thanks for meeting me! I've driven city buses for 11 years...": they
                # told something of themselves the reader could not place; not a coffee chat
                self.say_one("intro_ack", p.intro_ack)
            elif acts <= {A.GREET, A.THANK} and self._interest_only(turn.text):
                pass  # "Hello, I'm really interested in getting into data analytics."
            elif acts & {A.GREET, A.THANK}:
                self.say_one("small_talk", self._small_talk_lines())
            elif (
                "comments" in sig
                and not acts
                and (answerer := Answerer(p, self.session, self.voice)).has_more()
            ):
                # "sounds exhausting tbh", "oh wow, that's a big jump" right after an answer:
                # said to hear more, so the contact goes on with it
                self.say_said(answerer.more())
            elif (
                floor_back
                and (not asks_something(turn.text) or _ready_only(turn.text, sig))
                and self.voice.fresh(p.go_ahead)
            ):
                # "ready", "ok", "I've got my notebook and my questions": the floor is theirs
                self.say_one("go_ahead", p.go_ahead)
            elif (
                floor_back
                and not asks_something(turn.text)
                and self.voice.fresh(self._small_talk_lines())
            ):
                # the go-ahead lines are used up: "haha fair enough" a third time still
                # hands the floor back, warmly, not "you've lost me there"
                self.say_one("small_talk", self._small_talk_lines())
            elif self.voice.fresh(p.fallbacks):
                self.say_one("fallback", p.fallbacks)
            else:  # every stock reply is used: name what was said, offer something new
                self.say_said(Answerer(p, self.session, self.voice).unknown(turn.text))
        self._notice_the_time(f)

    def _golden_rule_lines(self) -> Sequence[str]:
        """Thanks for the promise not to ask for jobs; before any names were given (the
        contact hesitated, or has not been asked yet), not a line about handing them over
        ("it's why I'm comfortable passing on their names", right after "not yet")."""
        lines = self.persona.golden_rule_ack
        if any(t.speaker == "contact" and t.kind == "referrals" for t in self.session.turns):
            return lines
        return [line for line in lines if not _PRESUMES_NAMES.search(line)] or lines

    def _answer_questions(self, turn: Turn, acts: set[str], f: Facts, sig: frozenset[str]) -> None:
        p = self.persona
        answerer = Answerer(p, self.session, self.voice)
        asking = bool(acts & set(A.QUESTIONS))
        # "I'd love to stay a bit longer!" answers the invitation; it asks nothing.
        answered_invitation = turn.kind in ("stay_accept", "stay_decline") and "?" not in turn.text
        plain_question = (
            acts <= NOT_ASKING
            and asks_something(turn.text)
            and not answered_invitation
            and not _ready_only(turn.text, sig)
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
        if not asking and A.FOLLOW_UP not in acts and self._matches_prepared(turn.text):
            plain_question = True
        hinted = self.hint.topics if self.hint is not None else ()
        items = asked_items(turn.text, acts, is_question=plain_question, hinted=hinted)
        if not items and {A.FOLLOW_UP, A.ASK_OTHER} <= acts and not answerer.has_more():
            # "how do you convince the CFO" read as "tell me more" too, with nothing said
            # to go on with: a question of its own, not "Good. Your question?"
            items = asked_items(turn.text, acts - {A.FOLLOW_UP}, is_question=True, hinted=hinted)
        if (
            "elliptical" in sig
            and len(items) == 1
            and items[0].kind in ("unknown", "topic")
            and (carried := answerer.carried(turn.text, named=items[0].kind == "topic"))
        ):
            # "and paralegals?" right after the pay answer: the pay question, asked of them;
            # "what about an apprentice?" after the typical day: an apprentice's day, where
            # the contact has one (else the topic it names: how apprentices get in)
            items = [carried]
        if not items and not asking and ("yes" in sig or A.FOLLOW_UP in acts):
            items = self._accepted_offer()
        if (
            "compares_pay" in sig
            and all(i.kind == "unknown" for i in items)
            and self._pay_reaction()
        ):
            return  # "that's three times what I earn now": a reaction, not a question
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
        items = rerouted(p, turn.text, items, answerer, going_back=going_back, asks_why=asks_why)
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
        if (holds_on or (items == [Item("unknown", "")] and "points_back" in sig)) and (
            answerer.has_more()
        ):
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
        said = [answerer.item(item, turn.text) for item in items[:MAX_ANSWERS]]
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
                tangent_told = self._tangent_of(f.tangent)
                index = p.tangents.index(tangent_told)
                self.say("follow_up_answer", tangent_told.follow_up, f"tangent.{index}+")
            elif not self._personal_more():
                self.say_said(answerer.more())

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

    def _after_meeting(self) -> None:
        if self.state == DONE and self._check_back_reply(facts_of(self.session)):
            return
        self.narrate("hint", narrator.line("after_done"))
