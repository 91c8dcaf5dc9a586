"""The model voice's settings, read from the environment (``RAPPORT_LLM_*``).

Kept apart from :mod:`bot.voice.model` so that ``rapport serve`` can check them before it
fetches its first updates without importing the voice itself (the ``openai`` client, the
guards and the flows): those load in the background with the rest of the handling.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from bot.config import VoiceSettings


@dataclass(frozen=True)
class VoiceConfig:
    base_url: str
    model: str
    api_key: str | None = None
    timeout: float = 4.0
    understand: bool = False
    concurrency: int = 8
    max_tokens: int = 220
    stream: bool = False

    @property
    def host(self) -> str:
        """Where users' messages go, as told to them (no credentials, no path)."""
        parts = urlsplit(self.base_url)
        return parts.hostname + (f":{parts.port}" if parts.port else "") if parts.hostname else ""

    @classmethod
    def from_settings(cls, settings: VoiceSettings) -> VoiceConfig | None:
        """The configured voice, or None (no model: scripted lines, no network calls).
        ValueError if the address is given without a model."""
        if not settings.llm_base_url:
            return None
        if not (settings.llm_model or "").strip():
            raise ValueError("RAPPORT_LLM_BASE_URL is set: set RAPPORT_LLM_MODEL too")
        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
        return cls(
            base_url=settings.llm_base_url,
            model=(settings.llm_model or "").strip(),
            api_key=key,
            timeout=settings.llm_timeout,
            understand=settings.llm_understand,
            concurrency=settings.llm_concurrency,
            max_tokens=settings.llm_max_tokens,
            stream=settings.llm_stream,
        )
