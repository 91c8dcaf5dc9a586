"""What every command shares: its errors, exit statuses and settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.failures import TRANSIENT, TransientStartError

__all__ = ["EX_TEMPFAIL", "TransientStartError", "UsageError", "load_settings"]

if TYPE_CHECKING:
    from bot.config import Settings

EX_TEMPFAIL = TRANSIENT
"""Exit status for a failure that may pass (the database still booting): restart and retry.
Status 2 stays for mistakes a restart cannot fix (a missing or malformed setting)."""


class UsageError(Exception):
    """Bad input from the command line: printed as one clear line, exit status 2."""


def load_settings() -> Settings:
    from pydantic import ValidationError

    from bot.config import Settings, settings_problem

    try:
        return Settings()
    except ValidationError as exc:
        raise UsageError(settings_problem(exc)) from None
