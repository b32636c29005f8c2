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


def terms(query: str, limit: int = 8) -> list[tuple[str, list[str]]]:
    """The query as terms: each the token as typed (lower-cased) and its words.
    A token such as "web-01" or "db.example.com" has several words and is
    searched as a phrase: split apart, "01" would match every time and date."""
    found = []
    for token in (query or "").split()[:limit]:
        words = [word.lower() for word in _WORD.findall(token)]
        if words:
            found.append((token.lower(), words))
    return found


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


def reindex_ticket(ticket: Ticket) -> None:
    """reindex() of a ticket the caller holds: its title and description as they are in memory,
    only its messages read back (a statement less per reply). The services flush a new message
    when they add it (it needs its id), so the read needs no flush of its own unless a message is
    still pending or changed: the ticket's own changes go out with the commit's flush (a flush less)."""
    session = db.session()
    if any(isinstance(pending, Message) for pending in (*session.new, *session.dirty)):
        session.flush()
    public, internal = [to_text(ticket.description)], []
    with session.no_autoflush:
        for is_internal, text in session.execute(sa.select(Message.internal, Message.body_text)
                                                 .where(Message.ticket_id == ticket.id).order_by(Message.id)):
            (internal if is_internal else public).append(text)
    write_rows([{"id": ticket.id, "title": ticket.title, "public": "\n".join(public), "internal": "\n".join(internal)}])


def index_new(ticket: Ticket) -> None:
    """The document of a ticket just created (flushed, no messages yet), from what the caller
    holds: what reindex() would read back from the database, without reading it."""
    write_rows([{"id": ticket.id, "title": ticket.title, "public": to_text(ticket.description), "internal": ""}])


def write_rows(rows: list[dict]) -> None:
    """Put documents into the index: rows of {id, title, public, internal}. The tickets are in the
    database already (create_ticket and reindex flush them), so the session's other pending objects
    (the event, the clock) are not flushed for this statement: they go with the commit's flush."""
    if not rows:
        return
    with db.session.no_autoflush:
        _write_rows(rows)


def _write_rows(rows: list[dict]) -> None:
    if _dialect() == "postgresql":  # one document: title A, public text B, internal notes D
        db.session.execute(sa.text(
            f"INSERT INTO {TABLE} (ticket_id, doc) VALUES "
            "(:id, setweight(to_tsvector('simple', :title), 'A') || setweight(to_tsvector('simple', :public), 'B') "
            "|| setweight(to_tsvector('simple', :internal), 'D')) "
            "ON CONFLICT (ticket_id) DO UPDATE SET doc = EXCLUDED.doc"),
            rows)
    else:  # FTS5 replaces the row of the same rowid: one statement, not a DELETE and an INSERT
        db.session.execute(sa.text(
            f"INSERT OR REPLACE INTO {TABLE} (rowid, title, public, internal) VALUES (:id, :title, :public, :internal)"),
            rows)


def _sqlite_match(found, include_internal: bool) -> str:
    parts = []
    for index, (_, words) in enumerate(found):
        if len(words) > 1:
            parts.append('"' + " ".join(words) + '"')  # a phrase: the words next to each other
        else:
            parts.append(f'"{words[0]}"' + ("*" if index == len(found) - 1 else ""))
    columns = "{title public internal}" if include_internal else "{title public}"
    return f"{columns}: ({' '.join(parts)})"


def _postgres_condition(found, include_internal: bool) -> tuple[str, dict]:
    """``doc @@ query``; for clients, words are restricted to the public weights (A, B)
    and phrases, which cannot carry weights, are checked again on the public part."""
    weights = "" if include_internal else "AB"
    pieces, phrases, params = [], [], {}
    for index, (token, words) in enumerate(found):
        name = f"q{index}"
        if len(words) > 1:  # PostgreSQL's parser splits the token as it split the text
            pieces.append(f"phraseto_tsquery('simple', :{name})")
            phrases.append(pieces[-1])
            params[name] = token
        else:
            prefix = "*" if index == len(found) - 1 else ""
            pieces.append(f"to_tsquery('simple', :{name})")
            params[name] = f"{words[0]}:{prefix}{weights}" if prefix or weights else words[0]
    condition = f"{TABLE}.doc @@ ({' && '.join(pieces)})"
    if phrases and not include_internal:
        condition += f" AND ts_filter({TABLE}.doc, '{{a,b}}') @@ ({' && '.join(phrases)})"
    return condition, params


def matching_ids(query: str, include_internal: bool) -> sa.Select | None:
    """A SELECT of the ids of tickets matching every term (the last word as a
    prefix), or None when the query has no words."""
    found = terms(query)
    if not found:
        return None
    if _dialect() == "postgresql":
        condition, params = _postgres_condition(found, include_internal)
        return sa.select(sa.column("ticket_id")).select_from(sa.text(TABLE)).where(
            sa.text(condition).bindparams(**params))
    return sa.select(sa.column("rowid")).select_from(sa.text(TABLE)).where(
        sa.text(f"{TABLE} MATCH :q").bindparams(q=_sqlite_match(found, include_internal)))


def any_word_ids(tokens: list[str], limit: int) -> sa.Select | None:
    """A SELECT of the ids of the newest ``limit`` tickets whose title or public text has any of
    the tokens (a word, or a host name such as db-03 as a phrase), or None without words: the
    index stops after ``limit``."""
    found = [words for _token, words in terms(" ".join(tokens), limit=len(tokens))]
    if not found:
        return None
    if _dialect() == "postgresql":
        query = " | ".join("(" + " <-> ".join(f"{w}:AB" for w in words) + ")" for words in found)
        return sa.select(sa.column("ticket_id")).select_from(sa.text(TABLE)).where(
            sa.text(f"{TABLE}.doc @@ to_tsquery('simple', :q)").bindparams(q=query)).order_by(
            sa.column("ticket_id").desc()).limit(limit)
    match = "{title public}: (" + " OR ".join('"' + " ".join(words) + '"' for words in found) + ")"
    return sa.select(sa.column("rowid")).select_from(sa.text(TABLE)).where(
        sa.text(f"{TABLE} MATCH :q").bindparams(q=match)).order_by(sa.column("rowid").desc()).limit(limit)


def newest_matching(stmt: sa.Select, query: str, include_internal: bool) -> tuple[sa.Select, sa.ColumnElement]:
    """``stmt`` (over tickets) joined to the matching index rows, with the index's
    ticket id to order by, newest first: the database walks the index in id order
    and stops after a page, however many tickets match."""
    found = terms(query)
    if not found:
        return stmt, Ticket.id
    if _dialect() == "postgresql":
        index = sa.table(TABLE, sa.column("ticket_id"))
        condition, params = _postgres_condition(found, include_internal)
        return stmt.join(index, index.c.ticket_id == Ticket.id).where(sa.text(condition).bindparams(**params)), \
            index.c.ticket_id
    index = sa.table(TABLE, sa.column("rowid"))
    stmt = stmt.join(index, index.c.rowid == Ticket.id).where(
        sa.text(f"{TABLE} MATCH :q").bindparams(q=_sqlite_match(found, include_internal)))
    return stmt, index.c.rowid
