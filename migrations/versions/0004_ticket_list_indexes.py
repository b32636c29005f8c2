"""Indexes found by the workspace benchmark (bench/README.md)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 19:50:00

"""
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index('ix_tickets_priority', ['priority', 'id'], unique=False)
        batch_op.create_index('ix_tickets_org_recent', ['organization_id', 'last_activity_at', 'id'], unique=False)
        batch_op.create_index('ix_tickets_merged_into', ['merged_into_id'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        # Unassigned and open go together; without this the planner misjudges the unassigned view by 25×.
        op.execute("CREATE STATISTICS st_tickets_assignee_open (mcv) ON assignee_id, is_open FROM tickets")
        op.execute("ANALYZE tickets")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP STATISTICS IF EXISTS st_tickets_assignee_open")
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_merged_into')
        batch_op.drop_index('ix_tickets_org_recent')
        batch_op.drop_index('ix_tickets_priority')
