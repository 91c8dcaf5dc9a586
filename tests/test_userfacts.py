"""The contact remembers what the user says about themselves (flows/userfacts.py)."""

from __future__ import annotations

import pytest

from flows.self_description import read_message

BACKGROUNDS = [
    # (what the user typed, the background as the contact would say it, its sector)
    ("I worked 8 years as a pharmacy tech", "eight years as a pharmacy tech", "healthcare"),
    (
        "I spent ten years in the army as a logistics officer. What would you look for?",
        "ten years as a logistics officer",
        "logistics",
    ),
    ("I worked 5 years at a bank as a teller", "five years as a teller", "finance"),
    ("i'm a retail supervisor rn", "your time as a retail supervisor", "retail"),
    # second-language English, no article and a place before the years (the carys practice)
    (
        "I was chemistry teacher in Ukraine for 12 years",
        "twelve years as a chemistry teacher",
        "education",
    ),
    # "A background in a call centre atm? Lovely." (the femi practice)
    ("im jo, i work in a call centre atm", "a background in a call centre", "customer_service"),
    ("Hi, I'm Sam! I've been a teacher for 12 years", "twelve years as a teacher", "education"),
    ("I spent 10 years in the army", "ten years in the army", "military"),
    ("I've been a barista for three years", "three years as a barista", "hospitality"),
    ("I'm currently a stay-at-home parent", "time at home with your kids", "parenting"),
    # Said back as a background, not a person ("Coming from a mom" read badly).
    ("im jess, 45, mom of 3", "time at home with your kids", "parenting"),
    ("I spent 15 years raising my kids", "fifteen years at home raising your kids", "parenting"),
    # Not "twelve years as a the marine".
    (
        "I did 12 years in the Marine Corps, mostly logistics",
        "twelve years as a Marine",
        "military",
    ),
    ("I was in the marines for 6 years", "six years in the marines", "military"),
    ("I was in the navy for six years", "six years in the navy", "military"),
    ("I've worked in hospitality for about 5 yrs", "five years in hospitality", "hospitality"),
    ("I am a software developer", "your time as a software developer", "tech"),
    ("im an accountant looking to move into ux design", "your time as an accountant", "finance"),
    ("I was a paralegal before law school fell through", "your time as a paralegal", "law"),
    ("I'm coming from customer service", "a background in customer service", "customer_service"),
    ("i taught for 10 years", "ten years as a teacher", "education"),
    (
        "I'm a warehouse supervisor at a distribution centre",
        "your time as a warehouse supervisor",
        "logistics",
    ),
    ("I work as an electrician", "your time as an electrician", "trades"),
    ("i been working in retail 5 years and i want do marketing", "five years in retail", "retail"),
    ("ex-police, 25 years, now thinking about security", "25 years in the police", "public_sector"),
    ("Spent a decade in the army before getting out", "ten years in the army", "military"),
    ("Ex-army. 12 years.", "twelve years in the army", "military"),
    (
        "I worked in a factory for a few years after school.",
        "a few years in a factory",
        "manufacturing",
    ),
    ("been doing warehouse work for 6 yrs now", "six years in warehouse work", "logistics"),
    ("In my country I was accountant for eight years", "eight years as an accountant", "finance"),
    # "Love it. Hit me with it.", and later no idea what the user did: read as no background
    (
        "So I've managed a Caribou Coffee for six years, I do the local marketing",
        "six years as a Caribou Coffee manager",
        "",
    ),
    ("I managed a restaurant for 10 years", "ten years as a restaurant manager", "hospitality"),
    # second-language English: no article, the years first; Mei Ling, once a hotel duty
    # manager, did not notice a fellow hotel person
    (
        "I work 5 years as hotel front office in Bali.",
        "five years in hotel front office",
        "hospitality",
    ),
    (
        "I am working in hotel front office since 2019",
        "a background in hotel front office",
        "hospitality",
    ),
    ("I was teacher of English for 6 years", "six years as a teacher", "education"),
    ("I worked 3 years like waiter in Madrid", "three years as a waiter", "hospitality"),
    # "Sure. What would you like to dig into?", then feedback saying they never said
    (
        "ok so me: 8 yrs pharmacy tech, been learning python for a year",
        "eight years as a pharmacy tech",
        "healthcare",
    ),
]


