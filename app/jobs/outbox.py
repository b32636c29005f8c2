"""The job outbox: no job is lost when Redis is away, none runs twice.

enqueue_after_commit() writes an OutboxJob row in the transaction of the action
that asks for the job, so the job exists exactly when the action does. Once
that transaction commits, the row is pushed to RQ under a job id derived from
the row (``outbox-<id>``). If Redis does not answer then, nothing is lost: the
relay (in every `flask worker`, and `flask jobs relay` for operators) pushes
the rows still pending that no queue holds, oldest first, when Redis answers
again.

A worker runs a row through run(): it first claims the row (pending → running,
a conditional UPDATE committed on its own), so a row pushed twice runs once,
and a worker killed in the middle leaves the row "running" instead of running
it again — a mail is never sent twice. Failed and stuck rows wait on the admin
page (/admin/jobs) for someone to retry them.
"""
import contextlib
import json
import logging
import traceback
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.dialects import sqlite
from werkzeug.utils import import_string

from app import timeutil
from app.auth.permissions import is_admin
from app.errors import Forbidden, NotFound, ValidationError
from app.extensions import db
from app.jobs.connection import get_queue, get_redis
from app.jobs.models import OutboxJob, rq_id
from app.transactions import transactional, unit_of_work

log = logging.getLogger(__name__)

RUNNER = "app.jobs.outbox.run"
_ROWS = "zayavka.outbox.rows"
_COMMITTED = "zayavka.outbox.committed"
_NO_JOBS = "zayavka.no_jobs"
_IDS = "zayavka.outbox.ids"


def enqueue_after_commit(func: str, *args, queue: str = "default", **kwargs) -> None:
    """Run ``func(*args, **kwargs)`` on a worker once the current transaction commits.
    Arguments are ids and plain values (they are stored as JSON)."""
    session = db.session()
    if session.info.get(_NO_JOBS):
        return
    table = OutboxJob.__table__  # one INSERT … RETURNING id now, not an ORM object for the commit's flush;
    with session.no_autoflush:  # and no flush of the caller's pending objects for it (they go with the commit)
        outbox_id = session.execute(sa.insert(table).values(
            queue=queue, func=func, args=list(args), kwargs=kwargs, state="pending", attempts=0).returning(table.c.id)
        ).scalar_one()
    session.info.setdefault(_IDS, []).append((outbox_id, queue))


def enqueue_unique_after_commit(func: str, jobs: list[tuple[str, list]], queue: str = "default") -> int:
    """Many jobs of one function, each named by a key: ``jobs`` is [(key, args), …]. A key the
    outbox already holds is skipped (INSERT … ON CONFLICT DO NOTHING), so asking twice — two
    sweeps racing, or one sweep run again — makes one job. Returns how many were new; they are
    pushed after the commit like the others. On PostgreSQL the rows travel as two arrays through
    unnest() (one statement of a few parameters: psycopg parses a statement of thousands slowly);
    on SQLite as an executemany."""
    session = db.session()
    if session.info.get(_NO_JOBS) or not jobs:
        return 0
    now = timeutil.utcnow()
    table = OutboxJob.__table__
    added = []
    if session.get_bind().dialect.name == "postgresql":
        statement = sa.text(
            "INSERT INTO job_outbox (queue, func, args, kwargs, state, attempts, created_at, key) "
            "SELECT :queue, :func, CAST(u.args AS JSON), CAST('{}' AS JSON), 'pending', 0, :now, u.key "
            "FROM unnest(CAST(:keys AS TEXT[]), CAST(:args AS TEXT[])) AS u(key, args) "
            "ON CONFLICT (key) DO NOTHING RETURNING id").bindparams(sa.bindparam("now", type_=table.c.created_at.type))
        for start in range(0, len(jobs), 10_000):
            part = jobs[start:start + 10_000]
            added += session.execute(statement, {"queue": queue, "func": func, "now": now,
                                                 "keys": [key for key, _args in part],
                                                 "args": [json.dumps(list(args)) for _key, args in part]}).scalars().all()
    else:
        statement = (sqlite.insert(table).on_conflict_do_nothing(index_elements=[table.c.key])
                     .returning(table.c.id))
        for start in range(0, len(jobs), 2000):
            rows = [{"queue": queue, "func": func, "args": list(args), "kwargs": {}, "state": "pending",
                     "attempts": 0, "created_at": now, "key": key} for key, args in jobs[start:start + 2000]]
            added += session.execute(statement, rows).scalars().all()
    session.info.setdefault(_IDS, []).extend((outbox_id, queue) for outbox_id in added)
    return len(added)


