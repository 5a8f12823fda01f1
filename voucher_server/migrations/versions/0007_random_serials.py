"""serials up to 20 characters: new vouchers get 18 random digits + 2 check digits

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 04:00:00

Why: sequential 12-digit serials could be guessed from a neighbour's. Vouchers already printed keep their 12-digit
serials; the columns only grow. SQLite does not enforce VARCHAR lengths, so only PostgreSQL needs the change.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_COLUMNS = (("vouchers", "serial"), ("activities", "serial"), ("bulk_order_vouchers", "serial"))


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in _COLUMNS:
        op.alter_column(table, column, type_=sa.String(20), existing_type=sa.String(12), existing_nullable=False)


def downgrade() -> None:
    # Only possible while no 20-digit serial was issued (PostgreSQL refuses to truncate them).
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in _COLUMNS:
        op.alter_column(table, column, type_=sa.String(12), existing_type=sa.String(20), existing_nullable=False)
