"""The mail channel: incoming mail stored before parsing, the Message-IDs that thread tickets, automatic answers

Revision ID: 0013
Revises: 0019
Create Date: 2026-12-06 05:05:23

"""
from alembic import op
import sqlalchemy as sa

revision = '0013'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mail_auto_replies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=254), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_auto_replies'))
    )
    with op.batch_alter_table('mail_auto_replies', schema=None) as batch_op:
        batch_op.create_index('ix_mail_auto_replies_address', ['address', 'created_at'], unique=False)

    op.create_table('mail_references',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.String(length=255), nullable=False),
    sa.Column('direction', sa.String(length=3), nullable=False),
    sa.Column('address', sa.String(length=254), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_mail_references_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_references'))
    )
    with op.batch_alter_table('mail_references', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_references_message_id'), ['message_id'], unique=False)
        batch_op.create_index('ix_mail_references_ticket', ['ticket_id', 'id'], unique=False)

    op.create_table('mail_inbound',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('raw', sa.LargeBinary(), nullable=True),
    sa.Column('mailbox', sa.String(length=60), nullable=False),
    sa.Column('sender', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=255), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('ticket_message_id', sa.Integer(), nullable=True),
    sa.Column('created', sa.Boolean(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('received', 'ticketed', 'quarantined', 'discarded')", name=op.f('ck_mail_inbound_status')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_mail_inbound_decided_by_id_users')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_mail_inbound_ticket_id_tickets')),
    sa.ForeignKeyConstraint(['ticket_message_id'], ['messages.id'], name=op.f('fk_mail_inbound_ticket_message_id_messages')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_inbound')),
    sa.UniqueConstraint('message_id', name=op.f('uq_mail_inbound_message_id'))
    )
    with op.batch_alter_table('mail_inbound', schema=None) as batch_op:
        batch_op.create_index('ix_mail_inbound_status', ['status', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_inbound_ticket_id'), ['ticket_id'], unique=False)



def downgrade():
    with op.batch_alter_table('mail_inbound', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_inbound_ticket_id'))
        batch_op.drop_index('ix_mail_inbound_status')

    op.drop_table('mail_inbound')
    with op.batch_alter_table('mail_references', schema=None) as batch_op:
        batch_op.drop_index('ix_mail_references_ticket')
        batch_op.drop_index(batch_op.f('ix_mail_references_message_id'))

    op.drop_table('mail_references')
    with op.batch_alter_table('mail_auto_replies', schema=None) as batch_op:
        batch_op.drop_index('ix_mail_auto_replies_address')

    op.drop_table('mail_auto_replies')
