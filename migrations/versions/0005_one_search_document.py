"""PostgreSQL full text: one tsvector per ticket, internal notes at a weight of their own

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 20:35:00

Title and public text carry weights A and B, internal notes D. Agents match the
whole document, clients only A and B: one GIN index serves both, and a list walked
by ticket id tests one tsvector per row instead of two (bench/README.md).
SQLite's FTS5 table is unchanged.
"""
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE ticket_search ADD COLUMN doc tsvector")
    op.execute("UPDATE ticket_search SET doc = setweight(public_doc, 'B') || setweight(internal_doc, 'D')")
    op.execute("ALTER TABLE ticket_search ALTER COLUMN doc SET NOT NULL")
    op.execute("DROP INDEX ix_ticket_search_public")
    op.execute("DROP INDEX ix_ticket_search_internal")
    op.execute("ALTER TABLE ticket_search DROP COLUMN public_doc, DROP COLUMN internal_doc")
    op.execute("CREATE INDEX ix_ticket_search_doc ON ticket_search USING gin (doc)")
    op.execute("ANALYZE ticket_search")  # the rewrite left dead rows: autovacuum (or VACUUM) reclaims them


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE ticket_search ADD COLUMN public_doc tsvector, ADD COLUMN internal_doc tsvector")
    op.execute("UPDATE ticket_search SET public_doc = ts_filter(doc, '{a,b}'), internal_doc = ts_filter(doc, '{d}')")
    op.execute("ALTER TABLE ticket_search ALTER COLUMN public_doc SET NOT NULL, ALTER COLUMN internal_doc SET NOT NULL")
    op.execute("DROP INDEX ix_ticket_search_doc")
    op.execute("ALTER TABLE ticket_search DROP COLUMN doc")
    op.execute("CREATE INDEX ix_ticket_search_public ON ticket_search USING gin (public_doc)")
    op.execute("CREATE INDEX ix_ticket_search_internal ON ticket_search USING gin (internal_doc)")
