"""the holders' side: shops' public details (category, opening hours, listed) for the list of where to spend a voucher

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 11:10:00

Why: issue 23. The town and street come from postal_addresses (0012) or the free-text address, not from here.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shop_public",
        sa.Column("merchant_id", sa.String(8),
                  sa.ForeignKey("merchants.id", name="fk_shop_public_merchant_id_merchants"), nullable=False),
        sa.Column("category", sa.String(60), nullable=False, server_default=""),
        sa.Column("opening_hours", sa.Text(), nullable=False, server_default=""),
        sa.Column("listed", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(254), nullable=False),
        sa.PrimaryKeyConstraint("merchant_id", name="pk_shop_public"),
    )


def downgrade() -> None:
    op.drop_table("shop_public")
