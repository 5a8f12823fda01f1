"""activities.business_day (the till's business day of each operation) and terminal_closings

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 04:00:00

Why: till and server booked the same operation on different days (the till after its closing, the server by its
own clock). The till now sends the day it booked each operation on; the server checks it against the till's
closings and its own Paris date, stores it, and every per-day view uses it. Existing rows get the Paris day of
their business_time, the day the server used until now.
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _backfill() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("UPDATE activities SET business_day = (business_time AT TIME ZONE 'Europe/Paris')::date")
        return
    paris = ZoneInfo("Europe/Paris")
    rows = bind.execute(sa.text("SELECT id, business_time FROM activities")).fetchall()
    for row_id, moment in rows:
        if isinstance(moment, str):  # SQLite hands back its stored text
            moment = datetime.fromisoformat(moment)
        aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        bind.execute(sa.text("UPDATE activities SET business_day = :d WHERE id = :i"),
                     {"d": aware.astimezone(paris).date(), "i": row_id})


def upgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("business_day", sa.Date(), nullable=True))
        batch_op.create_index("ix_activities_merchant_day", ["merchant_id", "business_day"], unique=False)
    _backfill()
    op.create_table(
        "terminal_closings",
        sa.Column("terminal_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ledger_seq", sa.BigInteger(), nullable=False),
        sa.Column("ledger_hash", sa.String(length=64), nullable=False),
        sa.Column("reimbursement_cents", sa.BigInteger(), nullable=False),
        sa.Column("remittance_cents", sa.BigInteger(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["terminal_id"], ["terminals.id"],
                                name="fk_terminal_closings_terminal_id_terminals"),
        sa.PrimaryKeyConstraint("terminal_id", "day", name="pk_terminal_closings"),
    )


def downgrade() -> None:
    op.drop_table("terminal_closings")
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_index("ix_activities_merchant_day")
        batch_op.drop_column("business_day")
