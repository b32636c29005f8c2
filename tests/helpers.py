"""Test helpers that are not fixtures: a client that fills in CSRF tokens, a job runner."""
import re
from html.parser import HTMLParser

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


class _FormReader(HTMLParser):
    """The values a browser would post for each <form method="post"> of a page, as shown."""

    def __init__(self):
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self.values: list[tuple[str, str]] = []
        self.in_form = False
        self.select: dict | None = None
        self.option: dict | None = None
        self.textarea: str | None = None
        self.text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self.in_form, self.values = True, []
        if not self.in_form:
            return
        if tag == "input" and a.get("name") and a.get("type", "text") not in ("button", "file", "reset"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.values.append((a["name"], a.get("value", "on")))
            else:
                self.values.append((a["name"], a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self.select = {"name": a["name"], "multiple": "multiple" in a, "options": []}
        elif tag == "option" and self.select is not None:
            self.option = {"value": a.get("value"), "selected": "selected" in a, "text": ""}
            self.select["options"].append(self.option)
        elif tag == "textarea" and a.get("name"):
            self.textarea, self.text = a["name"], ""

    def handle_data(self, data):
        if self.option is not None:
            self.option["text"] += data
        if self.textarea is not None:
            self.text += data

    def handle_endtag(self, tag):
        if tag == "option":
            self.option = None
        elif tag == "select" and self.select is not None:
            options = self.select["options"]
            chosen = [o for o in options if o["selected"]]
            if not chosen and not self.select["multiple"] and options:
                chosen = options[:1]
            for option in chosen:
                value = option["value"] if option["value"] is not None else option["text"]
                self.values.append((self.select["name"], value))
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.values.append((self.textarea, self.text.removeprefix("\n")))
            self.textarea = None
        elif tag == "form" and self.in_form:
            self.in_form = False
            self.forms.append(self.values)


def form_values(html: str, having: str = "submit") -> dict:
    """The POST form of a page that has a field named ``having``, as a browser would submit it
    unchanged: {name: value or [values]}."""
    reader = _FormReader()
    reader.feed(html)
    form = next(f for f in reader.forms if any(name == having for name, _ in f))
    result: dict = {}
    for name, value in form:
        if name in result:
            result[name] = [*result[name], value] if isinstance(result[name], list) else [result[name], value]
        else:
            result[name] = value
    return result
