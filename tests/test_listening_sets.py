"""Listening, measured on questions written by people who never saw the topic rules
(``tests/data/listening/``; ``tests/data/README.md`` says who wrote what and the scores).

The held-out sets (authors O and R) are never tuned against: this test only holds the line.
Authors H to N were held out until their scores; since 2026-12-05 they are training data for
the next rebuild, so their floors only guard against regressions."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from flows.asking import question_topics
from flows.engine import Engine
from flows.topics import TOPICS
from flows.understanding import understand
from tests.conftest import T0
from tests.marked_persona import marked_persona

LISTENING = Path(__file__).parent / "data" / "listening"
HELD_OUT_H = LISTENING / "author_h.jsonl"
HELD_OUT_I = LISTENING / "author_i.jsonl"
HELD_OUT_J = LISTENING / "author_j.jsonl"
HELD_OUT_K = LISTENING / "author_k.jsonl"
HELD_OUT_L = LISTENING / "author_l.jsonl"
HELD_OUT_N = LISTENING / "author_n.jsonl"
HELD_OUT_O = LISTENING / "author_o_heldout.jsonl"
HELD_OUT_R = LISTENING / "author_r_heldout.jsonl"
HELD_OUT_S = LISTENING / "author_s_heldout.jsonl"
HELD_OUT_U2 = LISTENING / "author_u2_heldout.jsonl"
HELD_OUT_U3 = LISTENING / "author_u3_heldout.jsonl"
HELD_OUT_V = LISTENING / "author_v_heldout.jsonl"
HELD_OUT_U4 = LISTENING / "author_u4_heldout.jsonl"
HELD_OUT_N2 = LISTENING / "author_n2_heldout.jsonl"
HELD_OUT_X = LISTENING / "author_x_stories_heldout.jsonl"
HELD_OUT_Z = LISTENING / "author_z_heldout.jsonl"
HELD_OUT_AB = LISTENING / "author_ab_heldout.jsonl"
HELD_OUT_AC = LISTENING / "author_ac_heldout.jsonl"
HELD_OUT_AE = LISTENING / "author_ae_heldout.jsonl"
HELD_OUT_AF = LISTENING / "author_af_heldout.jsonl"
HELD_OUT_AJ = LISTENING / "author_aj_heldout.jsonl"
HELD_OUT_AK = LISTENING / "author_ak_heldout.jsonl"
HELD_OUT_AL = LISTENING / "author_al_heldout.jsonl"
HELD_OUT_AM = LISTENING / "author_am_heldout.jsonl"
HELD_OUT_AN = LISTENING / "author_an_heldout.jsonl"
HELD_OUT_AQ = LISTENING / "author_aq_heldout.jsonl"
HELD_OUT_AS = LISTENING / "author_as_heldout.jsonl"
FLOORS = {
    HELD_OUT_H: (0.925, 3),
    HELD_OUT_I: (0.935, 2),
    HELD_OUT_J: (0.89, 5),
    HELD_OUT_K: (0.915, 2),
    HELD_OUT_L: (0.91, 1),
    HELD_OUT_N: (0.94, 5),
    HELD_OUT_O: (0.94, 2),
    HELD_OUT_R: (0.935, 2),
    HELD_OUT_S: (0.935, 3),
    HELD_OUT_U2: (0.875, 2),
    HELD_OUT_U3: (0.925, 1),
    HELD_OUT_V: (0.93, 2),
    HELD_OUT_U4: (0.91, 1),
    HELD_OUT_N2: (0.80, 24),
    HELD_OUT_X: (0.935, 1),
    HELD_OUT_Z: (0.955, 1),
    HELD_OUT_AB: (0.89, 16),
    HELD_OUT_AC: (0.925, 2),
    HELD_OUT_AE: (0.945, 0),
    HELD_OUT_AF: (0.965, 0),
    HELD_OUT_AJ: (0.935, 1),
    HELD_OUT_AK: (0.97, 0),
    HELD_OUT_AL: (0.91, 1),
    HELD_OUT_AM: (0.90, 3),
    HELD_OUT_AN: (0.88, 4),
    HELD_OUT_AQ: (0.945, 4),  # first score (2026-12-07): 0.953, 4 of 30, start and end code
    HELD_OUT_AS: (0.82, 0),  # two-part questions, first score (2026-12-08): 0.820 -> 0.827
}
"""Per held-out set: (exact topic list, questions with no topic answered as another topic).
Author H, first (and only) score: 0.876 with the topic head trained on A-G, 0.695 with the
rules alone; 3 of 56 misread (4 since the topic beside a classic question the act head
alone read is answered, a change decided on the training authors: see the README). Author
I, first score: 0.883 with the reader then shipped, 0.890 with the question-only reading of
long messages decided on A-G; 0.700 with the rules alone. Author J, first score: 0.850
(0.816 with the reader at the start of the session that wrote it; rules alone 0.650).
Author K, first score: 0.856 (0.827 at the start of that session; rules alone 0.644).
With the fine-tuned encoder (decided on training authors left out of it), re-scored once:
H 0.914 (3 misread), I 0.925 (2), J 0.874 (5), K 0.889 (2); and with the whole-message
reading: H 0.928, I 0.935, J 0.892, K 0.916. Author L, first score: 0.854 with the reader at
the start of that session (4 of 55 misread), 0.894 with the fine-tuned encoder (1), 0.917
with the whole-message reading (1); rules alone 0.733. Two topics in one breath (a
conjunct read alone, decided on training authors E and G), re-scored once: H 0.934, I
0.942, J 0.896, K 0.924, L 0.917. Author N, first score on arrival: 0.945 (5 of 57
misread; rules alone 0.759), and 0.945 again with two topics in one breath. Author O,
first score on arrival (2026-12-05, before any change of that session): 0.923 (1 of 57
misread; replies on the asked topic 0.921). Author R, first score on arrival (2026-12-05,
later): 0.936 (0 of 55 misread). After the rebuild of 2026-12-05 (training sets P and the
scored authors H-N added; decided on the folds), scored once more: O 0.946 (1 misread), R
0.936 (0). Author S, first score on arrival (2026-12-05, the session after stop 22): 0.936
(2 of 55 misread) with the model then shipped, 0.926 (3) after that rebuild.
Author U2 (the four qualifier topics and their near misses, 160 questions), first and only
score (2026-12-05, the session after stop 23), after the rules for those topics were written
on author U: 0.694 (U, the development set: 0.212 on arrival, 0.875 after). Re-scored the
same day, with the qualifier topics: O 0.938, R 0.934, S 0.922 (earlier authors labelled
part-time and visa questions as balance or location). Author U3 (the five newest topics,
200 questions), first score on arrival (2026-12-06): 0.720 (rules alone 0.735); a rebuild
that learned those topics read 0.860 but was not shipped (tests/data/README.md). The
rebuild shipped on 2026-12-06 (decided on the folds): O 0.934 (one question below the old
floor), R 0.934, S 0.928, U2 0.800, U3 0.860; with a stated circumstance kept (decided on
the training authors) U2 0.819, U3 0.865. Author V (all topics, the five newest ten times
each), first score on arrival: 0.891 with the model then shipped, 0.886 with the rebuild,
0.895 with the stated circumstance kept. Author U4 (the five newest topics and the rest,
241), first score on arrival (2026-12-06, the session after stop 27): 0.851 (0 of 20
misread); author N2 (questions no topic covers, 202), on arrival: 0.678 (the model then
shipped read a topic into 55 of its 130 such questions). The rebuild of that session
(training authors U5, U6, Q2 and N1 added; decided on the folds): O 0.948, R 0.940, S 0.934,
U2 0.863, U3 0.920, V 0.941, U4 0.896, N2 0.861 (21 of 130 misread). Then (the session
after stop 28) the topic `stories` was added, and two helpers who saw only TOPICS.md
relabelled the questions that ask for one event the contact lived: 5 of V and 27 of N2 went
from no topic to `stories`. Against the new labels the code of that session's start scores V
0.923 and N2 0.738; with the stories rules (the topic head does not know it yet) V 0.923 and
N2 0.797. Author X (stories, 222) and author Z (every topic, 240), scored on arrival: X 0.653
with the first stories rules, Z 0.954 with the model then shipped. The rebuild of the session
after stop 29 (the topic `stories` learned; decided on the folds), scored once: O 0.948, R
0.940, S 0.938, U2 0.881, U3 0.930, U4 0.913, V 0.936, N2 0.807 (24 of its no-topic
questions read as some topic, 8 of them as a story: the head reads stories more widely than
the rules), X 0.941, Z 0.958, the floors now. Author AB (every topic, 70 with none, 230),
scored on arrival (2026-12-06, the session after stop 30) with the code of that session's
start: 0.896 (16 of 70 misread), the same at its end. Author AC (texting: no question marks,
fragments, abbreviations; 200, 50 with none), scored on arrival (2026-12-06, the session
after stop 31) with that session's end code: 0.930 (2 of 50 misread); its start code 0.925.
tests/data/README.md has the figures. Floors, not targets."""
needs_held_out = pytest.mark.skipif(
    not HELD_OUT_O.exists(), reason="the blind held-out set (author O) is not written yet"
)


def rows(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def accuracy(path: Path) -> float:
    data = rows(path)
    right = sum(
        list(question_topics(str(r["text"]), understand(str(r["text"])))) == r["topics"]
        for r in data
    )
    return right / len(data)


def test_the_sets_cover_every_topic_with_fifteen_phrasings_or_more() -> None:
    from collections import Counter

    from flows.topics import TOPICS

    counts: Counter[str] = Counter()
    for path in [*LISTENING.glob("*.jsonl"), *LISTENING.parent.glob("topic_training/*.jsonl")]:
        for r in rows(path):
            topics = r["topics"]
            assert isinstance(topics, list)
            counts.update(topics if len(topics) == 1 else [])
    assert {t: counts[t] for t in TOPICS if counts[t] < 15} == {}


@needs_held_out
@pytest.mark.parametrize("path", list(FLOORS), ids=lambda p: p.stem)
def test_topic_accuracy_on_the_held_out_sets(path: Path) -> None:
    assert accuracy(path) >= FLOORS[path][0]


@needs_held_out
@pytest.mark.parametrize("path", list(FLOORS), ids=lambda p: p.stem)
def test_questions_no_topic_covers_get_an_honest_answer(path: Path) -> None:
    """A held-out question that belongs to no topic (a classic question, something no topic
    covers) is never answered as if it were another topic's question."""
    engine = Engine({"marked": marked_persona()})
    scenario = {"tangent": "no", "stay": "no", "referrals": "names"}
    misread = 0
    for n, r in enumerate(r for r in rows(path) if r["topics"] == []):
        session, _ = engine.start("marked", now=T0, seed=n, minutes=20, scenario=scenario)
        engine.message(session, "Hi, I'm ready to go in.", T0)
        before = len(session.turns)
        engine.message(session, str(r["text"]), T0 + timedelta(minutes=1))
        answers = [t.ref for t in session.turns[before:] if t.kind in ("answer", "tangent")]
        wrong = [ref for ref in answers if ref.split(".")[0] in TOPICS]
        misread += bool(wrong)
    print(f"{path.stem}: {misread} misread")
    assert misread <= FLOORS[path][1]
