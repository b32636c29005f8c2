"""Reports: each clock's organization and start kept beside its minutes in report_sla_minutes
(with an index by organization and start), so an organization's medians and breaches are found
without the month's clocks; a row for every clock that is met, resolved or breached; one
organization's days of the roll-up by index (the monthly report); an organization's open major
incidents by index (the portal's banner)

Revision ID: 0026
Revises: 0022
Create Date: 2026-12-06 09:05:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0026'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('report_sla_minutes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organization_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('started_at', sa.DateTime(timezone=True), nullable=True))
    # A row for every breached clock that has none yet (its minutes are written by the job).
    op.execute(
        "INSERT INTO report_sla_minutes (ticket_id, computed_at) "
        "SELECT c.ticket_id, c.started_at FROM sla_clocks c "
        "WHERE (c.first_response_breached OR c.resolution_breached) "
        "AND NOT EXISTS (SELECT 1 FROM report_sla_minutes m WHERE m.ticket_id = c.ticket_id)")
    op.execute(
        "UPDATE report_sla_minutes SET "
        "organization_id = (SELECT t.organization_id FROM tickets t WHERE t.id = report_sla_minutes.ticket_id), "
        "started_at = (SELECT c.started_at FROM sla_clocks c WHERE c.ticket_id = report_sla_minutes.ticket_id)")
    with op.batch_alter_table('report_sla_minutes', schema=None) as batch_op:
        batch_op.create_index('ix_report_sla_minutes_org_started', ['organization_id', 'started_at'], unique=False)
        batch_op.create_index('ix_report_sla_minutes_started', ['started_at', 'organization_id', 'first_response_minutes',
                                                                'resolution_minutes'], unique=False)
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index('ix_tickets_org_kind_major_open', ['organization_id', 'kind', 'major', 'is_open'],
                              unique=False)
    with op.batch_alter_table('report_daily', schema=None) as batch_op:
        batch_op.create_index('ix_report_daily_zone_org_day', ['zone', 'organization_id', 'day'], unique=False)


def downgrade():
    with op.batch_alter_table('report_daily', schema=None) as batch_op:
        batch_op.drop_index('ix_report_daily_zone_org_day')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_org_kind_major_open')
    with op.batch_alter_table('report_sla_minutes', schema=None) as batch_op:
        batch_op.drop_index('ix_report_sla_minutes_started')
        batch_op.drop_index('ix_report_sla_minutes_org_started')
        batch_op.drop_column('started_at')
        batch_op.drop_column('organization_id')
