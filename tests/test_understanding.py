"""Unit tests for flows.understanding (dialogue-act recognition)."""

from __future__ import annotations

import time

import pytest

from flows.acts import ACTS, CHECKLIST
from flows.understanding import (
    SIGNALS,
    Context,
    Match,
    asks_something,
    explain,
    normalised,
    signals,
    topics,
    understand,
)
from flows.understanding.evaluate import evaluate
from flows.understanding.typos import osa_distance

REBUILT_29 = (
    "known error since the rebuild of the session after stop 29 (the topic stories and set Q "
    "learned): the act head reads it wrongly, while topic sets X, U2-U4, V and Z rose and the "
    "act sets moved by a message or two (tests/data/README.md)"
)
REBUILT = (
    "known error since the 2026-12-05 rebuild (training sets P and the scored held-out sets "
    "added): the act head reads it wrongly, while blind sets O, R and S each rose "
    "(tests/data/README.md)"
)


@pytest.mark.parametrize(
    ("text", "acts"),
    [
        # paraphrases
        ("were you always in healthcare?", {"ask_start"}),
        ("What got you into UX design in the first place?", {"ask_start"}),
        ("Anything you dislike about it?", {"ask_likes"}),
        ("what does it take to do well here?", {"ask_qualifications"}),
        ("would my retail experience transfer?", {"ask_fit"}),
        ("You think my experience is good for here?", {"ask_fit"}),
        ("Sorry, I think time is finish", {"time_check"}),
        ("time is over i think", {"time_check"}),
        ("do you think my skills are enough for this job?", {"ask_fit"}),
        ("could you look over my CV?", {"ask_resume"}),
        ("What does a typical day look like?", {"ask_other"}),
        ("how did you choose this company?", {"ask_other"}),
        ("how so?", {"follow_up"}),
        ("I read a report on that, happy to send it over", {"share_info"}),
        ("are you hiring?", {"ask_job"}),
        ("could you pass my CV to your manager?", {"ask_job"}),
        ("I see it's been twenty minutes", {"time_check"}),
        ("sure, if you have the time!", {"accept_stay"}),
        ("how did I come across?", {"ask_feedback"}),
        ("What do you see as my strengths and weaknesses?", {"ask_strengths"}),
        ("What are the strengths and weaknesses of my resume?", {"ask_resume"}),
        ("is there anyone else you'd suggest I talk to?", {"ask_referrals"}),
        ("would it be ok if I followed up with you on Friday?", {"ask_check_back"}),
        ("have a great afternoon", {"goodbye"}),
        ("got here at 9:45 for our 10 o'clock", {"arrive_early"}),
        ("I dressed up in a blazer and tie", {"dressed"}),
        ("I have a notepad and pen ready", {"notebook"}),
        ("I printed the questions I emailed you", {"questions_copy"}),
        # formal / casual / British spelling / accents
        ("Good afternoon, Ms. Patel. Thank you for having me.", {"greet", "thank"}),
        ("What's your least favourite part of the role?", {"ask_likes"}),
        ("What are my résumé's strengths and weaknesses?", {"ask_resume"}),
    ],
)
def test_paraphrases(text: str, acts: set[str]) -> None:
    assert understand(text) == acts


@pytest.mark.parametrize(
    ("text", "acts"),
    [
        ("could u look over my resmue pls", {"ask_resume"}),
        ("what qualifcations do i need", {"ask_qualifications"}),
        ("thx!!", {"thank"}),
        ("Thnaks for your time", {"thank"}),
        ("can u recomend anyone i should talk to", {"ask_referrals"}),
        ("how did u get strated in this feild?", {"ask_start"}),
    ],
)
def test_typos_and_slang(text: str, acts: set[str]) -> None:
    assert understand(text) == acts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("thx 4 ur time", "thanks for your time"),
        ("nice 2 meet u", "nice to meet you"),
        ("i have 2 kids", "i have 2 kids"),
        ("in a day or 2", "in a day or 2"),
        ("ive been a barista for 4 yrs", "i have been a barista for 4 years"),
        ("ill check back w/ u thurs", "i will check back with you thursday"),
        ("i was ill last week", "i was ill last week"),
        ("its been like 20 min", "it has been like 20 minutes"),
        ("if ur looking for ppl", "if you are looking for people"),
        ("might help ur recruiting", "might help your recruiting"),
        ("pen + paper", "pen and paper"),
        ("any1 else?", "anyone else ?"),
        ("an hr early", "an hour early"),
        ("half an hr tops", "half an hour tops"),
        ("what does an hr business partner do", "what does an hr business partner do"),
        ("is a hr manager role stressful", "is a hr manager role stressful"),
        ("pass my cv to hr", "pass my cv to hr"),
        ("wdym", "what do you mean"),
        ("students who'd be keen", "students who would be keen"),
        ("what do you wish you'd known", "what do you wish you had known"),
        ("wait, were you always in law", "wait , were you always in law"),
    ],
)
def test_chat_normalisation(text: str, expected: str) -> None:
    assert normalised(text) == expected


