"""answer refs: which answer each contact line was, and what a practice's user had heard

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("turns") as batch:
        batch.add_column(sa.Column("ref", sa.String(length=64), nullable=False, server_default=""))
    with op.batch_alter_table("practice_sessions") as batch:
        batch.add_column(sa.Column("heard", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("practice_sessions") as batch:
        batch.drop_column("heard")
    with op.batch_alter_table("turns") as batch:
        batch.drop_column("ref")
