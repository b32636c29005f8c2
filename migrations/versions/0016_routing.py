"""Routing rules and the default team: every new ticket lands in a queue

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 05:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'routing_rules',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('category', sa.String(length=60), nullable=False),
        sa.Column('priority', sa.SmallInteger(), nullable=True),
        sa.Column('request_item_id', sa.Integer(), nullable=True),
        sa.Column('channel', sa.String(length=10), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=True),
        sa.Column('assign_mode', sa.String(length=16), nullable=False),
        sa.Column('assignee_id', sa.Integer(), nullable=True),
        sa.Column('priority_floor', sa.SmallInteger(), nullable=True),
        sa.Column('last_assignee_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('priority IS NULL OR priority BETWEEN 1 AND 4', name=op.f('ck_routing_rules_routing_priority')),
        sa.CheckConstraint('priority_floor IS NULL OR priority_floor BETWEEN 1 AND 4',
                           name=op.f('ck_routing_rules_routing_priority_floor')),
        sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_routing_rules_assignee_id_users')),
        sa.ForeignKeyConstraint(['last_assignee_id'], ['users.id'], name=op.f('fk_routing_rules_last_assignee_id_users')),
        sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'],
                                name=op.f('fk_routing_rules_organization_id_organizations')),
        sa.ForeignKeyConstraint(['request_item_id'], ['request_items.id'],
                                name=op.f('fk_routing_rules_request_item_id_request_items')),
        sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_routing_rules_team_id_teams')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_routing_rules')),
    )
    with op.batch_alter_table('routing_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_routing_rules_position'), ['position'], unique=False)
    op.create_table(
        'routing_rule_followers',
        sa.Column('rule_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['rule_id'], ['routing_rules.id'], name=op.f('fk_routing_rule_followers_rule_id_routing_rules')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_routing_rule_followers_user_id_users')),
        sa.PrimaryKeyConstraint('rule_id', 'user_id', name=op.f('pk_routing_rule_followers')),
    )
    op.create_table(
        'routing_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('default_team_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['default_team_id'], ['teams.id'], name=op.f('fk_routing_settings_default_team_id_teams')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_routing_settings')),
    )
    # ix_tickets_rated_at (the managers' home reads last week's ratings by it) comes with 0018.


def downgrade():
    op.drop_table('routing_settings')
    op.drop_table('routing_rule_followers')
    with op.batch_alter_table('routing_rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_routing_rules_position'))
    op.drop_table('routing_rules')
