"""Mail delivery: outgoing mail SMTP did not take, kept for its next attempts; addresses our mail bounced from

Revision ID: 0021
Revises: 0024
Create Date: 2026-12-06 08:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'mail_outbound',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=True),
        sa.Column('recipient', sa.String(length=254), nullable=False),
        sa.Column('subject', sa.String(length=255), nullable=False),
        sa.Column('raw', sa.LargeBinary(), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.String(length=500), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("state IN ('waiting', 'sending', 'sent', 'failed')", name=op.f('ck_mail_outbound_state')),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_mail_outbound_ticket_id_tickets')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_outbound')),
    )
    with op.batch_alter_table('mail_outbound', schema=None) as batch_op:
        batch_op.create_index('ix_mail_outbound_due', ['state', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_outbound_ticket_id'), ['ticket_id'], unique=False)

    op.create_table(
        'mail_bounces',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('address', sa.String(length=254), nullable=False),
        sa.Column('bounced_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('detail', sa.String(length=500), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=True),
        sa.Column('cleared_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_mail_bounces_ticket_id_tickets')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_bounces')),
        sa.UniqueConstraint('address', name=op.f('uq_mail_bounces_address')),
    )


def downgrade():
    op.drop_table('mail_bounces')
    with op.batch_alter_table('mail_outbound', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_outbound_ticket_id'))
        batch_op.drop_index('ix_mail_outbound_due')
    op.drop_table('mail_outbound')
