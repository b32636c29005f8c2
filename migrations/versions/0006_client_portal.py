"""The client portal: ticket visibility per organization, ratings, category hints

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 21:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contacts_see_all', sa.Boolean(), server_default=sa.true(), nullable=False))
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rating', sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column('rating_comment', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('rated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('rated_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_tickets_rated_by_id_users'), 'users', ['rated_by_id'], ['id'])
        batch_op.create_check_constraint(batch_op.f('ck_tickets_rating'), 'rating IS NULL OR rating BETWEEN 1 AND 5')
    op.create_table('portal_categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('texts', sa.JSON(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_categories')),
    sa.UniqueConstraint('key', name=op.f('uq_portal_categories_key'))
    )


def downgrade():
    op.drop_table('portal_categories')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_tickets_rating'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_tickets_rated_by_id_users'), type_='foreignkey')
        batch_op.drop_column('rated_by_id')
        batch_op.drop_column('rated_at')
        batch_op.drop_column('rating_comment')
        batch_op.drop_column('rating')
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_column('contacts_see_all')
