"""model voice: who allows it, and which contact lines it phrased

A user may switch the model voice off for themselves (``users.model_voice``, on by
default: it only does anything when the operator configured a model); a contact line the
model phrased keeps what was shown beside the scripted line (``turns.phrased``).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("model_voice", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    with op.batch_alter_table("turns") as batch:
        batch.add_column(sa.Column("phrased", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("turns") as batch:
        batch.drop_column("phrased")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("model_voice")
