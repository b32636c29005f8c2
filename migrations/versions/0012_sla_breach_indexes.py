"""Indexes of the breach list: breaches by when they happened, clocks by when they started

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 04:00:00

"""
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sla_thresholds', schema=None) as batch_op:
        batch_op.create_index('ix_sla_thresholds_fired', ['percent', 'fired_at'], unique=False)
    with op.batch_alter_table('sla_clocks', schema=None) as batch_op:
        batch_op.create_index('ix_sla_clocks_started_at', ['started_at'], unique=False)


def downgrade():
    with op.batch_alter_table('sla_clocks', schema=None) as batch_op:
        batch_op.drop_index('ix_sla_clocks_started_at')
    with op.batch_alter_table('sla_thresholds', schema=None) as batch_op:
        batch_op.drop_index('ix_sla_thresholds_fired')
