"""PostgreSQL: the knowledge base's search index keeps each article's head — title, tags and the
first 60 words of the body — as a small tsvector of its own, with a GIN index, so that a search
ranks the articles whose head holds the words without reading their whole text

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 11:30:00

A column generated from ``doc`` by the function ``kb_head`` (SQL, immutable): whoever writes
``doc`` (kb.search.reindex, bench/kb.py, an import) gets the head with it, the same way. The
body's words are those after the title's and tags' positions in ``doc`` (``||`` shifts the
right operand's positions past the left's). SQLite: nothing (FTS5 ranks every match fast
enough, and filters by column by itself).
"""
from alembic import op

revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None

HEAD_WORDS = 60  # kb.search.HEAD_WORDS

KB_HEAD = rf"""
CREATE OR REPLACE FUNCTION kb_head(doc tsvector) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    WITH entries AS (
        SELECT u.lexeme, x.position, x.weight
        FROM unnest(doc) AS u(lexeme, positions, weights), unnest(u.positions, u.weights) AS x(position, weight)
    ), body AS (
        SELECT coalesce(max(position), 0) AS start FROM entries WHERE weight IN ('A', 'B')
    )
    SELECT coalesce(string_agg(quoted || ':' || positions, ' '), '')::tsvector
    FROM (SELECT '''' || replace(replace(lexeme, '\', '\\'), '''', '''''') || '''' AS quoted,
                 string_agg(position::text || weight, ',' ORDER BY position) AS positions
          FROM entries, body
          WHERE weight IN ('A', 'B') OR position <= body.start + {HEAD_WORDS}
          GROUP BY lexeme) AS kept
$$
"""


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(KB_HEAD)
    op.execute("ALTER TABLE kb_search ADD COLUMN head tsvector GENERATED ALWAYS AS (kb_head(doc)) STORED")
    op.execute("CREATE INDEX ix_kb_search_head ON kb_search USING gin (head)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_kb_search_head")
    op.execute("ALTER TABLE kb_search DROP COLUMN IF EXISTS head")
    op.execute("DROP FUNCTION IF EXISTS kb_head(tsvector)")
