"""Ticket numbers (INC-1042) and the subject tag that carries them in mail."""
import re

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.tickets.models import TicketSequence
from app.tickets.workflow import PREFIXES, Kind

NUMBER_RE = re.compile(r"\b(INC|REQ|PRB|CHG)-(\d{1,9})\b")


def next_number(kind: str) -> str:
    """Take the next number of a kind inside the current transaction.

    One UPDATE … RETURNING: the row lock (PostgreSQL) or the write lock
    (SQLite) makes concurrent creators wait for each other, so no number is
    handed out twice, and a rolled-back creation gives its number back.
    """
    kind = Kind(kind)
    stmt = (sa.update(TicketSequence).where(TicketSequence.kind == kind.value)
            .values(last_value=TicketSequence.last_value + 1).returning(TicketSequence.last_value))
    value = db.session.execute(stmt).scalar()
    if value is None:  # no row yet for this kind (the migration makes them; an emptied table has none)
        insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
        db.session.execute(insert(TicketSequence).values(kind=kind.value, last_value=0).on_conflict_do_nothing())
        value = db.session.execute(stmt).scalar()
    return f"{PREFIXES[kind]}-{value}"


def subject_tag(number: str) -> str:
    """"[INC-42]", or with MAIL_SUBJECT_PREFIX "Acme Support": "[Acme Support #INC-42]"."""
    prefix = " ".join((current_app.config.get("MAIL_SUBJECT_PREFIX") or "").replace("[", "").replace("]", "").split())
    return f"[{prefix} #{number}]" if prefix else f"[{number}]"


def find_number(text: str) -> str | None:
    """The first ticket number in a text such as a mail subject: "Re: [INC-42] disk full"."""
    match = NUMBER_RE.search(text or "")
    return f"{match.group(1)}-{int(match.group(2))}" if match else None
