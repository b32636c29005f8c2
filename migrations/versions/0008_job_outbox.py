"""The job outbox: jobs asked for by an action, written in its transaction

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 03:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'job_outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('queue', sa.String(length=40), nullable=False),
        sa.Column('func', sa.String(length=200), nullable=False),
        sa.Column('args', sa.JSON(), nullable=False),
        sa.Column('kwargs', sa.JSON(), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_job_outbox')),
    )
    with op.batch_alter_table('job_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_job_outbox_state', ['state', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('job_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_job_outbox_state')
    op.drop_table('job_outbox')
