"""Small settings read on every ticket creation (routing's rules, which SLA policy fits), kept in
the worker's own memory per version (issue 18).

A version is a counter in Redis per name. A commit that changed what a name covers moves the
counter on once it has committed (and drops this process's copy at once), so the next ticket of
any worker reads the new settings: a worker pays one GET per look-up instead of the statements.
What a name covers is said twice, so that nothing slips through:

- ``watch(name, *models)``: a flush that adds, changes or deletes one of these ORM objects marks
  the name — services, seeds and tests alike;
- ``changed(name)``: for writes that bypass the ORM objects (Core inserts into a link table).

A transaction reads the versions once: its first look-up asks Redis for every name this process
has looked up so far in one MGET, and its later look-ups (routing's two, the SLA policy's) use
what that read (issue 13: one round trip per new ticket instead of three).

Without Redis nothing is kept (every look-up computes). A copy is also never older than
MAX_AGE seconds, in case a counter was lost (Redis flushed or away when a commit tried to move
it). Callers must not change what they get: the same object serves every request of the worker.
"""
import logging
import time

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db
from app.jobs.connection import get_redis

log = logging.getLogger(__name__)

MAX_AGE = 60.0
_LOCAL = "zayavka.versions"
_PENDING = "zayavka.versions.pending"
_READ = "zayavka.versions.read"  # (the transaction, {name: version}) its first look-up read
_NAMES: set[str] = set()  # every name looked up in this process: read together
_WATCHED: dict[type, set[str]] = {}


def _key(name: str) -> str:
    return f"zayavka:version:{name}"


def watch(name: str, *models) -> None:
    """Changes of these models' rows move ``name``'s version once committed."""
    for model in models:
        _WATCHED.setdefault(model, set()).add(name)


def changed(name: str, session=None) -> None:
    """Move ``name``'s version when the current transaction commits."""
    (session or _session()).info.setdefault(_PENDING, set()).add(name)


def _session():
    return db.session()


def versioned(name: str, compute):
    """``compute()``'s result for the current version of ``name``, computed once per version in
    this worker. A transaction that has itself changed what ``name`` covers reads its own rows."""
    session = _session()
    if _touched(name, session):
        return compute()
    try:
        version = _version(name, session)
    except Exception:
        return compute()
    local = current_app.extensions.setdefault(_LOCAL, {})
    now = time.monotonic()
    hit = local.get(name)
    if hit is not None and hit[0] == version and hit[1] > now:
        return hit[2]
    value = compute()
    local[name] = (version, now + MAX_AGE, value)
    return value


def _version(name: str, session):
    """``name``'s version as the current transaction first read it (all names in one MGET)."""
    transaction = session.get_transaction()
    read = session.info.get(_READ)
    if read is not None and transaction is not None and read[0] is transaction and name in read[1]:
        return read[1][name]
    _NAMES.add(name)
    names = sorted(_NAMES)
    versions = dict(zip(names, get_redis().mget([_key(each) for each in names]), strict=True))
    if transaction is not None:  # outside a transaction nothing says when the read grows old
        session.info[_READ] = (transaction, versions)
    return versions[name]


def _touched(name: str, session) -> bool:
    if name in session.info.get(_PENDING, ()):
        return True
    return any(name in _WATCHED.get(type(obj), ()) for obj in (*session.new, *session.dirty, *session.deleted))


def forget_local() -> None:
    if has_app_context():
        current_app.extensions.pop(_LOCAL, None)


@event.listens_for(Session, "before_flush")
def _marks_changes(session, flush_context, instances) -> None:
    if not _WATCHED:
        return
    for obj in (*session.new, *session.dirty, *session.deleted):
        names = _WATCHED.get(type(obj))
        if names and (obj in session.new or obj in session.deleted or session.is_modified(obj)):
            session.info.setdefault(_PENDING, set()).update(names)


@event.listens_for(Session, "after_commit")
def _moves_versions(session) -> None:
    names = session.info.pop(_PENDING, None)
    if not names or not has_app_context():
        return
    local = current_app.extensions.get(_LOCAL, {})
    for name in names:
        local.pop(name, None)
    try:
        pipe = get_redis().pipeline()
        for name in sorted(names):
            pipe.incr(_key(name))
        pipe.execute()
    except Exception as error:  # other workers' copies age out within MAX_AGE
        log.warning("versions %s not moved on (%s)", sorted(names), error)


@event.listens_for(Session, "after_soft_rollback")
def _forgets_marks(session, previous_transaction) -> None:
    session.info.pop(_PENDING, None)
