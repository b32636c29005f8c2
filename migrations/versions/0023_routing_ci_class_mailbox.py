"""Routing rules: two more conditions, the class of a CI given at creation and the mailbox (or
address) a mail arrived through

Revision ID: 0023
Revises: 0017
Create Date: 2026-12-06 08:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0023'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('routing_rules', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ci_class_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('mailbox', sa.String(length=254), nullable=False, server_default=''))
        batch_op.create_foreign_key(batch_op.f('fk_routing_rules_ci_class_id_cmdb_classes'), 'cmdb_classes',
                                    ['ci_class_id'], ['id'])


def downgrade():
    with op.batch_alter_table('routing_rules', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_routing_rules_ci_class_id_cmdb_classes'), type_='foreignkey')
        batch_op.drop_column('mailbox')
        batch_op.drop_column('ci_class_id')
