"""Full-text search over tickets: SQLite FTS5 or PostgreSQL full text, behind one face.

The index holds, per ticket, its title, its public text (description and public
replies) and its internal notes. The ticket services call reindex() in the
same transaction as every write, so the index never lags behind. Clients
search only titles and public text.
"""
import re

import sqlalchemy as sa

from app.extensions import db
from app.tickets.content import to_text
from app.tickets.models import Message, Ticket

TABLE = "ticket_search"
_WORD = re.compile(r"\w+", re.UNICODE)


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def terms(query: str, limit: int = 8) -> list[str]:
    return [word.lower() for word in _WORD.findall(query or "")][:limit]


def documents(ticket_ids) -> dict[int, tuple[str, str, str]]:
    """(title, public text, internal text) of each ticket."""
    docs: dict[int, list] = {}
    for ticket_id, title, description in db.session.execute(
            sa.select(Ticket.id, Ticket.title, Ticket.description).where(Ticket.id.in_(ticket_ids))):
        docs[ticket_id] = [title, [to_text(description)], []]
    rows = db.session.execute(sa.select(Message.ticket_id, Message.internal, Message.body_text)
                              .where(Message.ticket_id.in_(ticket_ids)).order_by(Message.id))
    for ticket_id, internal, text in rows:
        docs[ticket_id][2 if internal else 1].append(text)
    return {tid: (title, "\n".join(public), "\n".join(internal)) for tid, (title, public, internal) in docs.items()}


def reindex(*ticket_ids: int) -> None:
    ids = [tid for tid in ticket_ids if tid is not None]
    if not ids:
        return
    db.session.flush()
    rows = [{"id": tid, "title": title, "public": public, "internal": internal}
            for tid, (title, public, internal) in documents(ids).items()]
    write_rows(rows)


def write_rows(rows: list[dict]) -> None:
    """Put documents into the index: rows of {id, title, public, internal}."""
    if not rows:
        return
    if _dialect() == "postgresql":
        db.session.execute(sa.text(
            f"INSERT INTO {TABLE} (ticket_id, public_doc, internal_doc) VALUES "
            "(:id, setweight(to_tsvector('simple', :title), 'A') || to_tsvector('simple', :public), "
            "to_tsvector('simple', :internal)) "
            "ON CONFLICT (ticket_id) DO UPDATE SET public_doc = EXCLUDED.public_doc, internal_doc = EXCLUDED.internal_doc"),
            rows)
    else:
        db.session.execute(sa.text(f"DELETE FROM {TABLE} WHERE rowid = :id"), rows)
        db.session.execute(sa.text(
            f"INSERT INTO {TABLE} (rowid, title, public, internal) VALUES (:id, :title, :public, :internal)"), rows)


def matching_ids(query: str, include_internal: bool) -> sa.Select | None:
    """A SELECT of the ids of tickets matching every word (the last as a prefix),
    or None when the query has no words."""
    words = terms(query)
    if not words:
        return None
    if _dialect() == "postgresql":
        tsquery = " & ".join(words[:-1] + [words[-1] + ":*"])
        condition = "public_doc @@ to_tsquery('simple', :q)"
        if include_internal:
            condition += " OR internal_doc @@ to_tsquery('simple', :q)"
        return sa.select(sa.column("ticket_id")).select_from(sa.text(TABLE)).where(
            sa.text(condition).bindparams(q=tsquery))
    columns = "{title public internal}" if include_internal else "{title public}"
    quoted = " ".join(f'"{w}"' for w in words[:-1]) + f' "{words[-1]}"*'
    return sa.select(sa.column("rowid")).select_from(sa.text(TABLE)).where(
        sa.text(f"{TABLE} MATCH :q").bindparams(q=f"{columns}: ({quoted.strip()})"))
