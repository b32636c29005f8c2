"""Simple substring search for admin lists (tickets get full-text search of their own)."""
import sqlalchemy as sa


def contains(column, text: str):
    """Case-insensitive "column contains text", with LIKE wildcards in the text taken literally."""
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return sa.func.lower(column).like(f"%{escaped}%", escape="\\")
