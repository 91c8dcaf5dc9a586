"""Settings from the environment (and an optional ``.env`` file).

Every setting the bot reads is declared here, with its environment variable name.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

TOKEN_SHAPE = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{20,}$")
TELEGRAM_API = "https://api.telegram.org"


class VoiceSettings(BaseSettings):
    """The optional model voice (:mod:`bot.voice`); unset, the contacts speak their scripted
    lines and nothing is sent anywhere. The terminal chat reads only these."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", env_ignore_empty=True)
    """An empty setting (``PORT=`` in a copied .env.example) means its default."""

    llm_base_url: str | None = Field(default=None, alias="RAPPORT_LLM_BASE_URL")
    """An OpenAI-compatible API root (``http://localhost:11434/v1`` for Ollama)."""
    llm_model: str | None = Field(default=None, alias="RAPPORT_LLM_MODEL")
    llm_api_key: SecretStr | None = Field(default=None, alias="RAPPORT_LLM_API_KEY")
    llm_timeout: float = Field(default=4.0, gt=0, le=120, alias="RAPPORT_LLM_TIMEOUT")
    """Seconds a line may wait for the model (a free slot, retries included) before the
    scripted line is shown."""
    llm_understand: bool = Field(default=False, alias="RAPPORT_LLM_UNDERSTAND")
    """Also ask the model what a message means where the rules read nothing."""
    llm_concurrency: int = Field(default=8, ge=1, le=1000, alias="RAPPORT_LLM_CONCURRENCY")
    """Requests to the model at once, per process (more wait for a slot, within the timeout)."""
    llm_max_tokens: int = Field(default=220, ge=16, le=4096, alias="RAPPORT_LLM_MAX_TOKENS")
    llm_stream: bool = Field(default=False, alias="RAPPORT_LLM_STREAM")
    """Ask for the reply as a stream (some gateways cut long silent requests)."""

    @field_validator("llm_base_url")
    @classmethod
    def _llm_url(cls, url: str | None) -> str | None:
        if url is None:
            return None
        url = url.strip().rstrip("/")
        if not re.match(r"^https?://[^/\s]+", url):
            raise ValueError(
                "RAPPORT_LLM_BASE_URL must be an http(s) address, e.g. http://localhost:11434/v1"
            )
        return url


class Settings(VoiceSettings):
    llm_worker: bool | None = Field(default=None, alias="RAPPORT_LLM_WORKER")
    """The bot's model voice in a worker process (unset: when it may use 2 CPUs or more;
    see :mod:`bot.voice.worker`)."""
    telegram_bot_token: SecretStr | None = Field(default=None, alias="TELEGRAM_BOT_TOKEN")
    telegram_api_base_url: str = Field(default=TELEGRAM_API, alias="TELEGRAM_API_BASE_URL")
    database_url: str | None = Field(default=None, alias="DATABASE_URL")
    meeting_minutes: float = Field(default=20.0, gt=0, le=1440, alias="RAPPORT_MEETING_MINUTES")
    webhook_url: str | None = Field(default=None, alias="WEBHOOK_URL")
    webhook_secret: SecretStr | None = Field(default=None, alias="WEBHOOK_SECRET")
    port: int = Field(default=8080, ge=1, le=65535, alias="PORT")
    webhook_max_connections: int = Field(
        default=256, ge=1, le=100_000, alias="WEBHOOK_MAX_CONNECTIONS"
    )
    """Webhook mode: connections open at once, lowered at start to fit under the open-file
    limit (RLIMIT_NOFILE); see :mod:`bot.telegram.listener`. Telegram opens at most 100."""
    webhook_header_timeout: float = Field(
        default=10.0, gt=0, le=300, alias="WEBHOOK_HEADER_TIMEOUT"
    )
    """Seconds a webhook connection has to send a request's headers (after connecting, or
    after its previous answer) before it is closed."""
    webhook_body_timeout: float = Field(default=30.0, gt=0, le=300, alias="WEBHOOK_BODY_TIMEOUT")
    """Seconds a webhook request has to send its whole body (then 408)."""
    webhook_max_body_bytes: int = Field(
        default=1_048_576, ge=1024, le=64 * 1_048_576, alias="WEBHOOK_MAX_BODY_BYTES"
    )
    """The largest webhook request body taken (larger: 413); Telegram's updates are a few KB."""
    webhook_log_interval: float = Field(default=60.0, gt=0, le=86_400, alias="WEBHOOK_LOG_INTERVAL")
    """Connections refused or timed out and failed accepts are logged at most once per this
    many seconds each, with a count."""
    status_port: int | None = Field(default=None, ge=1, le=65535, alias="STATUS_PORT")
    """Polling mode: serve /healthz, /readyz and /metrics on this port (webhook mode
    serves them on PORT)."""
    log_format: Literal["text", "json"] = Field(default="text", alias="LOG_FORMAT")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", alias="LOG_LEVEL"
    )
    send_rate: float = Field(default=30.0, ge=0, alias="TELEGRAM_SEND_RATE")
    """Messages per second the whole deployment may send (Telegram allows about 30);
    0 = no limit. Each replica takes its share: send_rate / replicas."""
    replicas: int = Field(default=1, ge=1, alias="RAPPORT_REPLICAS")
    telegram_timeout: float = Field(default=10.0, gt=0, le=300, alias="TELEGRAM_TIMEOUT")
    """Seconds to wait for the Bot API to answer a call (then it is retried)."""
    nudge_late_minutes: float = Field(default=5.0, ge=0, alias="RAPPORT_NUDGE_LATE_MINUTES")
    """A nudge delivered more than this late says when it was due."""
    start_wait_seconds: float = Field(default=60.0, ge=0, le=3600, alias="RAPPORT_START_WAIT")
    """At start, how long to wait for a database that is not reachable yet (still booting),
    retrying with a growing pause, before giving up with the retryable exit status 75."""
    db_retry_seconds: float = Field(default=5.0, gt=0, le=300, alias="RAPPORT_DB_RETRY_SECONDS")
    """While the database is unusable, polling tries the kept updates again at most this
    far apart (backing off from a quarter second)."""

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, token: SecretStr | None) -> SecretStr | None:
        if token is not None and not TOKEN_SHAPE.match(token.get_secret_value().strip()):
            raise ValueError("TELEGRAM_BOT_TOKEN does not look like a bot token (123456:ABC...)")
        return token

    @field_validator("log_format", "log_level", mode="before")
    @classmethod
    def _case(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip()
            return (
                value.upper()
                if value.lower() in ("debug", "info", "warning", "error")
                else value.lower()
            )
        return value

    @field_validator("telegram_api_base_url")
    @classmethod
    def _base_url(cls, url: str) -> str:
        """The server root; python-telegram-bot's own ``base_url`` ends in ``/bot``, and
        people copy it: both forms work."""
        url = url.strip().rstrip("/")
        return url.removesuffix("/bot")


def settings_problem(exc: ValidationError) -> str:
    """The first problem with the settings, as one line for the operator."""
    first = exc.errors()[0]
    said = str(first["msg"]).removeprefix("Value error, ")
    return f"{first['loc'][0]}: {said}" if first["loc"] else said