@pytest.mark.parametrize(("text", "a_role", "sector"), BACKGROUNDS)
def test_backgrounds_are_read_as_a_person_would_repeat_them(
    text: str, a_role: str, sector: str
) -> None:
    background = read_message(text)[1]
    assert background is not None, text
    assert background.a_role == a_role
    assert background.sector == sector


@pytest.mark.parametrize(
    "text",
    [
        "I'm a bit nervous, sorry",
        "what about paralegal, can i be a paralegal with a record?",
        "Can a person like me, with accent and not perfect English, become journalist here?",
        "I'm a huge fan of your work",
        "I'm happy to be here",
        "what does a typical day look like?",
        "I read an article about nurses",
        "I've dreamed of working in film for ten years.",
        "I was there for 5 years",
        "I was born 30 years ago",
    ],
)
def test_small_talk_is_no_background(text: str) -> None:
    assert read_message(text)[1] is None


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Hi, I'm Sam! I've been a teacher for 12 years", "Sam"),
        ("my name is priya and I work in retail", "Priya"),
        ("Hello, this is Maria", "Maria"),
        ("I'm Happy to be here", ""),
        ("hi, im early", ""),
        # A check-in is not a name: the contact once greeted these users as "Got" and "Yo".
        ("Morning. I'm here to see Marcus at 10. Got here 10 minutes early.", ""),
        ("yo im here for ray", ""),
        ("hey im here to see dana", ""),
        ("Kev here, for my 10am", "Kev"),
        ("hi, Kev here", "Kev"),
        # A second-language verb after "I am": the contact once greeted this user "Come?"
        ("Hello, I am come here 10 minute early. I wear the office shirt", ""),
        ("I am wait here since 9", ""),
        ("hi im rose here for the 10am", "Rose"),
        ("hi im jake btw", "Jake"),
        # The contact greeted by name is not the user: "Hello, Priya. Come through", said by Priya
        ("Hi Priya, thanks for seeing me.", ""),
        ("Hello Dana, I'm a bit early!", ""),
        # A reply opening with an interjection: the receptionist wrote "Oh" and "Yes" on
        # the visitor badge, and the contact said "You'll be Oh, then." ("yes" and "no"
        # were read from the patterns file as true and false, so never ruled out)
        ("Oh nice, I'm from Leeds actually.", ""),
        ("Yes, two boys.", ""),
        ("No, not yet.", ""),
        ("Wei. Here for 4pm.", "Wei"),
    ],
)
def test_names(text: str, name: str) -> None:
    assert read_message(text)[0] == name


def test_the_aim() -> None:
    assert read_message("i m a nurse but i want to become a data analyst")[2] == "data analyst"
    assert read_message("I've been a barista for 3 years and want to get into marketing")[2] == (
        "marketing"
    )


@pytest.mark.parametrize(
    ("text", "name", "a_role", "target"),
    [
        (
            "So a bit about me: I've been a purchasing coordinator at a hotel chain for six"
            " years, and I'd like to move into sustainability reporting.",
            "",
            "six years as a purchasing coordinator",
            "sustainability reporting",
        ),
        (
            "hi priya thanks for meeting me!! im jess, i work at a call centre but i want to"
            " get into nursing",
            "Jess",
            "a background in a call centre",
            "nursing",
        ),
        (
            "Sous chef at a hotel in town, so my hours are all over the place",
            "",
            "your time as a sous chef",
            "",
        ),
        (
            "I'm not a nurse, I'm a healthcare assistant",
            "",
            "your time as a healthcare assistant",
            "",
        ),
        ("Sorry I'm late, I'm Ola.", "Ola", None, ""),
        ("hey! its mia 😊", "Mia", None, ""),
        ("Name's Kev. Scaffolder, 20 years.", "Kev", "twenty years as a scaffolder", ""),
        ("I used to want to be a teacher, now I'm set on social work.", "", None, "social work"),
        (
            "12 years driving buses, and I'm ready for something new",
            "",
            "twelve years as a bus driver",
            "",
        ),
    ],
)
def test_what_people_say_about_themselves_in_their_own_words(
    text: str, name: str, a_role: str | None, target: str
) -> None:
    """Phrasings the first patterns missed (tests/data/userfacts/dev.jsonl has ~400 more):
    the contact said "I never really learned what you do now" to a user who had said it."""
    said_name, background, said_target = read_message(text)
    assert said_name == name
    assert (background.a_role if background else None) == a_role
    assert said_target == target


