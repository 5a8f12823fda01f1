"""money side: temporary top-up, BIC, funders, paid statements, remittances, bulk orders

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 04:00:00

Why: the operator pays shops (SEPA, needs IBAN/BIC), collects from tobacconists, invoices funders for the
top-up actually spent and sells vouchers in bulk. A campaign's top-up may end before the voucher does
(``topup_until``; NULL keeps old campaigns as they were).
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("topup_until", sa.Date(), nullable=True))
    with op.batch_alter_table("merchants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("bic", sa.String(11), nullable=False, server_default=""))
    op.create_table(
        "funders",
        sa.Column("id", sa.String(8), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("address", sa.String(400), nullable=False),
        sa.Column("siret", sa.String(14), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funders")),
    )
    op.create_table(
        "campaign_funders",
        sa.Column("campaign_id", sa.String(16), nullable=False),
        sa.Column("funder_id", sa.String(8), nullable=False),
        sa.Column("share_bp", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"],
                                name=op.f("fk_campaign_funders_campaign_id_campaigns")),
        sa.ForeignKeyConstraint(["funder_id"], ["funders.id"], name=op.f("fk_campaign_funders_funder_id_funders")),
        sa.PrimaryKeyConstraint("campaign_id", "funder_id", name=op.f("pk_campaign_funders")),
    )
    op.create_table(
        "statement_payments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("merchant_id", sa.String(8), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("reference", sa.String(64), nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("paid_by", sa.String(200), nullable=False),
        sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"],
                                name=op.f("fk_statement_payments_merchant_id_merchants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statement_payments")),
        sa.UniqueConstraint("merchant_id", "period_start", "period_end", name="uq_statement_payments_period"),
    )
    op.create_table(
        "remittance_receipts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("seller_id", sa.String(8), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_by", sa.String(200), nullable=False),
        sa.ForeignKeyConstraint(["seller_id"], ["merchants.id"],
                                name=op.f("fk_remittance_receipts_seller_id_merchants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remittance_receipts")),
        sa.UniqueConstraint("seller_id", "period_start", "period_end", name="uq_remittance_receipts_period"),
    )
    op.create_table(
        "bulk_orders",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("buyer", sa.String(200), nullable=False),
        sa.Column("campaign_id", sa.String(16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("unit_price_cents", sa.Integer(), nullable=False),
        sa.Column("total_cents", sa.Integer(), nullable=False),
        sa.Column("ordered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ordered_by", sa.String(200), nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paid_by", sa.String(200), nullable=True),
        sa.Column("payment_reference", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], name=op.f("fk_bulk_orders_campaign_id_campaigns")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulk_orders")),
    )
    op.create_table(
        "bulk_order_vouchers",
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("serial", sa.String(12), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["bulk_orders.id"],
                                name=op.f("fk_bulk_order_vouchers_order_id_bulk_orders")),
        sa.ForeignKeyConstraint(["serial"], ["vouchers.serial"], name=op.f("fk_bulk_order_vouchers_serial_vouchers")),
        sa.PrimaryKeyConstraint("order_id", "serial", name=op.f("pk_bulk_order_vouchers")),
    )


def downgrade() -> None:
    for table in ("bulk_order_vouchers", "bulk_orders", "remittance_receipts", "statement_payments",
                  "campaign_funders", "funders"):
        op.drop_table(table)
    with op.batch_alter_table("merchants", schema=None) as batch_op:
        batch_op.drop_column("bic")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("topup_until")
