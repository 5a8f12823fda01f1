"""each terminal's latest outage (its last contact before a silence of more than 5 minutes, and its first after)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 05:30:00

Why: a till back from an outage may check a voucher online before its sync uploads what it accepted offline;
those claims are judged from the outage's start, not from that last check (voucher_core.claims.earliest_claim).
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("terminals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outage_since", sa.DateTime(timezone=True), nullable=True,
                                      server_default=sa.text("NULL")))
        batch_op.add_column(sa.Column("outage_until", sa.DateTime(timezone=True), nullable=True,
                                      server_default=sa.text("NULL")))


def downgrade() -> None:
    with op.batch_alter_table("terminals", schema=None) as batch_op:
        batch_op.drop_column("outage_until")
        batch_op.drop_column("outage_since")
