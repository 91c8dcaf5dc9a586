"""Failures that stop ``rapport serve`` with one clear line for the operator, never a
traceback (which could quote the token): what went wrong, what to check, and the exit status
(2: a setting to fix, not worth a restart; 75: may pass, restart and retry)."""

from __future__ import annotations

CONFIGURATION = 2
TRANSIENT = 75


class StartupFailure(Exception):
    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class TransientStartError(Exception):
    """The database was not reachable for the whole start-up wait (exit status 75)."""
