"""Settings from the environment (and an optional ``.env`` file).

Every setting the bot reads is declared here, with its environment variable name.
"""

from __future__ import annotations

import re

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

TOKEN_SHAPE = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{20,}$")
TELEGRAM_API = "https://api.telegram.org"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    telegram_bot_token: SecretStr | None = Field(default=None, alias="TELEGRAM_BOT_TOKEN")
    telegram_api_base_url: str = Field(default=TELEGRAM_API, alias="TELEGRAM_API_BASE_URL")
    database_url: str | None = Field(default=None, alias="DATABASE_URL")
    meeting_minutes: float = Field(default=20.0, gt=0, le=1440, alias="RAPPORT_MEETING_MINUTES")
    webhook_url: str | None = Field(default=None, alias="WEBHOOK_URL")
    webhook_secret: SecretStr | None = Field(default=None, alias="WEBHOOK_SECRET")
    port: int = Field(default=8080, ge=1, le=65535, alias="PORT")

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, token: SecretStr | None) -> SecretStr | None:
        if token is not None and not TOKEN_SHAPE.match(token.get_secret_value().strip()):
            raise ValueError("TELEGRAM_BOT_TOKEN does not look like a bot token (123456:ABC...)")
        return token

    @field_validator("telegram_api_base_url")
    @classmethod
    def _base_url(cls, url: str) -> str:
        return url.rstrip("/")