@pytest.mark.parametrize(
    "text",
    [
        "My uncle is a pilot and I want to become one too.",
        "I'd like to retrain as a teacher.",
        "I'm Mark's friend, he set this up.",
        "I'm Brazilian, so forgive my accent!",
        "I've been looking for work for 2 years.",
        "I've been teaching myself Python.",
        "How would I fit as an electrician?",
        "would i fit in as a science teacher",
        "Could I start as a junior analyst?",
    ],
)
def test_what_is_not_about_the_users_own_work(text: str) -> None:
    name, background, _ = read_message(text)
    assert name == "" and background is None


def test_the_development_set_holds_its_figures() -> None:
    """Scored with ``python -m tests.eval.userfacts``: before this reader, all facts right
    0.436 (name 0.649, role 0.371, years 0.129, target 0.291); after, 0.718 (0.959, 0.700,
    0.565, 0.736), inventing a fact for at most 2% of messages that state none; with fields
    said as "working in retail 5 years", "ex-police", "a decade in the army": 0.728 (0.959,
    0.733, 0.647, 0.736), the same 2% at most; with second-language word order ("I work 5
    years as hotel front office"): 0.736 (0.959, 0.743, 0.659, 0.736). A floor."""
    from tests.eval.userfacts import DATA, load, messages_right, score

    rows = load(DATA / "dev.jsonl")
    assert messages_right(rows) >= 0.73
    tallies = score(rows)
    floors = {"name": 0.95, "role": 0.74, "years": 0.65, "target": 0.73}
    for fact, floor in floors.items():
        t = tallies[fact]
        assert t.right / t.expected >= floor, fact
        assert t.invented / t.empty <= 0.025, fact


def test_the_blind_set_holds_its_first_score() -> None:
    """Blind set Q (tests/data/README.md), by a helper who never saw the patterns, scored
    once on arrival: all facts right 0.690 (0.426 with the reader before the development
    set's work); name 0.892, role 0.720, years 0.531, aim 0.819; facts invented for at most
    2.9% of messages that state none. A floor a little below; its errors are never read."""
    from tests.eval.userfacts import DATA, load, messages_right, score

    rows = load(DATA / "blind_q.jsonl")
    assert messages_right(rows) >= 0.68, "score only; do not read"
    floors = {"name": 0.88, "role": 0.71, "years": 0.52, "target": 0.80}
    tallies = score(rows)
    for fact, floor in floors.items():
        t = tallies[fact]
        assert t.right / t.expected >= floor, fact
        assert t.invented / t.empty <= 0.03, fact


@pytest.mark.parametrize(
    ("text", "a_role"),
    [
        ("I served 8 years in the Australian Army", "eight years in the Australian Army"),
        ("I was a REME vehicle mechanic for 6 years", "six years as a REME vehicle mechanic"),
        ("Nurse for 8 years here", "eight years as a nurse"),
        ("I've been a union rep for six years.", "six years as a union rep"),
        ("I worked as an HR officer", "your time as an HR officer"),
        ("I'm a UX designer", "your time as a UX designer"),
        # a business run or owned (a user who ran a print shop for 15 years got the generic
        # thanks for an introduction: the reader knew no owner)
        (
            "I'm Ravi, 41, I ran a family print shop in Geelong for 15 years until it closed.",
            "fifteen years as a print shop owner",
        ),
        ("I own a small nail salon in Flushing", "your time as a nail salon owner"),
        # (a practising teacher's aide was told of "your time as a teacher")
        ("I've been a teacher's aide for six years", "six years as a teacher's aide"),
    ],
)
def test_a_background_is_said_back_as_the_user_would_say_it(text: str, a_role: str) -> None:
    """A reviewer heard "the australian army" and "a reme vehicle mechanic" said back (the
    user's own capitals are kept), and a rehearsing user 'six years as an union rep' (the
    article follows the sound)."""
    background = read_message(text)[1]
    assert background is not None and background.a_role == a_role


