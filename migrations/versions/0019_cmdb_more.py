"""The impact of a change's CIs, recorded when the change is submitted

Revision ID: 0019
Revises: 0012
Create Date: 2026-12-06 05:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'cmdb_change_impacts',
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=30), nullable=False),
        sa.Column('snapshot', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_cmdb_change_impacts_actor_id_users')),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_cmdb_change_impacts_ticket_id_tickets')),
        sa.PrimaryKeyConstraint('ticket_id', name=op.f('pk_cmdb_change_impacts')),
    )


def downgrade():
    op.drop_table('cmdb_change_impacts')
