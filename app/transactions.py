"""Transactions that write.

PostgreSQL needs nothing special. SQLite allows one writer at a time, and a
transaction that has read and then wants to write fails at once ("database is
locked") if another connection wrote in between. So a service that writes
starts its own transaction, on SQLite with BEGIN IMMEDIATE: it waits for the
write lock first (up to the busy timeout) and reads fresh rows under it.
"""
from app.extensions import db

IMMEDIATE = "zayavka_begin_immediate"


def begin_write() -> None:
    session = db.session()
    if session.new or session.dirty or session.deleted:
        return  # already writing in this transaction
    if session.in_transaction():
        session.rollback()  # nothing to keep: only reads happened
    session.connection(execution_options={IMMEDIATE: True})
