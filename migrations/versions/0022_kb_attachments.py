"""The knowledge base's attachments: files of an article (images shown in its text, logs, PDFs); on
PostgreSQL an index of the articles' titles and tags for suggestions

Revision ID: 0022
Revises: 0023
Create Date: 2026-12-06 08:00:00

"""
import sqlalchemy as sa
from alembic import op

from app.timeutil import UTCDateTime

revision = '0022'
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'kb_attachments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('article_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('removed_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['article_id'], ['kb_articles.id'], name=op.f('fk_kb_attachments_article_id_kb_articles')),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_kb_attachments_uploaded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_attachments')),
    )
    with op.batch_alter_table('kb_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kb_attachments_article_id'), ['article_id'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        # Title (weight A) and tags (B) alone: "any of these words in the title" without reading every body
        # (kb.search.ranked(titles=True)); SQLite's FTS5 filters by column by itself.
        op.execute("CREATE INDEX ix_kb_search_titles ON kb_search USING gin (ts_filter(doc, '{a,b}'))")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_kb_search_titles")
    with op.batch_alter_table('kb_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kb_attachments_article_id'))
    op.drop_table('kb_attachments')
