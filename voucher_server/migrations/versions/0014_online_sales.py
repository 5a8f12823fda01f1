"""the holders' side: vouchers bought online, the payment provider's webhooks and its settlements

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 11:10:00

Why: issue 23, buying online. Filled by the online purchase work.
"""

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