@pytest.mark.parametrize(
    ("text", "acts"),
    [
        # casual texting
        ("so like how did u break into the games industry", {"ask_start"}),
        ("what was ur first gig in radio", {"ask_start"}),
        ("what sucks the most about it", {"ask_likes"}),
        ("what part of the job drives u crazy", {"ask_likes"}),
        ("what would u say it takes to succeed in qa", {"ask_qualifications"}),
        ("what traits do the best nurses have", {"ask_qualifications"}),
        ("im a chef rn, would that carry over at all to product mgmt", {"ask_fit"}),
        ("would 3 yrs of retail count for anything in hr", {"ask_fit"}),
        ("be honest whats the weakest part of my cv", {"ask_resume"}),
        ("what time does ur day usually wrap", {"ask_other"}),
        ("and then what happened lol", {"follow_up"}),
        ("can u explain that a bit more", {"follow_up"}),
        ("wdym by that", {"follow_up"}),
        ("my friend runs a discord for devs, happy to intro u", {"share_info"}),
        ("btw the job fair is next month, could be good for ur recruiting", {"share_info"}),
        ("can i apply directly thru u", {"ask_job"}),
        ("i wanna be respectful of ur time", {"time_check"}),
        ("im free for another 10!", {"accept_stay"}),
        ("aw i cant today unfortunately, i've got a dentist appt", {"decline_stay"}),
        ("did i seem prepared", {"ask_feedback"}),
        ("what impression would i leave on a recruiter", {"ask_feedback"}),
        ("from ur pov whats my biggest weakness", {"ask_strengths"}),
        ("know anybody in esports i could shoot a msg to?", {"ask_referrals"}),
        ("cool if i circle back in a day or 2?", {"ask_check_back"}),
        ("not hitting them up for work, promise", {"golden_rule"}),
        ("alright see ya 👋", {"goodbye"}),
        ("later!!", {"goodbye"}),
        ("made it with 15 to spare", {"arrive_early"}),
        ("showed up way before 3 lol", {"arrive_early"}),
        ("put on my interview fit", {"dressed"}),
        ("brought pen + paper", {"notebook"}),
        # formal and indirect
        ("Might I ask how you first entered the profession?", {"ask_start"}),
        ("I was wondering whether you had always intended to pursue medicine.", {"ask_start"}),
        ("What gives you the greatest satisfaction in your work?", {"ask_likes"}),
        ("Would you advise obtaining a chartered qualification?", {"ask_qualifications"}),
        (
            "Do you believe my experience in the armed forces would be regarded favourably?",
            {"ask_fit"},
        ),
        ("In what respect?", {"follow_up"}),
        ("I do not wish to encroach upon your afternoon.", {"time_check"}),
        # (read right since the 2026-12-05 rebuild; an xfail before)
        ("That is most kind, but I must not impose on your time any further.", {"decline_stay"}),
        ("Might I ask what impression I made?", {"ask_feedback"}),
        ("Would it be acceptable for me to contact you again on Thursday?", {"ask_check_back"}),
        ("I arrived approximately fifteen minutes prior to our appointment.", {"arrive_early"}),
        ("Kind regards, and thank you.", {"goodbye", "thank"}),
        ("Good to see you again!", {"greet"}),
    ],
)
def test_phrasing_kinds(text: str, acts: set[str]) -> None:
    assert understand(text) == acts


@pytest.mark.parametrize(
    "text",
    [
        "That is most kind, but I must not impose on your time any further.",
        "thanks, but I should let you get on with your day",
        "I'd better not, I've got a train to catch",
    ],
)
def test_stay_replies_are_read_after_an_invitation(text: str) -> None:
    assert "decline_stay" in understand(text, Context("goodbye", "invite_stay"))


@pytest.mark.parametrize(
    "text, acts",
    [
        (
            "Hello! I got here 15 minutes early, in my navy suit.",
            {"greet", "arrive_early", "dressed"},
        ),
        (
            "Arrived a quarter of an hour early, wearing a grey blazer, notepad and pen in my bag.",
            {"arrive_early", "dressed", "notebook"},
        ),
        (
            "Got here 10 min early and I've printed the questions I emailed, plus a pen and pad",
            {"arrive_early", "questions_copy", "notebook"},
        ),
        (
            "Thanks so much for your time, I see we're at the half hour, goodbye for now!",
            {"thank", "time_check", "goodbye"},
        ),
    ],
)
def test_facts_strung_together_are_each_read(text: str, acts: set[str]) -> None:
    """One vector for a whole message dilutes each fact in it: the act head once dropped
    the suit from "15 minutes early, in my navy suit", and a practice never went in."""
    stage = "goodbye" if "goodbye" in acts else "arrive"
    assert understand(text, Context(stage)) >= acts


@pytest.mark.parametrize(
    "text",
    [
        "do u like ur coffee black lol",
        "tell me about it, my old boss was the same",
        "i love that u said that",
        "I know what is expected in this industry.",
        "what a nice office",
        "i have 2 interviews this week",
        "I read that somewhere too.",
        "wow that's a lot of hours",
    ],
)
def test_small_talk_stays_silent(text: str) -> None:
    assert understand(text) == frozenset()


