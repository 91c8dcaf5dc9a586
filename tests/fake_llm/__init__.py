"""The project's fake OpenAI-compatible model server (see :mod:`tests.fake_llm.server`)."""

from tests.fake_llm.server import FAULTS, GOOD_PREFIX, FakeLLM

__all__ = ["FAULTS", "GOOD_PREFIX", "FakeLLM"]
