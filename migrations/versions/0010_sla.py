"""Service levels: calendars and their dated rows, policies, organizations' policies, ticket clocks
and escalation thresholds; the due and next-check columns of tickets

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 03:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sla_calendars',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('weekly', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sla_calendars')),
    sa.UniqueConstraint('name', name=op.f('uq_sla_calendars_name'))
    )
    op.create_table('sla_calendar_days',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('calendar_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('intervals', sa.JSON(), nullable=False),
    sa.CheckConstraint("kind IN ('holiday', 'exception')", name=op.f('ck_sla_calendar_days_kind')),
    sa.ForeignKeyConstraint(['calendar_id'], ['sla_calendars.id'], name=op.f('fk_sla_calendar_days_calendar_id_sla_calendars')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sla_calendar_days')),
    sa.UniqueConstraint('calendar_id', 'day', name='uq_sla_calendar_days_day')
    )
    op.create_table('sla_policies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('calendar_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=True),
    sa.Column('targets', sa.JSON(), nullable=False),
    sa.Column('pause_statuses', sa.JSON(), nullable=False),
    sa.Column('levels', sa.JSON(), nullable=False),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['calendar_id'], ['sla_calendars.id'], name=op.f('fk_sla_policies_calendar_id_sla_calendars')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sla_policies')),
    sa.UniqueConstraint('name', name=op.f('uq_sla_policies_name'))
    )
    with op.batch_alter_table('sla_policies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sla_policies_calendar_id'), ['calendar_id'], unique=False)

    op.create_table('sla_organization_policies',
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('policy_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_sla_organization_policies_organization_id_organizations')),
    sa.ForeignKeyConstraint(['policy_id'], ['sla_policies.id'], name=op.f('fk_sla_organization_policies_policy_id_sla_policies')),
    sa.PrimaryKeyConstraint('organization_id', 'policy_id', name=op.f('pk_sla_organization_policies'))
    )
    with op.batch_alter_table('sla_organization_policies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sla_organization_policies_policy_id'), ['policy_id'], unique=False)

    op.create_table('sla_clocks',
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('policy_id', sa.Integer(), nullable=False),
    sa.Column('calendar_version', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('segments', sa.JSON(), nullable=False),
    sa.Column('first_response_met_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('next_response_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('first_response_breached', sa.Boolean(), nullable=False),
    sa.Column('next_response_breached', sa.Boolean(), nullable=False),
    sa.Column('resolution_breached', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['policy_id'], ['sla_policies.id'], name=op.f('fk_sla_clocks_policy_id_sla_policies')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_sla_clocks_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('ticket_id', name=op.f('pk_sla_clocks'))
    )
    with op.batch_alter_table('sla_clocks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sla_clocks_policy_id'), ['policy_id'], unique=False)

    op.create_table('sla_thresholds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('target', sa.String(length=20), nullable=False),
    sa.Column('level', sa.SmallInteger(), nullable=False),
    sa.Column('percent', sa.SmallInteger(), nullable=False),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('fired_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_sla_thresholds_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sla_thresholds')),
    sa.UniqueConstraint('ticket_id', 'target', 'level', name='uq_sla_thresholds_level')
    )
    with op.batch_alter_table('sla_thresholds', schema=None) as batch_op:
        batch_op.create_index('ix_sla_thresholds_due', ['ticket_id', 'fired_at', 'at'], unique=False)

    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_response_due', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('resolution_due', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('next_sla_check_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_tickets_first_response_due', ['first_response_due'], unique=False)
        batch_op.create_index('ix_tickets_next_sla_check_at', ['next_sla_check_at'], unique=False)
        batch_op.create_index('ix_tickets_resolution_due', ['resolution_due'], unique=False)



def downgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_resolution_due')
        batch_op.drop_index('ix_tickets_next_sla_check_at')
        batch_op.drop_index('ix_tickets_first_response_due')
        batch_op.drop_column('next_sla_check_at')
        batch_op.drop_column('resolution_due')
        batch_op.drop_column('first_response_due')

    with op.batch_alter_table('sla_thresholds', schema=None) as batch_op:
        batch_op.drop_index('ix_sla_thresholds_due')

    op.drop_table('sla_thresholds')
    with op.batch_alter_table('sla_clocks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sla_clocks_policy_id'))

    op.drop_table('sla_clocks')
    with op.batch_alter_table('sla_organization_policies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sla_organization_policies_policy_id'))

    op.drop_table('sla_organization_policies')
    with op.batch_alter_table('sla_policies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sla_policies_calendar_id'))

    op.drop_table('sla_policies')
    op.drop_table('sla_calendar_days')
    op.drop_table('sla_calendars')
