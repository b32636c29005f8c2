"""Reports: the SLA report's daily roll-up (counts per day × organization × team × agent ×
priority × kind, the days built, the job's mark), tickets by when they changed and an
organization's tickets by kind and creation (the monthly report); an organization's contract
hours per month

Revision ID: 0024
Revises: 0017
Create Date: 2026-12-06 08:10:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0024'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'report_daily',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('zone', sa.String(length=64), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=True),
        sa.Column('assignee_id', sa.Integer(), nullable=True),
        sa.Column('priority', sa.SmallInteger(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('tickets', sa.Integer(), nullable=False),
        sa.Column('first_response_met', sa.Integer(), nullable=False),
        sa.Column('first_response_breached', sa.Integer(), nullable=False),
        sa.Column('resolution_met', sa.Integer(), nullable=False),
        sa.Column('resolution_breached', sa.Integer(), nullable=False),
        sa.Column('reopened', sa.Integer(), nullable=False),
        sa.Column('open', sa.Integer(), nullable=False),
        sa.Column('oldest_open', sa.DateTime(timezone=True), nullable=True),
        sa.Column('rated', sa.Integer(), nullable=False),
        sa.Column('rating_sum', sa.Integer(), nullable=False),
        sa.Column('billable_minutes', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'],
                                name=op.f('fk_report_daily_organization_id_organizations')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_daily')),
    )
    with op.batch_alter_table('report_daily', schema=None) as batch_op:
        batch_op.create_index('ix_report_daily_zone_day', ['zone', 'day'], unique=False)
    op.create_table(
        'report_daily_built',
        sa.Column('zone', sa.String(length=64), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('built_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('zone', 'day', name=op.f('pk_report_daily_built')),
    )
    op.create_table(
        'report_daily_mark',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('since', sa.DateTime(timezone=True), nullable=False),
        sa.Column('worklog_id', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_daily_mark')),
    )
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index('ix_tickets_updated_at', ['updated_at'], unique=False)
        batch_op.create_index('ix_tickets_org_kind_created', ['organization_id', 'kind', 'created_at'], unique=False)
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contract_minutes', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_column('contract_minutes')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_org_kind_created')
        batch_op.drop_index('ix_tickets_updated_at')
    op.drop_table('report_daily_mark')
    op.drop_table('report_daily_built')
    with op.batch_alter_table('report_daily', schema=None) as batch_op:
        batch_op.drop_index('ix_report_daily_zone_day')
    op.drop_table('report_daily')
