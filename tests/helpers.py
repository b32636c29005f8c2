"""Test helpers that are not fixtures: a client that fills in CSRF tokens, a job runner."""
import re

import sqlalchemy as sa
from flask import has_app_context
from flask.testing import FlaskClient
from rq import Queue, SimpleWorker

from app import jobs
from app.extensions import db

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


class Client(FlaskClient):
    """A test client that posts forms the way a browser does: with the page's CSRF token.

    Each request gets an app context of its own, as in production. Without it,
    a request would reuse the test's context, and with it ``g`` (the logged-in
    user) and the database session of whatever ran before.
    """

    def open(self, *args, **kwargs):
        # End the test's own transaction around the request: the request must
        # see what the test wrote, and the test must then see what it wrote.
        if has_app_context():
            db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if has_app_context():
            db.session.commit()
        return response

    def csrf_token(self, page: str = "/login") -> str:
        return csrf_from(self.get(page, follow_redirects=True).get_data(as_text=True))

    def submit(self, url: str, data: dict | None = None, page: str | None = None, **kwargs):
        """POST ``data`` to ``url`` with a CSRF token taken from ``page`` (default: ``url``)."""
        data = dict(data or {})
        data["csrf_token"] = self.csrf_token(page or url)
        return self.post(url, data=data, **kwargs)

    def login(self, email: str, password: str):
        return self.submit("/login", {"email": email, "password": password})


def run_jobs(app) -> int:
    """Work every queued job in this process with a real RQ worker; return how many ran."""
    with app.app_context():
        connection = jobs.get_redis()
        queues = [Queue(name, connection=connection) for name in jobs.QUEUES]
        pending = sum(q.count for q in queues)
        worker = SimpleWorker(queues, connection=connection)
        worker.work(burst=True)
        failed = [q.failed_job_registry.get_job_ids() for q in queues]
        assert not any(failed), f"jobs failed: {failed}"
        return pending


def count(db, model) -> int:
    """How many rows ``model``'s table holds."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def text(response) -> str:
    return response.get_data(as_text=True)
