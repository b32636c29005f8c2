"""Reports: each ticket's first-response and resolution time in business minutes; monthly reports mailed

Revision ID: 0018
Revises: 0014
Create Date: 2026-12-06 05:20:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'report_sla_minutes',
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('first_response_met_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('first_response_minutes', sa.Float(), nullable=True),
        sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('resolution_minutes', sa.Float(), nullable=True),
        sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_report_sla_minutes_ticket_id_tickets')),
        sa.PrimaryKeyConstraint('ticket_id', name=op.f('pk_report_sla_minutes')),
    )
    op.create_table(
        'report_monthly_deliveries',
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('queued_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'],
                                name=op.f('fk_report_monthly_deliveries_organization_id_organizations')),
        sa.PrimaryKeyConstraint('organization_id', 'month', name=op.f('pk_report_monthly_deliveries')),
    )
    with op.batch_alter_table('report_sla_minutes', schema=None) as batch_op:
        batch_op.create_index('ix_report_sla_minutes_resolved_at', ['resolved_at'], unique=False)
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index('ix_tickets_rated_at', ['rated_at'], unique=False)


def downgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_rated_at')
    with op.batch_alter_table('report_sla_minutes', schema=None) as batch_op:
        batch_op.drop_index('ix_report_sla_minutes_resolved_at')
    op.drop_table('report_sla_minutes')
    op.drop_table('report_monthly_deliveries')
