"""private chats: a Telegram user is reached in their private chat, never a group's

Users whose first contact was in a group had that group's id stored as their chat, so
their reminders went to the group. Telegram's private chat with a user has the user's
own id: use it.

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-04

"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "UPDATE users SET chat_id = telegram_user_id "
        "WHERE telegram_user_id IS NOT NULL AND (chat_id IS NULL OR chat_id <> telegram_user_id)"
    )


def downgrade() -> None:
    pass  # the group ids were a mistake: nothing to restore
