"""updates per bot: processed updates keyed by (bot id, update id), with a status

Update ids are each bot's own sequence, and Telegram may restart it: keyed on the bare
update id, another bot's (or a restarted sequence's) updates were taken for duplicates.
Rows from before this revision get bot id 0; ``rapport serve`` adopts them for its bot
on start (a database served one bot until now). An update set aside after failing every
time is recorded with ``status = 'set_aside'`` and its ``reason``.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("processed_updates", recreate="always") as batch:
        batch.add_column(
            sa.Column("bot_id", sa.BigInteger(), nullable=False, server_default="0"),
            insert_before="update_id",
        )
        batch.add_column(
            sa.Column("status", sa.String(length=16), nullable=False, server_default="done")
        )
        batch.add_column(sa.Column("reason", sa.Text(), nullable=True))
        batch.drop_constraint("pk_processed_updates", type_="primary")
        batch.create_primary_key("pk_processed_updates", ["bot_id", "update_id"])
        batch.create_index(
            batch.f("ix_processed_updates_processed_at"), ["processed_at"], unique=False
        )
    with op.batch_alter_table("processed_updates") as batch:
        batch.alter_column("bot_id", server_default=None)
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("bot_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("bot_id")
    # Keyed on the update id alone again: of the same update id under several bots, one
    # row stays (the newest).
    op.execute(
        "DELETE FROM processed_updates WHERE EXISTS (SELECT 1 FROM processed_updates p2 "
        "WHERE p2.update_id = processed_updates.update_id "
        "AND (p2.processed_at > processed_updates.processed_at "
        "OR (p2.processed_at = processed_updates.processed_at "
        "AND p2.bot_id > processed_updates.bot_id)))"
    )
    with op.batch_alter_table("processed_updates", recreate="always") as batch:
        batch.drop_index(batch.f("ix_processed_updates_processed_at"))
        batch.drop_constraint("pk_processed_updates", type_="primary")
        batch.create_primary_key("pk_processed_updates", ["update_id"])
        batch.drop_column("reason")
        batch.drop_column("status")
        batch.drop_column("bot_id")
