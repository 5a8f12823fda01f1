"""each till's ledger chain (seq, prev_hash, hash) as uploaded, and a ledger alarm on the terminal

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 04:45:00

Why: a head alone let a till rewrite or cut its acknowledged entries unnoticed; with every link kept, a head that
does not extend the acknowledged chain is refused and the till is flagged for the operator.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "terminal_ledger_entries",
        sa.Column("terminal_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["terminal_id"], ["terminals.id"],
                                name=op.f("fk_terminal_ledger_entries_terminal_id_terminals")),
        sa.PrimaryKeyConstraint("terminal_id", "seq", name=op.f("pk_terminal_ledger_entries")),
    )
    with op.batch_alter_table("terminals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ledger_alarm", sa.String(40), nullable=True))
        batch_op.add_column(sa.Column("ledger_alarm_seq", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("ledger_alarm_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("terminals", schema=None) as batch_op:
        batch_op.drop_column("ledger_alarm_at")
        batch_op.drop_column("ledger_alarm_seq")
        batch_op.drop_column("ledger_alarm")
    op.drop_table("terminal_ledger_entries")
