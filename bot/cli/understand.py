"""``rapport understand``: the dialogue acts and topics of each line on stdin, as JSON lines.

Imports the understanding only (no storage, no contacts): the sentence encoder loads for
the first line that asks something (its topics are read by the learned reader too).
"""

from __future__ import annotations

import argparse
import json
import sys

from flows import acts as A
from flows.asking import question_topics
from flows.understanding import explain, normalised, understand


def cmd_understand(args: argparse.Namespace) -> int:
    for line in sys.stdin:
        text = line.rstrip("\n")
        found = understand(text)
        record: dict[str, object] = {
            "text": text,
            "acts": [a for a in A.ACTS if a in found],
            "topics": list(question_topics(text, found)),
        }
        if args.explain:
            record["normalised"] = normalised(text)
            record["why"] = [
                {"act": m.act, "rule": m.rule, "matched": m.matched} for m in explain(text)
            ]
        print(json.dumps(record, ensure_ascii=False), flush=True)
    return 0
