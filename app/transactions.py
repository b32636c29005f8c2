"""One unit of work per user action.

A web request, an API call, a CLI command, a job or an incoming mail commits
once or not at all, however many services it composes. A service that writes
is decorated with ``@transactional`` (or opens ``with unit_of_work():``); the
outermost level begins the write transaction and commits it, inner levels only
join it. An exception that leaves any level rolls the whole unit back, and an
inner failure that an outer level swallowed still refuses the final commit:
half an action is never written.

PostgreSQL needs nothing special to begin. SQLite allows one writer at a time,
and a transaction that has read and then wants to write fails at once
("database is locked") if another connection wrote in between; so the
outermost level starts with BEGIN IMMEDIATE: it waits for the write lock first
(up to the busy timeout) and reads fresh rows under it.
"""
import contextlib
import functools

from app.extensions import db

IMMEDIATE = "zayavka_begin_immediate"
_DEPTH = "zayavka.uow.depth"
_DOOMED = "zayavka.uow.doomed"


class UnitOfWorkFailed(RuntimeError):
    """An inner step failed and was swallowed: the unit as a whole cannot be committed."""


def _begin_write(session) -> None:
    if session.new or session.dirty or session.deleted:
        return  # an older caller already wrote in this transaction: keep it
    if session.in_transaction():
        session.rollback()  # nothing to keep: only reads happened
    session.connection(execution_options={IMMEDIATE: True})


def in_unit_of_work() -> bool:
    return db.session().info.get(_DEPTH, 0) > 0


@contextlib.contextmanager
def unit_of_work():
    """Join the current unit of work, or begin one and commit it at the end."""
    session = db.session()
    depth = session.info.get(_DEPTH, 0)
    if depth == 0:
        session.info.pop(_DOOMED, None)
        _begin_write(session)
    session.info[_DEPTH] = depth + 1
    try:
        yield session
    except BaseException:
        session.info[_DEPTH] = depth
        if depth == 0:
            session.rollback()
        else:
            session.info[_DOOMED] = True
        raise
    session.info[_DEPTH] = depth
    if depth == 0:
        if session.info.pop(_DOOMED, False):
            session.rollback()
            raise UnitOfWorkFailed("a step of this action failed; nothing was written")
        try:
            session.commit()
        except BaseException:
            session.rollback()
            raise


def transactional(func):
    """Run the decorated service inside a unit of work (see the module docstring)."""

    @functools.wraps(func)
    def run(*args, **kwargs):
        with unit_of_work():
            return func(*args, **kwargs)

    return run


@contextlib.contextmanager
def answered_from_memory():
    """The objects a unit of work wrote stay loaded after its commit, so the answer built from
    them needs no reload (issue 18: the API's new ticket, 4 statements). They hold what this
    transaction committed; use it only to answer the request that wrote them."""
    session = db.session()
    previous = session.expire_on_commit
    session.expire_on_commit = False
    try:
        yield session
    finally:
        session.expire_on_commit = previous


def _refuse_inner_commit(session) -> None:
    if session.info.get(_DEPTH, 0) > 0:
        raise RuntimeError("commit inside a unit of work: only its outermost level commits")


def init_app(app) -> None:
    """A stray commit inside a unit of work is a bug: make it loud."""
    from sqlalchemy import event

    if not event.contains(db.session, "before_commit", _refuse_inner_commit):
        event.listen(db.session, "before_commit", _refuse_inner_commit)
