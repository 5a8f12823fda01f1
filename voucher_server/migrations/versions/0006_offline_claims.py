"""offline claims and look-ups: each terminal's last online contact; unknown voucher numbers per terminal and day

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 04:20:00

Why: the server judges offline uploads against the terminal's last online contact (voucher_core.claims), and
a burst of unknown numbers from one terminal (someone guessing) is counted for the operator.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("terminals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_online_at", sa.DateTime(timezone=True), nullable=True,
                                      server_default=sa.text("NULL")))
    op.create_table(
        "unknown_lookups",
        sa.Column("terminal_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("refused", sa.Integer(), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("terminal_id", "day", name=op.f("pk_unknown_lookups")),
    )


def downgrade() -> None:
    op.drop_table("unknown_lookups")
    with op.batch_alter_table("terminals", schema=None) as batch_op:
        batch_op.drop_column("last_online_at")