@contextlib.contextmanager
def without_jobs():
    """Writes inside enqueue nothing: demo data sends no mail to its made-up people."""
    db.session.info[_NO_JOBS] = True
    try:
        yield
    finally:
        db.session.info.pop(_NO_JOBS, None)


def push(rows) -> None:
    """Put ``(outbox_id, queue)`` rows on their RQ queues in one round trip to Redis (RQ on its
    own makes eight per job: the difference is most of a ticket creation's time, issue 18)."""
    pipe = get_redis().pipeline()
    for outbox_id, queue in rows:
        get_queue(queue).enqueue_call(RUNNER, args=(outbox_id,), job_id=rq_id(outbox_id), pipeline=pipe)
    pipe.execute()


PUSH_MANY = 20  # from this many rows on, a commit pushes them in chunks (push_many)
CHUNK = 25  # outbox rows per RQ job when pushed in chunks
RUN_MANY = "app.jobs.outbox.run_many"
QUEUED = "zayavka:outbox:queued"  # the ids pushed inside a chunk, so the relay leaves them alone


def push_many(rows: list[tuple[int, str]]) -> None:
    """Push many rows: one RQ job per CHUNK rows of a queue (``run_many``), all in one Redis
    pipeline per queue, their ids noted in a set the relay reads. Workers still share the rows
    (a chunk is one worker's), and each row is still claimed on its own."""
    by_queue: dict[str, list[int]] = {}
    for outbox_id, queue in rows:
        by_queue.setdefault(queue, []).append(outbox_id)
    for queue, ids in by_queue.items():
        target = get_queue(queue)
        pipe = get_redis().pipeline()
        pipe.sadd(QUEUED, *ids)
        chunks = [ids[start:start + CHUNK] for start in range(0, len(ids), CHUNK)]
        target.enqueue_many([target.prepare_data(RUN_MANY, args=(chunk,), job_id=f"outbox-{chunk[0]}-{chunk[-1]}")
                             for chunk in chunks], pipeline=pipe)
        pipe.execute()


def _before_commit(session) -> None:
    rows = session.info.pop(_ROWS, [])
    if rows:
        session.flush()  # the rows get their ids
    committed = [(row.id, row.queue) for row in rows] + session.info.pop(_IDS, [])
    if committed:
        session.info[_COMMITTED] = committed


def _after_commit(session) -> None:
    rows = session.info.pop(_COMMITTED, [])
    if not rows:
        return
    try:
        if len(rows) >= PUSH_MANY:
            push_many(rows)
        else:
            push(rows)
    except Exception as error:  # the rows wait for the relay
        log.warning("%d outbox jobs not pushed (%s): the relay will push them", len(rows), error)


def _after_rollback(session, previous_transaction=None) -> None:
    session.info.pop(_ROWS, None)
    session.info.pop(_IDS, None)
    session.info.pop(_COMMITTED, None)


def init_app(app) -> None:
    session = db.session
    if not event.contains(session, "before_commit", _before_commit):
        event.listen(session, "before_commit", _before_commit)
        event.listen(session, "after_commit", _after_commit)
        event.listen(session, "after_soft_rollback", _after_rollback)


# -- the worker's side -------------------------------------------------------------

def relay(older_than: float = 10.0, limit: int = 500) -> int:
    """Push the pending rows older than ``older_than`` seconds that no queue holds, oldest
    first. Returns how many were pushed. Raises if Redis does not answer."""
    cutoff = timeutil.utcnow() - timedelta(seconds=older_than)
    rows = db.session.execute(sa.select(OutboxJob.id, OutboxJob.queue).where(
        OutboxJob.state == "pending", OutboxJob.created_at <= cutoff).order_by(OutboxJob.id).limit(limit)).all()
    db.session.rollback()  # end the read: nothing of it is kept
    if not rows:
        return 0
    pipe = get_redis().pipeline()
    for outbox_id, _queue in rows:
        pipe.exists(f"rq:job:{rq_id(outbox_id)}")
    for outbox_id, _queue in rows:
        pipe.sismember(QUEUED, outbox_id)
    answers = pipe.execute()
    known = [alone or in_chunk for alone, in_chunk in zip(answers[:len(rows)], answers[len(rows):], strict=True)]
    missing = [(outbox_id, queue) for (outbox_id, queue), exists in zip(rows, known, strict=True) if not exists]
    if missing:
        push(missing)
        log.info("relayed %d outbox jobs", len(missing))
    return len(missing)


