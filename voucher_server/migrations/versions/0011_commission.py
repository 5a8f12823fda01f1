"""the operator's commission: dated terms per campaign, commission invoices and credit notes

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 06:00:00

Why: issue 22. The operator takes a dated commission (basis points, VAT at a dated rate) on shop
reimbursements, deducted from the payout or invoiced apart, and issues one invoice per shop per period in one
unbroken sequence (the ``commission_invoice`` counter row); a credit note corrects one. Both are append-only.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "commission_terms",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("campaign_id", sa.String(16), nullable=False),
        sa.Column("from_day", sa.Date(), nullable=False),
        sa.Column("rate_bp", sa.Integer(), nullable=False),
        sa.Column("vat_bp", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("set_by", sa.String(200), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"],
                                name=op.f("fk_commission_terms_campaign_id_campaigns")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commission_terms")),
    )
    op.create_index(op.f("ix_commission_terms_campaign_id"), "commission_terms", ["campaign_id"])
    op.create_table(
        "commission_invoices",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("number", sa.String(24), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("merchant_id", sa.String(8), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("issue_day", sa.Date(), nullable=False),
        sa.Column("due_day", sa.Date(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.String(200), nullable=False),
        sa.Column("face_value_cents", sa.BigInteger(), nullable=False),
        sa.Column("commission_cents", sa.BigInteger(), nullable=False),
        sa.Column("vat_cents", sa.BigInteger(), nullable=False),
        sa.Column("ttc_cents", sa.BigInteger(), nullable=False),
        sa.Column("deducted_cents", sa.BigInteger(), nullable=False),
        sa.Column("parties", sa.Text(), nullable=False),
        sa.Column("lines", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"],
                                name=op.f("fk_commission_invoices_merchant_id_merchants")),
        sa.ForeignKeyConstraint(["corrects_id"], ["commission_invoices.id"],
                                name=op.f("fk_commission_invoices_corrects_id_commission_invoices")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commission_invoices")),
        sa.UniqueConstraint("seq", name=op.f("uq_commission_invoices_seq")),
        sa.UniqueConstraint("number", name=op.f("uq_commission_invoices_number")),
        sa.UniqueConstraint("corrects_id", name=op.f("uq_commission_invoices_corrects_id")),
        sa.UniqueConstraint("merchant_id", "period_start", "period_end", "kind", "generation",
                            name="uq_commission_invoices_period"),
    )
    op.create_index(op.f("ix_commission_invoices_merchant_id"), "commission_invoices", ["merchant_id"])
    # The numbering's counter exists from the start, so the first issuers already queue on its row lock.
    op.execute("INSERT INTO counters (name, value) VALUES ('commission_invoice', 0)")


def downgrade() -> None:
    op.execute("DELETE FROM counters WHERE name = 'commission_invoice'")
    op.drop_index(op.f("ix_commission_invoices_merchant_id"), table_name="commission_invoices")
    op.drop_table("commission_invoices")
    op.drop_index(op.f("ix_commission_terms_campaign_id"), table_name="commission_terms")
    op.drop_table("commission_terms")
