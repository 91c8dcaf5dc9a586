"""Rewrite ``flows/understanding/prefilters.json`` after editing patterns.yaml or topics.yaml
(``tests/test_rules_loading.py`` fails until it is current).

    python3 tests/models/write_prefilters.py
"""

from __future__ import annotations

from flows.understanding.prefilter_cache import CACHE_PATH, write

if __name__ == "__main__":
    print(f"{write()} regexes written to {CACHE_PATH}")