def _claim(outbox_id: int):
    with unit_of_work():
        claimed = db.session.execute(sa.update(OutboxJob).where(
            OutboxJob.id == outbox_id, OutboxJob.state == "pending").values(
            state="running", started_at=timeutil.utcnow(), attempts=OutboxJob.attempts + 1))
        if claimed.rowcount != 1:
            return None
        return db.session.execute(sa.select(OutboxJob.func, OutboxJob.args, OutboxJob.kwargs)
                                  .where(OutboxJob.id == outbox_id)).one()


def _finish(outbox_id: int, state: str, error: str | None = None) -> None:
    with unit_of_work():
        db.session.execute(sa.update(OutboxJob).where(OutboxJob.id == outbox_id).values(
            state=state, error=error, finished_at=timeutil.utcnow()))


def run(outbox_id: int):
    """What RQ runs: claim the row, run its function, record how it ended."""
    claimed = _claim(outbox_id)
    if claimed is None:
        log.info("outbox-%s: already run or running, skipped", outbox_id)
        return None
    func, args, kwargs = claimed
    try:
        result = import_string(func)(*(args or []), **(kwargs or {}))
    except Exception:
        db.session.rollback()
        _finish(outbox_id, "failed", traceback.format_exc()[-4000:])
        raise
    _finish(outbox_id, "done")
    return result


def run_many(outbox_ids: list[int]) -> int:
    """What RQ runs for a chunk: each row as run() would, one failing not stopping the others
    (its row says failed, and the chunk's RQ job then fails too). Returns how many ran."""
    failed, ran = [], 0
    try:
        for outbox_id in outbox_ids:
            try:
                run(outbox_id)
                ran += 1
            except Exception as error:  # recorded on its row by run()
                failed.append((outbox_id, error))
    finally:
        with contextlib.suppress(Exception):
            get_redis().srem(QUEUED, *outbox_ids)
    if failed:
        raise RuntimeError(f"outbox rows failed: {[outbox_id for outbox_id, _ in failed]}") from failed[0][1]
    return ran


# -- what admins see and do --------------------------------------------------------

STUCK_AFTER = timedelta(minutes=15)


def troubled(limit: int = 200) -> list[OutboxJob]:
    """Rows that need a look: failed ones, ones running for long (their worker died),
    and ones pending for long (Redis was away and no worker relayed them yet)."""
    now = timeutil.utcnow()
    return list(db.session.scalars(sa.select(OutboxJob).where(sa.or_(
        OutboxJob.state == "failed",
        sa.and_(OutboxJob.state == "running", OutboxJob.started_at < now - STUCK_AFTER),
        sa.and_(OutboxJob.state == "pending", OutboxJob.created_at < now - timedelta(minutes=1)),
    )).order_by(OutboxJob.id).limit(limit)))


def is_stuck(row: OutboxJob) -> bool:
    return row.state == "running" and row.started_at is not None and row.started_at < timeutil.utcnow() - STUCK_AFTER


@transactional
def retry(actor, outbox_id: int) -> OutboxJob:
    """An admin runs a failed or stuck row again (a stuck one may have done part of its work)."""
    if not is_admin(actor):
        raise Forbidden()
    row = db.session.get(OutboxJob, outbox_id)
    if row is None:
        raise NotFound()
    if row.state != "failed" and not is_stuck(row):
        raise ValidationError.single("job", _("Only a failed job, or one running for too long, can be retried."))
    row.state, row.error, row.started_at, row.finished_at = "pending", None, None, None
    db.session.info.setdefault(_ROWS, []).append(row)
    return row


def purge_done(keep_days: int = 7) -> int:
    """Periodic: forget rows that ran fine long ago."""
    with unit_of_work():
        gone = db.session.execute(sa.delete(OutboxJob).where(
            OutboxJob.state == "done", OutboxJob.finished_at < timeutil.utcnow() - timedelta(days=keep_days)))
    return gone.rowcount
