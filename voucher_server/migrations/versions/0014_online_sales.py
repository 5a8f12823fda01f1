"""the holders' side: vouchers bought online, the payment provider's webhooks and its settlements

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 11:10:00

Why: issue 23, buying online. Orders (with the unguessable token of the buyer's link), the provider's webhook
events (each accepted once), the operator's limits per campaign and the provider's payouts (gross, fees, net).
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "online_orders",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("token", sa.String(64), nullable=False),
        sa.Column("campaign_id", sa.String(16),
                  sa.ForeignKey("campaigns.id", name="fk_online_orders_campaign_id_campaigns"), nullable=False),
        sa.Column("provider_id", sa.String(8),
                  sa.ForeignKey("merchants.id", name="fk_online_orders_provider_id_merchants"), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price_cents", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(255), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("test_mode", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_day", sa.Date(), nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paid_day", sa.Date(), nullable=True),
        sa.Column("payment_ref", sa.String(255), nullable=False),
        sa.Column("refunded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("mailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_online_orders"),
        sa.UniqueConstraint("token", name="uq_online_orders_token"),
        sa.UniqueConstraint("session_id", name="uq_online_orders_session_id"),
    )
    op.create_index("ix_online_orders_email", "online_orders", ["email"])
    op.create_table(
        "online_order_vouchers",
        sa.Column("order_id", sa.Integer(),
                  sa.ForeignKey("online_orders.id", name="fk_online_order_vouchers_order_id_online_orders"),
                  nullable=False),
        sa.Column("serial", sa.String(20), nullable=False),
        sa.PrimaryKeyConstraint("order_id", "serial", name="pk_online_order_vouchers"),
    )
    op.create_table(
        "provider_events",
        sa.Column("event_id", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name="pk_provider_events"),
    )
    op.create_table(
        "online_limits",
        sa.Column("campaign_id", sa.String(16),
                  sa.ForeignKey("campaigns.id", name="fk_online_limits_campaign_id_campaigns"), nullable=False),
        sa.Column("per_buyer", sa.Integer(), nullable=True),
        sa.Column("per_day", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(254), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id", name="pk_online_limits"),
    )
    op.create_table(
        "provider_payouts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("provider_id", sa.String(8),
                  sa.ForeignKey("merchants.id", name="fk_provider_payouts_provider_id_merchants"), nullable=False),
        sa.Column("reference", sa.String(255), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("period_from", sa.Date(), nullable=False),
        sa.Column("period_to", sa.Date(), nullable=False),
        sa.Column("gross_cents", sa.Integer(), nullable=False),
        sa.Column("fee_cents", sa.Integer(), nullable=False),
        sa.Column("net_cents", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(254), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_provider_payouts"),
        sa.UniqueConstraint("reference", name="uq_provider_payouts_reference"),
    )


def downgrade() -> None:
    op.drop_table("provider_payouts")
    op.drop_table("online_limits")
    op.drop_table("provider_events")
    op.drop_table("online_order_vouchers")
    op.drop_index("ix_online_orders_email", table_name="online_orders")
    op.drop_table("online_orders")
