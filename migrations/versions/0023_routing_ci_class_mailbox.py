"""Routing rules: two more conditions, the class of a CI given at creation and the mailbox (or
address) a mail arrived through; two indexes for the managers' home (the backlog by team and
priority, the oldest open tickets) that walk only the open tickets' entries, and one for the
changes waiting for a decision after the fact (not every closed ticket's entry)

Revision ID: 0023
Revises: 0021
Create Date: 2026-12-06 08:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0023'
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('routing_rules', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ci_class_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('mailbox', sa.String(length=254), nullable=False, server_default=''))
        batch_op.create_foreign_key(batch_op.f('fk_routing_rules_ci_class_id_cmdb_classes'), 'cmdb_classes',
                                    ['ci_class_id'], ['id'])
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index('ix_tickets_open_team', ['is_open', 'team_id', 'priority', 'assignee_id'], unique=False)
        batch_op.create_index('ix_tickets_open_id', ['is_open', 'id'], unique=False)
        batch_op.create_index('ix_tickets_approval', ['approval_status', 'status'], unique=False)
        # The agent's home counts their open tickets by status from the queue's index alone.
        batch_op.drop_index('ix_tickets_assignee_queue')
        batch_op.create_index('ix_tickets_assignee_queue', ['assignee_id', 'is_open', 'priority', 'id', 'status'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_assignee_queue')
        batch_op.create_index('ix_tickets_assignee_queue', ['assignee_id', 'is_open', 'priority', 'id'], unique=False)
        batch_op.drop_index('ix_tickets_approval')
        batch_op.drop_index('ix_tickets_open_id')
        batch_op.drop_index('ix_tickets_open_team')
    with op.batch_alter_table('routing_rules', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_routing_rules_ci_class_id_cmdb_classes'), type_='foreignkey')
        batch_op.drop_column('mailbox')
        batch_op.drop_column('ci_class_id')
