"""Reading the shipped YAML content: with libyaml's loader when it is installed (about ten
times faster than the pure-Python one, which stays the fallback); the same data either way.
PyYAML itself is imported by the first file read (``rapport serve`` starts without it)."""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def _loader() -> Any:
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(text: str) -> Any:
    """``yaml.safe_load(text)``, faster."""
    import yaml

    return yaml.load(text, Loader=_loader())
