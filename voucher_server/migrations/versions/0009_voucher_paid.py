"""what each voucher's buyer paid

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 05:05:00

Why: a bulk order may sell vouchers at another price than the campaign's; after a temporary top-up ends a
voucher is worth what its buyer paid, and the funder's top-up is what that buyer did not pay
(voucher_core.campaigns.Campaign.value_on). Vouchers sold before take the price their sale recorded (a bulk
order's recorded its own); NULL (never sold, or no sale row): the campaign's sale price.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("vouchers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("paid_cents", sa.Integer(), nullable=True, server_default=sa.text("NULL")))
    op.execute("UPDATE vouchers SET paid_cents = (SELECT a.sale_price_cents FROM activities AS a"
               " WHERE a.id = vouchers.sale_id) WHERE sale_id IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("vouchers", schema=None) as batch_op:
        batch_op.drop_column("paid_cents")
