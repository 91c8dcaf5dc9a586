"""companion follow-up: meetings.followed_up_at, nudges.about

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.add_column(sa.Column("followed_up_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("nudges") as batch:
        batch.add_column(sa.Column("about", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("nudges") as batch:
        batch.drop_column("about")
    with op.batch_alter_table("meetings") as batch:
        batch.drop_column("followed_up_at")
