"""The job outbox on a real Redis with real RQ workers: a job asked for while Redis
is away goes out once Redis is back, a row pushed twice runs once, and a worker
killed in the middle of a mail does not send it again."""
import os
import shutil
import tempfile
from datetime import timedelta

import pytest
import redis
import sqlalchemy as sa
from rq import Queue, SimpleWorker, Worker

from app import jobs, timeutil
from app.extensions import db as _db
from app.jobs import outbox
from app.jobs.connection import QUEUES
from app.jobs.models import OutboxJob
from tests.helpers import run_jobs, text
from tests.portal.test_new_ticket import post_new


@pytest.fixture
def own_redis(app):
    """A Redis of this test's own (the embedded server), that the test may stop and start."""
    directory = tempfile.mkdtemp(prefix="zo-")
    server = jobs.EmbeddedRedis(directory).start()
    old_url = app.config["REDIS_URL"]

    def use(url):
        app.config["REDIS_URL"] = url
        app.extensions.pop("zayavka.redis", None)

    use(server.url)
    yield server
    server.stop()
    use(old_url)
    shutil.rmtree(directory, ignore_errors=True)


def rows(state=None):
    _db.session.rollback()
    stmt = sa.select(OutboxJob).order_by(OutboxJob.id)
    return list(_db.session.scalars(stmt.where(OutboxJob.state == state) if state else stmt))


def test_a_ticket_opened_while_redis_is_down_is_acknowledged_once_redis_is_back(app, login, users, mailbox, own_redis,
                                                                                  api, db):
    client, token_client = login("client_user"), api("client_user")
    own_redis.stop()
    response = post_new(client)
    assert response.status_code == 302  # the page works without Redis
    assert "nginx answers 502" in text(client.get(response.headers["Location"]))
    created = token_client.post("/api/v1/tickets", json={"kind": "incident", "title": "Mail relay refuses us",
                                                         "description": "Since 9:00 the relay says 554."})
    assert created.status_code == 201
    assert [r.func for r in rows("pending")] == ["app.mail.notify.ticket_received"] * 2
    with pytest.raises(redis.exceptions.ConnectionError):
        outbox.relay(older_than=0)  # nothing to push to while Redis is away

    own_redis.start()
    assert outbox.relay(older_than=0) == 2
    assert outbox.relay(older_than=0) == 0  # queued already: not pushed twice
    run_jobs(app)
    assert sorted(m["Subject"].split("] ", 1)[1] for m in mailbox.messages) == [
        "We received your ticket: Mail relay refuses us", "We received your ticket: web-01: nginx answers 502 since 10:00"]
    assert [r.state for r in rows()] == ["done", "done"]
    assert outbox.relay(older_than=0) == 0
    run_jobs(app)
    assert len(mailbox.messages) == 2


def test_a_row_pushed_twice_runs_once(app, users, mailbox, own_redis, db):
    from tests.factories import make_ticket

    ticket = make_ticket(users["client_user"], title="Printer jams")
    [row] = rows()
    outbox.push([(row.id, row.queue)])  # a second push of the same row: the relay and the request raced
    run_jobs(app)
    outbox.push([(row.id, row.queue)])  # and a late one, after it ran
    run_jobs(app)
    assert [m["Subject"] for m in mailbox.messages] == [f"[{ticket.number}] We received your ticket: Printer jams"]
    assert rows()[0].attempts == 1


def test_a_worker_killed_in_the_middle_of_a_mail_does_not_send_it_twice(app, users, mailbox, own_redis, db):
    with _db.session.begin():
        jobs.enqueue_after_commit("tests.jobs.jobs_for_tests.mail_then_die", "client@acme.test", queue="mail")
    os.register_at_fork(after_in_child=lambda: _db.engine.dispose(close=False))
    connection = jobs.get_redis()
    queues = [Queue(name, connection=connection) for name in QUEUES]
    Worker(queues, connection=connection).work(burst=True)  # its work horse is killed mid-job
    [row] = rows()
    assert row.state == "running" and len(mailbox.messages) == 1

    assert outbox.relay(older_than=0) == 0  # claimed: the relay leaves it alone
    outbox.push([(row.id, row.queue)])  # even pushed again, it does not run again
    SimpleWorker(queues, connection=connection).work(burst=True)
    assert len(mailbox.messages) == 1
    assert [m["Subject"] for m in mailbox.messages] == ["Only once, please"]


def test_admins_see_failed_and_stuck_jobs_and_retry_them(app, login, users, own_redis, db, monkeypatch):
    admin, manager = login("admin"), login("manager")
    with _db.session.begin():
        jobs.enqueue_after_commit("tests.jobs.jobs_for_tests.always_fails", "the mail server said no")
    connection = jobs.get_redis()
    SimpleWorker([Queue(n, connection=connection) for n in QUEUES], connection=connection).work(burst=True)
    [row] = rows()
    assert row.state == "failed" and "the mail server said no" in row.error

    page = text(admin.get("/admin/jobs"))
    assert "always_fails" in page and "the mail server said no" in page
    assert manager.get("/admin/jobs").status_code == 403
    response = admin.submit(f"/admin/jobs/{row.id}/retry", page="/admin/jobs")
    assert response.status_code == 302
    assert rows()[0].state == "pending"
    assert Queue("default", connection=connection).count == 1  # pushed again, after the commit

    later = timeutil.utcnow() + timedelta(minutes=20)  # a row whose worker died long ago shows as stuck
    _db.session.execute(sa.update(OutboxJob).values(state="running", started_at=timeutil.utcnow()))
    _db.session.commit()
    monkeypatch.setattr(timeutil, "utcnow", lambda: later)
    assert "Running for too long" in text(admin.get("/admin/jobs"))
