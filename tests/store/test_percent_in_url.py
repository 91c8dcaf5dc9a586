"""A database URL with a ``%`` in it (an encoded password, a folder name) must still migrate.

``bot.store.schema._config`` copies the rendered URL into Alembic's ``Config``, whose
ConfigParser treats ``%`` as interpolation: ``upgrade`` fails with ``ValueError: invalid
interpolation syntax``. The URL is not even needed there (migrations run on the
connection handed over), so the fix is to drop that line, or escape ``%`` as ``%%``.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url

from bot.store.db import make_engine
from bot.store.schema import current_revision, ensure_current, head_revision, upgrade


def test_a_database_url_with_a_percent_sign_migrates(db_url: str, tmp_path: Path) -> None:
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":  # say, a data folder named "100% mine"
        folder = tmp_path / "100% mine"
        url = url.set(database=str(folder / "rapport.sqlite3"))
    else:  # say, a password with an '@' in it (encoded %40); here a harmless query option
        url = url.update_query_dict({"application_name": "rapport 100%"})
    engine = make_engine(url.render_as_string(hide_password=False))
    try:
        if url.get_backend_name() == "sqlite":
            ensure_current(engine)  # what every `rapport` command does first
        else:
            upgrade(engine)  # what `rapport migrate` does
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()
