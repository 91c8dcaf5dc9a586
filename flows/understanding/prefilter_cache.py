"""The prefilter strings of every shipped regex, computed ahead (``prefilters.json``).

Parsing ~1,000 regexes with Python's own parser to find the strings each needs
(``prefilter.py``) was half of the time to load the rules, paid by every process that reads
a message (``rapport understand`` among them). The strings depend only on the regex's
source, the prefilter's code and Python's parser, so they are computed once and shipped:
a regex whose source is not in the file (one just edited) is parsed as before, and the
whole file is ignored when ``prefilter.py`` or the Python version changed.

    python3 tests/models/write_prefilters.py     # rewrite prefilters.json
"""

from __future__ import annotations

import hashlib
import json
import sys
from functools import cache
from pathlib import Path
from typing import Final

CACHE_PATH: Final = Path(__file__).with_name("prefilters.json")
_PREFILTER_CODE: Final = Path(__file__).with_name("prefilter.py")

Literals = frozenset[str] | None


def key(source: str) -> str:
    return hashlib.sha1(source.encode("utf-8")).hexdigest()[:20]


def stamp() -> str:
    """What the cached strings depend on besides the sources."""
    code = hashlib.sha1(_PREFILTER_CODE.read_bytes()).hexdigest()[:12]
    return f"python {sys.version_info[0]}.{sys.version_info[1]}, prefilter.py {code}"


@cache
def shipped() -> dict[str, Literals]:
    """The shipped strings by source key; empty when missing or made for other code."""
    try:
        data = json.loads(CACHE_PATH.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("stamp") != stamp():
        return {}
    sources = data.get("sources")
    if not isinstance(sources, dict):
        return {}
    return {str(k): None if v is None else frozenset(v) for k, v in sources.items()}


def write() -> int:
    """Rewrite the file from the shipped patterns; returns how many regexes it holds."""
    from flows.understanding import rules, subjects
    from flows.understanding.topic_finder import NO_TOPIC_SECTION, TOPICS_PATH

    computed: dict[str, list[str] | None] = {}
    sections = (
        (rules.PATTERNS_PATH, "acts"),
        (TOPICS_PATH, "topics"),
        (TOPICS_PATH, NO_TOPIC_SECTION),
        (subjects.SUBJECTS_PATH, subjects.SECTION),
    )
    for path, section in sections:
        for source, found in rules.prefilter_sources(path, section).items():
            computed[key(source)] = None if found is None else sorted(found)
    CACHE_PATH.write_text(
        json.dumps({"stamp": stamp(), "sources": dict(sorted(computed.items()))}, indent=0) + "\n",
        encoding="utf-8",
    )
    return len(computed)
