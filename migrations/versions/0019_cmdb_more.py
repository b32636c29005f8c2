"""The impact of a change's CIs, recorded when the change is submitted; large imports as jobs

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
    op.create_table(
        'cmdb_imports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('dry_run', sa.Boolean(), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.Column('counts', sa.JSON(), nullable=False),
        sa.Column('errors', sa.JSON(), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_cmdb_imports_actor_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_cmdb_imports')),
    )


def downgrade():
    op.drop_table('cmdb_imports')
    op.drop_table('cmdb_change_impacts')
