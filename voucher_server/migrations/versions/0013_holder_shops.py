"""the holders' side: shops' public details (category, town, opening hours) for the list of where to spend a voucher

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 11:10:00

Why: issue 23. Filled by the holders' pages work; kept in the chain so the online purchases (0014) follow it.
"""

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
