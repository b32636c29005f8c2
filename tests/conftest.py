"""Fixtures: an app on a database of its own (SQLite, or PostgreSQL when
DATABASE_URL is set), a real Redis (embedded, or REDIS_URL), a clean database
for every test, two client organizations and a user of every role."""
import contextlib
import email
import email.policy
import os
import shutil
import socket
import tempfile
import uuid

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy.engine import make_url
from sqlalchemy_utils import create_database

from app import create_app, normalize_database_url
from app.auth import tokens
from app.config import TestConfig
from app.extensions import db as _db
from app.jobs import EmbeddedRedis, forget_local, get_redis
from tests import factories
from tests.helpers import Client

PASSWORD = factories.PASSWORD


def fresh_database_url(label: str) -> str:
    """A new, empty database: beside DATABASE_URL's on its server, or a SQLite file."""
    base = os.environ.get("DATABASE_URL")
    if base:
        url = make_url(normalize_database_url(base))
        url = url.set(database=f"{url.database}_{label}_{uuid.uuid4().hex[:8]}")
        create_database(url)
        return url.render_as_string(hide_password=False)
    directory = tempfile.mkdtemp(prefix="zayavka-test-")
    return f"sqlite:///{directory}/{label}.sqlite"


def drop_fresh_database(url: str) -> None:
    if url.startswith("sqlite"):
        shutil.rmtree(os.path.dirname(make_url(url).database), ignore_errors=True)
        return
    # FORCE: a connection some test's app left in its pool must not keep the database alive.
    parsed = make_url(url)
    engine = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
    engine.dispose()


@pytest.fixture(scope="session")
def redis_url():
    url = os.environ.get("REDIS_URL")
    if url:
        yield url
        return
    directory = tempfile.mkdtemp(prefix="zr-")  # short: unix socket paths are limited
    server = EmbeddedRedis(directory).start()
    yield server.url
    server.stop()
    shutil.rmtree(directory, ignore_errors=True)


def make_app(database_url: str, redis_url: str, **overrides):
    config = {k: v for k, v in vars(TestConfig).items() if k.isupper()}
    config.update(SQLALCHEMY_DATABASE_URI=database_url, REDIS_URL=redis_url,
                  ATTACHMENT_DIR=tempfile.mkdtemp(prefix="zayavka-files-"), **overrides)
    app = create_app(config)
    app.test_client_class = Client
    with app.app_context():
        upgrade(directory=os.path.join(os.path.dirname(__file__), "..", "migrations"))
    return app


@pytest.fixture(scope="session")
def app(redis_url):
    url = fresh_database_url("t")
    app = make_app(url, redis_url)
    yield app
    with app.app_context():
        _db.engine.dispose()
    drop_fresh_database(url)


def _clean(app) -> None:
    with app.app_context():
        tables = [t.name for t in reversed(_db.metadata.sorted_tables)]
        with _db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql(f"TRUNCATE ticket_search, kb_search, {', '.join(tables)} RESTART IDENTITY CASCADE")
            else:
                for table in ["ticket_search", "kb_search", *tables]:
                    connection.exec_driver_sql(f"DELETE FROM {table}")
        get_redis().flushdb()
        forget_local()


@pytest.fixture(autouse=True)
def db(app):
    """Every test starts on empty tables, an empty Redis and the suite's settings, inside an app
    context: a test may change app.config for itself; what it changed is put back after it."""
    settings = dict(app.config)
    with app.app_context():
        yield _db
        _db.session.remove()
    app.config.clear()
    app.config.update(settings)
    _clean(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def org_a(db):
    return factories.make_org("ACME", "Acme Hosting Clients")


@pytest.fixture
def org_b(db):
    return factories.make_org("GLOBEX", "Globex Corporation")


@pytest.fixture
def team(db):
    return factories.make_team("Service Desk L1")


@pytest.fixture
def users(db, org_a, org_b, team):
    """One user of every role; clients in org A, plus a client admin and user in org B."""
    return {
        "admin": factories.make_user("admin", email="admin@provider.test"),
        "manager": factories.make_user("manager", email="manager@provider.test", teams=[team]),
        "agent": factories.make_user("agent", email="agent@provider.test", teams=[team]),
        "client_admin": factories.make_user("client_admin", org=org_a, email="boss@acme.test"),
        "client_user": factories.make_user("client_user", org=org_a, email="user@acme.test"),
        "other_admin": factories.make_user("client_admin", org=org_b, email="boss@globex.test"),
        "other_user": factories.make_user("client_user", org=org_b, email="user@globex.test"),
    }


@pytest.fixture
def login(app, users):
    """login("agent") → a test client logged in as that fixture user."""

    def log_in(who: str) -> Client:
        client = app.test_client()
        response = client.login(users[who].email, PASSWORD)
        assert response.status_code == 302, f"{who} could not log in"
        return client

    return log_in


@pytest.fixture
def api(app, users):
    """api("agent") → a test client whose every request carries that user's API token."""

    def client_for(who: str):
        _row, raw = tokens.create_token(users[who], f"{who} test token")
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
        client.token = raw
        return client

    return client_for



class Mailbox:
    """What a real SMTP server (aiosmtpd, on 127.0.0.1) received."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"

    def body(self, message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()


@contextlib.contextmanager
def smtp_sink(app):
    """A real SMTP server on 127.0.0.1 for the duration; the app sends its mail there."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Mailbox()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    old_port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = port
    try:
        yield sink
    finally:
        app.config["MAIL_PORT"] = old_port
        controller.stop()


@pytest.fixture
def mailbox(app):
    with smtp_sink(app) as sink:
        yield sink