def test_a_word_longer_than_any_correction_is_not_spelled_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A 4,000-letter "word" (a pasted link, a key held down) took half a minute: every
    deletion of two of its letters was spelled out, though no rule word is within reach."""
    from flows.understanding import typos

    corrector = typos.Corrector(["nursing"])
    spelled: list[str] = []
    real = typos._deletes
    monkeypatch.setattr(typos, "_deletes", lambda w, d: spelled.append(w) or real(w, d))
    assert corrector.correct("ab" * 2000) == "ab" * 2000
    assert spelled == []
    assert corrector.correct("nursnig") == "nursing" and spelled  # (in reach: corrected)


def test_common_words_are_not_corrected() -> None:
    # Frequent English words must not be "corrected" into a rule word (wait -> want).
    assert normalised("wait i am sick") == "wait i am sick"
    assert normalised("could u recomend anyone") == "could you recommend anyone"


@pytest.mark.parametrize(
    ("text", "acts"),
    [
        ("👋", {"greet"}),
        ("🙏", {"thank"}),
        ("Talk soon 👋", {"goodbye"}),
        ("Wearing my best suit 👔", {"dressed"}),
        ("😊", set()),
        ("👍", set()),
    ],
)
def test_emoji(text: str, acts: set[str]) -> None:
    assert understand(text) == acts


@pytest.mark.parametrize(
    ("text", "acts"),
    [
        ("Thanks, I'd love to stay", {"thank", "accept_stay"}),
        ("thanks for your time, goodbye", {"thank", "goodbye"}),
        (
            "Hi Dana, thanks for meeting me. How did you get started in nursing?",
            {"greet", "thank", "ask_start"},
        ),
        (
            "How did you get into law, and what does a typical week look like?",
            {"ask_start", "ask_other"},
        ),
        (
            "Before I go, is there anyone you'd recommend I speak with? "
            "I promise I won't ask them for a job",
            {"ask_referrals", "golden_rule"},
        ),
    ],
)
def test_multi_act(text: str, acts: set[str]) -> None:
    assert understand(text) == acts


@pytest.mark.parametrize(
    "text",
    [
        "ok",
        "hmm",
        "I see",
        "I'm a teacher",
        "The weather is lovely today",
        "Bonjour, comment allez-vous ?",
        "Wie bist du in die Branche gekommen?",
        "my resume is attached",
        "I have a few questions for you",
        "do you mind if I take notes?",
    ],
)
def test_no_act(text: str) -> None:
    assert understand(text) == frozenset()


@pytest.mark.parametrize(
    ("text", "acts"),
    [
        ("I arrived late", set()),
        ("I wasn't early today, traffic was terrible", set()),
        ("I won't ask for a job", {"golden_rule"}),
        ("I won't ask them for a job, I only want their perspective", {"golden_rule"}),
        ("I didn't wear a suit", set()),
        ("I forgot my notebook at home", set()),
        ("I'd love to stay, but I have to catch my train", {"decline_stay"}),
        pytest.param(
            "what would you like me to tell you about myself?",
            set(),
            marks=pytest.mark.xfail(
                strict=True,
                reason="known error since the fine-tuned encoder: the learned reader reads "
                "ask_feedback (p 0.73); acts cross-validated 0.937 -> 0.947 macro-F1 overall",
            ),
        ),
    ],
)
def test_negation_and_near_misses(text: str, acts: set[str]) -> None:
    assert understand(text) == acts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'm ready", {"ready"}),
        ("let's begin", {"ready"}),
        ("ok let's go in", {"ready"}),
        ("yes", {"yes"}),
        ("sure", {"yes"}),
        ("sounds good", {"yes"}),
        ("ok!", {"yes"}),
        ("no thanks", {"no"}),
        ("nope", {"no"}),
        ("not really", {"no"}),
        ("I'm not ready yet", {"no"}),
        ("How did you get into nursing?", set()),
    ],
)
def test_signals(text: str, expected: set[str]) -> None:
    assert signals(text) == expected


def test_signals_are_not_acts() -> None:
    assert understand("yes") == frozenset()
    assert understand("I'm ready") == frozenset()


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "👋🙏😊" * 50, "?!?!", "a" * 10_000])
def test_odd_input_does_not_crash(text: str) -> None:
    assert understand(text) <= set(ACTS)
    assert isinstance(signals(text), frozenset)
    assert isinstance(explain(text), list)


def test_long_input_is_fast_and_sane() -> None:
    text = "Hi! How did you get started in nursing? " + "blah " * 2000
    start = time.perf_counter()
    acts = understand(text)
    assert time.perf_counter() - start < 1.0
    assert {"greet", "ask_start"} <= acts


def test_explain_names_rules() -> None:
    matches = explain("Hi Dana! How did you get into nursing?")
    assert all(isinstance(m, Match) for m in matches)
    assert {m.act for m in matches} == {"greet", "ask_start"}
    assert all(m.rule and m.matched for m in matches)
    assert any(m.rule == "hello_word" and m.matched == "hi" for m in matches)


def test_explain_includes_signals() -> None:
    assert [m.act for m in explain("sure")] == ["yes"]


def test_understand_matches_explain() -> None:
    text = "thanks so much, bye!"
    assert understand(text) == {m.act for m in explain(text) if m.act not in SIGNALS}


def test_normalisation() -> None:
    assert normalised("Résumé, u thx") == "resume , you thanks"
    assert normalised("I won't") == "i will not"
    assert normalised("How'd you") == "how did you"


def test_osa_distance() -> None:
    assert osa_distance("resmue", "resume") == 1
    assert osa_distance("qualifcations", "qualifications") == 1
    assert osa_distance("abc", "abc") == 0


def test_evaluate_report() -> None:
    data = [("hi", frozenset({"greet"})), ("bye", frozenset({"goodbye"})), ("ok", frozenset())]
    report = evaluate(data)
    assert report.macro_f1 == 1.0
    assert report.scores["greet"].support == 1
    bad = evaluate([("hi", frozenset({"thank"}))])
    assert bad.scores["thank"].recall == 0.0
    assert bad.scores["greet"].precision == 0.0
    assert bad.macro_f1 == 0.0


@pytest.mark.parametrize(
    ("text", "acts"),
    [
        # clock times: "X for our Y", dotted times, "since twenty to", "minutes prior"
        ("I was in reception by 10:45 for our 11 o'clock", {"arrive_early"}),
        ("here 1.40 for 2.00, no hurry", {"arrive_early"}),
        ("been sitting downstairs since quarter to", {"arrive_early"}),
        ("reached 15 mins prior", {"arrive_early"}),
        ("I arrived a little before the agreed hour", {"arrive_early"}),
        # clothes chosen rather than worn
        ("I went for the charcoal suit today", {"dressed"}),
        ("I came dressed as if for a client meeting", {"dressed"}),
        # unpunctuated and non-native questions
        ("sir how you became a pharmacist", {"ask_start"}),
        ("can we begin with how you got into audit", {"ask_start"}),
        ("were you a lab tech first?", {"ask_start"}),
        ("did you grow up wanting to be a vet", {"ask_start"}),
        ("how was your move from sales into product?", {"ask_start"}),
        ("is there anything about the job that really annoys you", {"ask_likes"}),
        ("which part of the week do you look forward to", {"ask_likes"}),
        ("what is the thing you are enjoying most in nursing?", {"ask_likes"}),
        ("is license must for this job", {"ask_qualifications"}),
        ("what kind of temperament does one need to do well in sales", {"ask_qualifications"}),
        ("is the PMP really required or can you get in with a CAPM", {"ask_qualifications"}),
        ("who tends to drop out in the first year", {"ask_qualifications"}),
        ("where would a guy with 15 yrs in retail slot in", {"ask_fit"}),
        ("would someone fresh out of the army fit into logistics", {"ask_fit"}),
        # (a known error of the first 2026-12-06 rebuild, read right by the second, not the third)
        pytest.param(
            "how is overseas experience such as mine viewed here?",
            {"ask_fit"},
            marks=pytest.mark.xfail(strict=True, reason=REBUILT_29),
        ),
        ("I ask myself if my years in banking can be useful in fintech", {"ask_fit"}),
        ("i was a nurse 10 yrs, would that fit in pharma sales", {"ask_fit"}),
        ("is there a place for me in UX at 50?", {"ask_fit"}),
        ("kindly check my biodata and tell me what to improve", {"ask_resume"}),
        ("my cv is attached does it look too long", {"ask_resume"}),
        ("what would you say I do well?", {"ask_strengths"}),
        ("what are my strong sides in your view", {"ask_strengths"}),
        ("Is there something in how I introduced myself that I should change?", {"ask_feedback"}),
        ("then what", {"follow_up"}),
        ("you may not have seen it yet, the state is changing the licensing rules", {"share_info"}),
        ("my cousin is a recruiter, want her number?", {"share_info"}),
        ("please consider me if anything opens", {"ask_job"}),
        ("could you put in a word for me with HR", {"ask_job"}),
        ("could you get me in front of your director", {"ask_job"}),
        ("I'd take any role you have, honestly", {"ask_job"}),
        ("your time is valuable, I will not take much of it", {"time_check"}),
        ("it is almost quarter past already", {"time_check"}),
        ("it's fine for me to stay longer", {"accept_stay"}),
        ("I'd better say no, I have to pick up my son", {"decline_stay"}),
        ("is there maybe someone in compliance who could spare me 20 minutes?", {"ask_referrals"}),
        ("could you intro me to someone in claims", {"ask_referrals"}),
        ("may I write you again after a few days?", {"ask_check_back"}),
        ("would you mind if I sent a short email on Monday?", {"ask_check_back"}),
        ("I'd only ask those folks for advice, not employment", {"golden_rule"}),
        ("I'd never put them in an awkward spot by asking for work", {"golden_rule"}),
        ("Greetings from sunny Lisbon!", {"greet"}),
        ("ok see you, salamat", {"goodbye"}),
    ],
)
def test_phrasing_kinds_round_two(text: str, acts: set[str]) -> None:
    assert understand(text) == acts


@pytest.mark.parametrize(
    ("text", "acts"),
    [
        # not the act, though its words are there
        ("Thank goodness the train was on time", set()),
        ("I'm grateful I took that evening course", set()),
        ("Goodbye to spreadsheets, hello to patients!", set()),
        ("I'll bring a better notepad next time", set()),
        ("we were always told to arrive early to interviews", set()),
        ("I read that report too.", set()),
        ("do I need to pass the licensing exam again?", {"ask_qualifications"}),
        (
            "which course would you recommend for someone wanting to learn SQL?",
            {"ask_qualifications"},
        ),
        ("thanks for the notes on my CV! how did I come across?", {"thank", "ask_feedback"}),
        (
            "I really appreciate your feedback. Who else should I talk to?",
            {"thank", "ask_referrals"},
        ),
        ("how should I explain the gap on my resume", {"ask_resume"}),
        ("what made you join this firm rather than a bigger one?", {"ask_other"}),
        ("I'd better say no to dessert", set()),
    ],
)
def test_near_misses_round_two(text: str, acts: set[str]) -> None:
    assert understand(text) == acts


def test_suppression_looks_past_the_suppressed_clause() -> None:
    # (read right since the 2026-12-06 rebuild; an xfail before)
    # ask_other is suppressed where ask_qualifications fires, not in the next clause
    text = "what do you need to be good at this and what does the team look like"
    assert understand(text) == {"ask_qualifications", "ask_other"}


@pytest.mark.parametrize(
    ("text", "acts"),
    [
        ("ok few more mins then", {"accept_stay"}),
        ("oh nice ok yes", {"accept_stay"}),
        ("sure, thx! so what about the certs", {"accept_stay", "thank", "ask_qualifications"}),
        ("no, I have plenty of time", {"accept_stay"}),
        ("no thats ok", {"decline_stay"}),
        ("nah im good", {"decline_stay"}),
        ("cant sorry, got another thing at 4", {"decline_stay"}),
    ],
)
def test_a_short_yes_or_no_answers_the_invitation_to_stay(text: str, acts: set[str]) -> None:
    from flows.understanding.context import Context

    assert understand(text, Context("goodbye", "invite_stay")) == acts


@pytest.mark.parametrize("text", ["ok few more mins then", "oh nice ok yes", "no thats ok"])
def test_without_the_invitation_a_short_yes_or_no_is_not_about_staying(text: str) -> None:
    assert not understand(text) & {"accept_stay", "decline_stay"}


@pytest.mark.parametrize(
    ("text", "acts"),
    [
        ("bye 👋", {"goodbye"}),
        ("Have a good continuation of your day!", {"goodbye"}),
        ("anyone else i should talk to", {"ask_referrals"}),
        ("worst part", {"ask_likes"}),
        ("the worst part was the commute, honestly", set()),
    ],
)
def test_terse_and_second_language_phrasings(text: str, acts: set[str]) -> None:
    assert understand(text) == acts


@pytest.mark.parametrize(
    ("text", "acts"),
    [
        # a catch-all question act never comes from the statement beside the real question
        (
            "In Korea I worked in hotel management for ten years. Could you tell me whether "
            "my hotel experience would be useful in this industry?",
            {"ask_fit"},
        ),
        ("What I disliked most about hospitality was the split shifts.", set()),
        ("When I was a nurse, the time passed very fast on night shifts.", set()),
        (
            "As a chef, I'm used to pressure. Can you see someone like me doing well in PM?",
            {"ask_fit"},
        ),
        ("Do you know whether anything is coming up on your team?", {"ask_job"}),
        (
            "If a position were to become available in your department, I would be very "
            "grateful if you could keep me in mind.",
            {"ask_job"},
        ),
    ],
)
def test_long_formal_messages_and_statements_beside_a_question(text: str, acts: set[str]) -> None:
    assert understand(text) == acts


@pytest.mark.parametrize(
    "text, asks_for_a_job",
    [
        ("are there any internships or apprenticeships in your field", False),
        pytest.param(
            "are there actually jobs out there for junior devs at the moment?",
            False,
            marks=pytest.mark.xfail(
                strict=True,
                reason=REBUILT,
            ),
        ),
        ("are there many roles in this industry for people over fifty?", False),
        ("Are there any openings at your company?", True),
        ("any openings in your field for me?", True),
        ("Is your team hiring at the moment?", True),
        # How the contact's organisation does something, asked while rehearsing: the
        # learned reader took both for job requests and the contact deflected one
        ("What does your hiring process look like for new lab staff?", False),
        ("what do you look for when hiring juniors?", False),
        ("are you hiring juniors?", True),
        ("How do you bid for council contracts?", False),
        ("How do you hire juniors? Would you consider hiring me?", True),
    ],
)
def test_asking_about_the_market_is_not_asking_for_a_job(text: str, asks_for_a_job: bool) -> None:
    """The scorecard marks a job request hard; a question about the field's openings in
    general is a question about demand or ways in, not a request."""
    assert ("ask_job" in understand(text)) is asks_for_a_job


@pytest.mark.parametrize(
    "text, topic",
    [
        ("I'd be interested in what you think retail will look like in ten years.", "future"),
        ("I was hoping you might share what you'd tell someone brand new to surveying.", "advice"),
        (
            "With two kids, I'm trying to work out whether the hours in nursing are doable.",
            "balance",
        ),
        ("u ever think about packing it in", "leaving"),
        ("and the best bit of the week for you would be what", "best"),
    ],
)
def test_indirect_questions_are_heard_as_questions(text: str, topic: str) -> None:
    assert asks_something(text)
    assert topic in topics(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Have you ever been hurt on the job?", ("stories",)),
        ("What's the most dangerous thing that's happened to you at work?", ("stories",)),
        ("tell me about a time something went really wrong", ("stories",)),
        ("what's the funniest thing that's happened at work?", ("stories",)),
        ("What's the biggest mistake you've made in your career?", ("stories",)),
        ("any crazy stories from the job?", ("stories",)),
        ("have you ever had a close call?", ("stories",)),
        ("what was your worst day on the job", ("stories",)),
        ("whats the weirdest request youve had from a client", ("stories",)),
        # its neighbours keep their own topics
        ("what's the worst part of the job?", ("least",)),
        ("what's the hardest part?", ("hardest",)),
        ("what mistakes do new nurses make?", ("mistakes",)),
        ("whats the dumbest thing apprentices do on site lol", ("mistakes",)),
        ("What would you do differently?", ("differently",)),
        ("what's your proudest moment?", ("proudest",)),
        ("ever had a nightmare client?", ("difficult_people",)),
        ("Was there a moment when you nearly left law?", ("leaving",)),
        ("tell me about a typical day", ("typical_day",)),
        ("any success stories of people switching in their forties?", ("later_start",)),
    ],
)
def test_a_story_from_the_contacts_own_working_life_is_its_own_topic(
    text: str, expected: tuple[str, ...]
) -> None:
    """One event the contact lived (TOPICS.md, `stories`): "have you ever been hurt on the
    job?" got "that's beyond my lab bench" from every contact, as a question no topic
    covers, and "the funniest thing that's happened" was taken for a follow-up."""
    assert topics(text) == expected


@pytest.mark.parametrize(
    ("text", "acts", "expected"),
    [
        # a short question the act reader also takes for a follow-up, or said with thanks:
        # the contact answers it (flows.conversation), so `rapport understand` prints it
        ("thanks! rookie mistakes?", {"thank", "follow_up"}, ("mistakes",)),
        ("Hi! What does a normal week look like?", {"greet"}, ("typical_day",)),
        ("tell me more about that", {"follow_up"}, ()),  # a follow-up: no topic of its own
        ("what does a normal week look like? I can stay", {"accept_stay"}, ()),  # another act
    ],
)
def test_the_topics_printed_are_those_the_contact_answers(
    text: str, acts: set[str], expected: tuple[str, ...]
) -> None:
    from flows.asking import question_topics

    assert question_topics(text, acts) == expected


@pytest.mark.parametrize(
    "text",
    [
        "is it hard to get into a nursing program as a mature student?",
        "is it tough finding a first job in law?",
        "is it difficult for someone without a degree?",
    ],
)
def test_is_it_hard_to_is_a_new_question_not_a_reaction(text: str) -> None:
    """ "Is it hard to get into X?" asks something new; it was read as a reaction to the
    last answer ("that sounds hard?") and got more of it instead of an answer."""
    assert "follow_up" not in understand(text)


@pytest.mark.parametrize(
    "text",
    [
        "that sounds hard?",
        "was it tough for you?",
        "is it scary?",  # (a known error of the 2026-12-05 rebuild, read right since stop 29's)
    ],
)
def test_a_reaction_put_as_a_question_asks_for_more(text: str) -> None:
    assert "follow_up" in understand(text)


@pytest.mark.parametrize(
    ("text", "early"),
    [
        ("hi, im Dee, here to see Tomás at 10", False),
        ("hi im here for carys at 10", False),
        ("Hi, I have a 10 o'clock with Ray.", False),
        ("here at 2:50 for 3", True),
        ("I got here about 15 minutes early", True),
        ("been in the lobby since 9:40 for our 10am", True),
    ],
)
def test_arriving_early_needs_words_that_say_so(text: str, early: bool) -> None:
    """Reviewers who said only when their meeting was heard "Noted: you arrived early", and
    the scorecard passed it. The learned reader adds arrive_early only with evidence."""
    assert ("arrive_early" in understand(text, Context("arrive"))) is early


@pytest.mark.parametrize(
    ("text", "acts"),
    [
        (
            "I got here 10 minutes early in a suit, with a notebook and the questions I emailed.",
            {"arrive_early", "dressed", "notebook", "questions_copy"},
        ),
        ("Arrived early, suit, notebook, questions. ready", None),
        (
            "I got here early. I'm in a smart black top and I brought my sketchbook, a pen and "
            "my questions. I'm ready.",
            # a sketchbook and a pen are something to take notes with (ACTS.md: "a
            # notebook/notepad and pen"): the rules' word since the second 2026-12-06 rebuild
            {"arrive_early", "dressed", "notebook", "questions_copy"},
        ),
        ("Arrived early in a suit, notebook and pen, copy of my questions.", None),
        ("Ten minutes early, navy suit, notebook and my questions.", None),
        ("My brother's wedding was black tie and I hated wearing a suit all day", set()),
        ("I have a notebook for any questions that come up", {"notebook"}),
    ],
)
def test_a_check_in_list_is_read_item_by_item(text: str, acts: set[str] | None) -> None:
    """A rehearsing user described their clothes in 21 practices and was credited in 6: the
    learned reader dropped 'in a suit' strung into a list with other items. Each checklist
    item's own words are now read alone when the message is a check-in (not a story about a
    wedding)."""
    expected = set(CHECKLIST) if acts is None else acts
    assert understand(text, Context("arrive")) & set(CHECKLIST) == expected


@pytest.mark.parametrize(
    "text",
    [
        "What's one thing I should work on?",
        "Anything I should work on?",
        "What should I improve?",  # (a known error of the act head since stop 29's rebuild)
        "How did I do? Strengths and weaknesses?",
    ],
)
def test_asking_what_to_work_on_asks_for_weaknesses(text: str) -> None:
    """A rehearsing user asked these at the end of three meetings and was marked as never
    asking for their strengths and weaknesses ('one thing I should work on' was read as a
    question about advice)."""
    assert "ask_strengths" in understand(text, Context("goodbye"))


@pytest.mark.parametrize(
    ("text", "job"),
    [
        ("Would I have to be on call? That would be hard for me.", False),
        ("Would a PI hire me as a postdoc at 41?", False),
        ("would anyone hire me with a record?", False),
        ("can I start part-time?", False),
        ("would you hire me?", True),
        ("could your team take me on?", True),
        ("any openings on your team?", True),
    ],
)
def test_asking_about_ones_chances_is_not_asking_for_a_job(text: str, job: bool) -> None:
    """Reviewers and rehearsing users were marked for asking for a job when they asked about
    the work's hours ('would I have to be on call?', from a user with MS), their chances with
    someone else ('would a PI hire me at 41?') or part-time work. The learned reader may add
    ask_job only with a word of it (evidence.yaml); someone else hiring the user is not it."""
    assert ("ask_job" in understand(text)) is job


@pytest.mark.parametrize(
    ("text", "promise"),
    [
        ("how do u deal with clients who hate ur designs", False),
        ("How do you handle a client who rejects every draft?", False),
        ("I promise I won't ask them for a job.", True),
        ("Thanks! I'd just want their perspective.", True),
    ],
)
def test_a_question_about_clients_is_not_the_promise_about_jobs(text: str, promise: bool) -> None:
    """'how do u deal with clients who hate ur designs' was read as promising not to ask the
    people named for a job (the learned reader alone), and the scorecard credited the
    promise to it. The reader adds golden_rule only with a word of it (evidence.yaml)."""
    assert ("golden_rule" in understand(text, Context("converse"))) is promise


@pytest.mark.parametrize("text", ["Thanks Freja, tak!", "thanks a million conor"])
def test_a_short_thanks_with_a_name_is_not_taken_for_another_language(text: str) -> None:
    """Two rehearsing users' closing thanks were read as no act (a name and a Danish word
    made three-word messages look foreign), so the meeting never closed and the scorecard
    missed the thanks. Messages of fewer than four words are no longer checked for it."""
    assert "thank" in understand(text, Context("referral"))


def test_a_short_question_in_a_fields_jargon_is_english() -> None:
    """'are diesel forklifts scope 1?' (to a head of sustainability) was taken for another
    language and went unanswered: jargon on the frequency list now counts half."""
    assert normalised("are diesel forklifts scope 1?")
    assert not normalised("muchas gracias por todo")


@pytest.mark.parametrize(
    ("text", "stage", "after", "acts"),
    [
        # the agreed time, said at the end in other words
        ("Right, time's up, I'll let you go.", "goodbye", "wrap_up", {"time_check"}),
        ("Wow, thirty minutes already!", "goodbye", "wrap_up", {"time_check"}),
        ("It has honestly been twenty minutes, hasn't it.", "goodbye", "", {"time_check"}),
        ("Our time is nearly spent, so one last thing.", "goodbye", "", {"time_check"}),
        ("How much of your time is spent on audits?", "converse", "", {"ask_other"}),
        # a yes or a no to the invitation to stay, put another way
        ("Works for me, my evening is free anyway", "goodbye", "invite_stay", {"accept_stay"}),
        ("Then ok, I stay a little more", "goodbye", "invite_stay", {"accept_stay"}),
        ("I'd be delighted to linger a while", "goodbye", "invite_stay", {"accept_stay"}),
        # checking back on a day, more names after the first ones
        ("Touch base Thursday?", "referral", "undecided", {"ask_check_back"}),
        ("Anyone at a smaller agency as well?", "referral", "referrals", {"ask_referrals"}),
        ("bye thanks!!", "goodbye", "farewell", {"goodbye", "thank"}),
        # arriving: what they have with them, and what they meant to have but don't
        ("Questions printed, pen ready.", "arrive", "", {"notebook", "questions_copy"}),
        ("I meant to wear my blazer but it's still at the tailor's", "arrive", "", set()),
        ("I forgot to print the questions, sorry.", "arrive", "", set()),
        ("I was gonna get here early but the tram broke down", "arrive", "", set()),
        # (development set Z, 2026-12-06: the rules alone 194 -> 249 of its 280 messages)
        # the time, in words the rules did not know
        (
            "We're right at the limit, thank you for your lunch break.",
            "goodbye",
            "wrap_up",
            {"time_check", "thank"},
        ),
        (
            "Time's nearly up, so quickly: what impression did I give you?",
            "goodbye",
            "",
            {"time_check", "ask_feedback"},
        ),
        ("I don't want to overrun. Thanks so much!", "goodbye", "", {"time_check", "thank"}),
        ("I don't want to overstep, but how did I come across?", "goodbye", "", {"ask_feedback"}),
        # a warm yes or a leaving no to the invitation
        (
            "Oh, gladly! Another quarter of an hour would be brilliant.",
            "goodbye",
            "invite_stay",
            {"accept_stay"},
        ),
        (
            "Well, I'm certainly not going to say no to that.",
            "goodbye",
            "invite_stay",
            {"accept_stay"},
        ),
        (
            "Another time maybe? I'd hate to push my luck.",
            "goodbye",
            "invite_stay",
            {"decline_stay"},
        ),
        (
            "Yes of course, I have time, no train to catch today",
            "goodbye",
            "invite_stay",
            {"accept_stay"},
        ),
        # checking back with the contact on a day, not with the people named
        (
            "Mind if I give you a quick ring on Thursday once you've had a think?",
            "referral",
            "undecided",
            {"ask_check_back"},
        ),
        (
            "Would it be alright for me to follow up with them next week?",
            "referral",
            "referrals",
            set(),
        ),
        (
            "Perfect. And I promise I won't put any of them on the spot about openings.",
            "referral",
            "referrals",
            {"golden_rule"},
        ),
        ("Thanks, you too.", "goodbye", "farewell", {"goodbye", "thank"}),
        # arriving: early without the word, dressed without a verb, and other people's clothes
        (
            "I sat in my car for ten minutes so I wouldn't knock too early.",
            "arrive",
            "",
            {"arrive_early"},
        ),
        ("Morning! Suit pressed, shoes polished, ready to go.", "arrive", "", {"greet", "dressed"}),
        ("My flatmate wore a suit to her interview yesterday.", "arrive", "", set()),
        ("I was going to bring my notebook but left it on the bus.", "arrive", "", set()),
    ],
)
def test_the_ends_of_the_meeting_said_in_other_words(
    text: str, stage: str, after: str, acts: set[str]
) -> None:
    assert understand(text, Context(stage, after)) == acts


@pytest.mark.parametrize(
    "text", ["I wish! My train leaves at six.", "Kind of you, but I'll stop there."]
)
def test_a_no_to_the_invitation_said_another_way(text: str) -> None:
    """(Declining may also raise the time: the reader may read both.)"""
    read = understand(text, Context("goodbye", "invite_stay"))
    assert "decline_stay" in read and "accept_stay" not in read


@pytest.mark.parametrize(
    "question",
    [
        "how did u get into tech again? sorry my notes got messy",
        "how long have u been at the council?",
        "Please can you tell how you are starting in HR?",  # (no rule read it before)
        # (a practising user: it was deferred as "not something I can usefully help with")
        "Have you been at the council long? It's a lovely old building.",
        # (second-language English inside a long message: "I'd rather answer that properly")
        "I work 7 years in retail store in Queens. Before, in Colombia, I study two years of "
        "law but I not finish. How you start in the law?",
        # (a practising user got Mei Ling's answer on where employment law is heading)
        "Why you change from hotel to HR?",
        "why did you switch from hotels to HR?",
    ],
)
def test_a_classic_question_the_learned_reader_drops_is_kept(question: str) -> None:
    """Since the rebuild of the session after stop 29 the learned reader reads these as
    nothing (ask_start 0.33 and 0.22), and the contact deferred the user's first classic
    question. With nothing else read, the rules' classic question stands."""
    assert "ask_start" in understand(question)