def test_years_said_of_prison_are_not_years_of_work() -> None:
    """'I spent four years in prison... I work at a warehouse now' was said back to the
    user as 'four years in a warehouse', three times."""
    text = (
        "I'm Marcus, 34. I spent four years in prison for a drug charge, got out in 2022, "
        "and I work at a warehouse now."
    )
    background = read_message(text)[1]
    assert background is not None and "four years" not in background.a_role


def test_running_a_marathon_is_not_a_background() -> None:
    assert read_message("I ran a marathon last year")[1] is None


def test_a_role_in_the_contacts_own_field_is_the_one_that_matters() -> None:
    """A registered nurse from Manila now supervising retail was answered by the nurse
    manager as "six years as a retail supervisor", fit and résumé alike."""
    from flows.engine import Engine
    from tests.conftest import T0

    engine = Engine()
    told = (
        "A bit about me: I was a registered nurse in Manila for 3 years, then I came to Canada "
        "and I've worked 6 years as a retail supervisor because my licence isn't recognised yet."
    )
    said = {}
    for persona in ("priya", "marcus"):
        session, _ = engine.start(persona, now=T0, seed=1, minutes=20)
        engine.message(session, "Hi, I'm ready.", T0)
        engine.message(session, told, T0)
        said[persona] = session.turns[-1].text
    assert "registered nurse" in said["priya"] and "retail" not in said["priya"], said
    assert "retail supervisor" in said["marcus"], said  # not his field: the job they do now


@pytest.mark.parametrize(
    ("persona", "told", "own", "aim"),
    [
        (
            "ray",
            "I am teacher of math for 12 years. How would I fit as an electrician?",
            "teacher",
            "electrician",
        ),
        (
            "carys",
            "im a pharmacy tech atm, would i fit as a science teacher",
            "pharmacy tech",
            "science teacher",
        ),
    ],
)
def test_the_job_the_user_asks_to_fit_into_is_not_their_background(
    persona: str, told: str, own: str, aim: str
) -> None:
    """A maths teacher asking how they would fit as an electrician heard Ray size up "your
    twelve years as an electrician"; a pharmacy tech asking the head of science whether they
    would fit as a science teacher was told of "your time as a science teacher". The job
    asked about is the aim; the one the user holds is the background."""
    from flows.engine import Engine
    from tests.conftest import T0

    engine = Engine()
    session, _ = engine.start(persona, now=T0, seed=1, minutes=20)
    engine.message(session, "Hi, I'm ready.", T0)
    engine.message(session, told, T0)
    fit = " ".join(t.text for t in session.turns[-2:] if t.speaker == "contact")
    assert own in fit and aim not in fit, fit


def test_a_professional_trained_abroad_hears_how_to_get_recognised_here() -> None:
    """A nurse from the Philippines with eight years on a surgical ward asked Priya how she
    would fit, and heard that career changers make good nurses but need the full degree.
    For her, fitting in is getting her registration recognised; a nurse trained here, or a
    pharmacy tech from Manila, still gets the fit answer."""
    from flows.engine import Engine
    from tests.conftest import T0

    engine = Engine()

    def fit_after(told: str) -> str:
        session, _ = engine.start("priya", now=T0, seed=1, minutes=20)
        engine.message(session, "Hi, I'm ready.", T0)
        engine.message(session, told, T0)
        engine.message(session, "How would I fit here?", T0)
        return session.turns[-1].ref

    assert fit_after("I am nurse from Philippines, 8 years in surgical ward.") == "from_abroad.0"
    assert fit_after("I've been a nurse in Toronto for 8 years.").startswith("ask_fit.")
    assert fit_after("I was a pharmacy tech in Manila for 8 years.").startswith("ask_fit.")
