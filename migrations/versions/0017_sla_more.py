"""SLA: calendar versions and policy terms kept by each clock, escalation mails deferred to working
hours, the country holidays were imported from, and a key that makes an outbox job unique

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 05:30:00

"""
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from app.timeutil import UTCDateTime

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('job_outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key', sa.String(length=160), nullable=True))
        batch_op.create_index('uq_job_outbox_key', ['key'], unique=True)
    with op.batch_alter_table('sla_calendars', schema=None) as batch_op:
        batch_op.add_column(sa.Column('holiday_country', sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column('holiday_subdivision', sa.String(length=10), nullable=True))
    with op.batch_alter_table('sla_policies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mail_in_working_hours', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    with op.batch_alter_table('sla_clocks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('terms', sa.JSON(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_sla_clocks_calendar_id_sla_calendars'), 'sla_calendars',
                                    ['calendar_id'], ['id'])
    op.create_table(
        'sla_calendar_versions',
        sa.Column('calendar_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['calendar_id'], ['sla_calendars.id'],
                                name=op.f('fk_sla_calendar_versions_calendar_id_sla_calendars')),
        sa.PrimaryKeyConstraint('calendar_id', 'version', name=op.f('pk_sla_calendar_versions')),
    )
    op.create_table(
        'sla_deferred_mails',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('threshold_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('send_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['threshold_id'], ['sla_thresholds.id'],
                                name=op.f('fk_sla_deferred_mails_threshold_id_sla_thresholds')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_sla_deferred_mails_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sla_deferred_mails')),
    )
    with op.batch_alter_table('sla_deferred_mails', schema=None) as batch_op:
        batch_op.create_index('ix_sla_deferred_mails_due', ['sent_at', 'send_at'], unique=False)
    _record_current_versions()


def _record_current_versions():
    """Each calendar's current version as its first recorded one (the clocks already running read it)."""
    conn = op.get_bind()
    now = datetime.now(UTC)
    versions = sa.table('sla_calendar_versions', sa.column('calendar_id', sa.Integer), sa.column('version', sa.Integer),
                        sa.column('data', sa.JSON), sa.column('created_at', UTCDateTime()))
    for cal_id, timezone, weekly, version in conn.execute(
            sa.text('SELECT id, timezone, weekly, version FROM sla_calendars')).all():
        weekly = json.loads(weekly) if isinstance(weekly, str) else weekly
        holidays, exceptions = [], {}
        for day, kind, intervals in conn.execute(sa.text(
                'SELECT day, kind, intervals FROM sla_calendar_days WHERE calendar_id = :id ORDER BY day'), {'id': cal_id}):
            day = day if isinstance(day, str) else day.isoformat()
            if kind == 'holiday':
                holidays.append(day)
            else:
                exceptions[day] = json.loads(intervals) if isinstance(intervals, str) else intervals
        conn.execute(versions.insert().values(calendar_id=cal_id, version=version, created_at=now, data={
            'timezone': timezone, 'weekly': weekly, 'holidays': holidays, 'exceptions': exceptions}))


def downgrade():
    with op.batch_alter_table('sla_deferred_mails', schema=None) as batch_op:
        batch_op.drop_index('ix_sla_deferred_mails_due')
    op.drop_table('sla_deferred_mails')
    op.drop_table('sla_calendar_versions')
    with op.batch_alter_table('sla_clocks', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_sla_clocks_calendar_id_sla_calendars'), type_='foreignkey')
        batch_op.drop_column('terms')
        batch_op.drop_column('calendar_id')
    with op.batch_alter_table('sla_policies', schema=None) as batch_op:
        batch_op.drop_column('mail_in_working_hours')
    with op.batch_alter_table('sla_calendars', schema=None) as batch_op:
        batch_op.drop_column('holiday_subdivision')
        batch_op.drop_column('holiday_country')
    with op.batch_alter_table('job_outbox', schema=None) as batch_op:
        batch_op.drop_index('uq_job_outbox_key')
        batch_op.drop_column('key')
