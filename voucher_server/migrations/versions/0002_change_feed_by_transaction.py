"""change feed ordered by (change_seq, serial); on PostgreSQL change_seq is the writing transaction's id

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 18:05:00

Why: a single counter row bumped by every redemption made all writers queue on its lock until commit
(admin.change_stamp explains the new rule). Existing PostgreSQL rows are stamped with this migration's
transaction id, which is below every later one; tills' older cursors decode to a change number of 0, so their
next pull is a full snapshot again (harmless: the cache upserts).
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("vouchers", schema=None) as batch_op:
        batch_op.drop_index("ix_vouchers_change_seq")
        batch_op.drop_index("ix_vouchers_campaign_seq")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("UPDATE vouchers SET change_seq = pg_current_xact_id()::text::bigint")
    with op.batch_alter_table("vouchers", schema=None) as batch_op:
        batch_op.create_index("ix_vouchers_campaign_change", ["campaign_id", "change_seq", "serial"], unique=False)


def downgrade() -> None:
    # The counter must continue above every number handed out, whichever rule handed it out.
    op.execute("UPDATE counters SET value = (SELECT coalesce(max(change_seq), 0) FROM vouchers) "
               "WHERE name = 'change_seq'")
    with op.batch_alter_table("vouchers", schema=None) as batch_op:
        batch_op.drop_index("ix_vouchers_campaign_change")
        batch_op.create_index("ix_vouchers_campaign_seq", ["campaign_id", "change_seq"], unique=False)
        batch_op.create_index("ix_vouchers_change_seq", ["change_seq"], unique=False)
