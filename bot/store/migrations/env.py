"""Alembic environment: runs migrations on the connection handed over by bot.store.schema."""

from __future__ import annotations

from alembic import context

from bot.store.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - always called through bot.store.schema
    raise RuntimeError("run migrations with `rapport migrate`, not the alembic command")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
