"""Fixtures of the reliability suite: where scenarios work, PostgreSQL or a skip, and a
summary of every scenario's figures at the end of the run."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.reliability.figures import Figures, table
from tests.reliability.harness import PG_ENV, pg_url

_FIGURES: list[Figures] = []


@pytest.fixture(scope="session")
def record() -> Callable[[Figures], Figures]:
    """Keep a scenario's figures for the summary printed after the tests (and print
    them now: ``pytest -s`` shows them as they come)."""

    def keep(figures: Figures) -> Figures:
        _FIGURES.append(figures)
        print("\n" + figures.report())
        return figures

    return keep


@pytest.fixture(scope="session")
def postgres() -> str:
    """The PostgreSQL URL of ``RAPPORT_TEST_DATABASE_URL`` (its schema ``public`` is
    dropped and recreated); skips when it is not set."""
    url = pg_url()
    if not url:
        pytest.skip(f"{PG_ENV} is not set")
    return url


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    return tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _FIGURES:
        return
    terminalreporter.section("reliability figures")
    terminalreporter.write_line(table(_FIGURES))
    for figures in _FIGURES:
        if figures.notes or figures.problems:
            terminalreporter.write_line(figures.report())
