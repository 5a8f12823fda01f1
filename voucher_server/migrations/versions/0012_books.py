"""the accountant's books: dated chart of accounts, FEC export records, shops' structured postal addresses

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 07:00:00

Why: issue 22, part 2. The FEC export names the chart version it used (a change of accounts never rewrites a
past export) and records the file's SHA-256; SEPA pain.001.001.09 needs each creditor's structured address.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chart_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("accounts", sa.Text(), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("set_by", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_chart_versions"),
    )
    op.create_table(
        "fec_exports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("chart_version", sa.Integer(), nullable=False),
        sa.Column("file_format", sa.String(8), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("entry_count", sa.Integer(), nullable=False),
        sa.Column("exported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("exported_by", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_fec_exports"),
    )
    op.create_table(
        "postal_addresses",
        sa.Column("merchant_id", sa.String(8), nullable=False),
        sa.Column("street_name", sa.String(70), nullable=False, server_default=""),
        sa.Column("building_number", sa.String(16), nullable=False, server_default=""),
        sa.Column("post_code", sa.String(16), nullable=False, server_default=""),
        sa.Column("town_name", sa.String(35), nullable=False, server_default=""),
        sa.Column("country", sa.String(2), nullable=False, server_default="FR"),
        sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"],
                                name="fk_postal_addresses_merchant_id_merchants"),
        sa.PrimaryKeyConstraint("merchant_id", name="pk_postal_addresses"),
    )


def downgrade() -> None:
    op.drop_table("postal_addresses")
    op.drop_table("fec_exports")
    op.drop_table("chart_versions")