def test_in_the_lobby_a_dropped_classic_question_stays_dropped() -> None:
    """(No contact answers in the lobby: the learned reader's reading stands there.)"""
    question = "how did u get into tech again? sorry my notes got messy"
    assert "ask_start" not in understand(question, Context("arrive"))


@pytest.mark.parametrize(
    ("text", "stage", "act"),
    [
        ("Checked in at reception at 9:50 for a 10:00", "arrive", "arrive_early"),
        ("Early.", "arrive", "arrive_early"),
        ("how you think I did?", "goodbye", "ask_feedback"),
    ],
)
def test_what_practising_users_did_in_few_words_is_credited(
    text: str, stage: str, act: str
) -> None:
    """Each was marked missed on a practising user's scorecard: arriving ten minutes early
    said as the two times, "Early." said alone at the desk, and asking how one came across in
    second-language English."""
    assert act in understand(text, Context(stage))


def test_asking_advice_for_the_search_is_not_asking_how_one_came_across() -> None:
    """ "What is your advice for the first six months in my search?" was read as a feedback
    request too (the learned reader alone), and the contact gave the closing feedback in the
    middle of the meeting (a practising user)."""
    read = understand("What is your advice for the first six months in my search?")
    assert "ask_feedback" not in read


@pytest.mark.parametrize(
    "question",
    [
        "how did you deal with your first really bad class?",
        "how did you handle your first angry customer?",
        "how do you cope with the goodbyes when a patient dies?",
        "how did you get through your first night shift?",
    ],
)
def test_how_they_handled_something_named_asks_something_new(question: str) -> None:
    """Each names what it asks about: not "tell me more" about the last answer (the rules'
    "how did you deal with" and the learned reader both read it so), and getting through a
    first night shift is not how the contact got started."""
    read = understand(question)
    assert "follow_up" not in read and "ask_start" not in read, read
    assert "ask_other" in read, read


@pytest.mark.parametrize(
    "reaction",
    [
        "That sounds tough. How did you handle it?",
        "how did you handle the situation?",
        "wow. how did you cope?",
        "and how did you get through that?",
        "Thanks for the honesty! How did you deal with it then?",
    ],
)
def test_how_they_handled_it_still_asks_for_more(reaction: str) -> None:
    assert "follow_up" in understand(reaction)


@pytest.mark.parametrize(
    "text",
    [
        "How did I come across? Anything I should work on?",
        "Thanks for saying that. How did I do? What should I work on?",
    ],
)
def test_what_to_work_on_as_the_second_question_is_still_asked(text: str) -> None:
    assert {"ask_feedback", "ask_strengths"} <= understand(text, Context("goodbye"))
