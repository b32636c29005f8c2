"""The application factory: config → extensions → blueprints → CLI → errors."""
import importlib
import logging
import os
import secrets
import sqlite3
import time

from flask import Flask
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import settings_from_env
from app.extensions import babel, bootstrap, compress, csrf, db, login_manager, migrate


def create_app(config: object | dict | None = None) -> Flask:
    # ZAYAVKA_INSTANCE_PATH moves the instance folder (config, SQLite, secret key) elsewhere.
    app = Flask(__name__, instance_path=os.environ.get("ZAYAVKA_INSTANCE_PATH") or None, instance_relative_config=True)
    configure_settings(app, config)
    configure_extensions(app)
    configure_database(app)
    configure_doors(app)
    configure_blueprints(app)
    configure_cli(app)
    configure_errors(app)
    return app


def configure_settings(app: Flask, config) -> None:
    app.config.update(settings_from_env())
    app.config.from_pyfile("config.py", silent=True)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)

    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret_key(app.instance_path)

    url = app.config.get("SQLALCHEMY_DATABASE_URI") or app.config["DATABASE_URL"]
    if not url:
        url = "sqlite:///" + os.path.join(app.instance_path, "zayavka.sqlite")
    app.config["SQLALCHEMY_DATABASE_URI"] = normalize_database_url(url)
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})

    secure = app.config["BASE_URL"].startswith("https://")
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=secure,
        BOOTSTRAP_SERVE_LOCAL=True,
        COMPRESS_ALGORITHM=["br", "gzip"],  # brotli (its fast level 4) where the client takes it, else gzip
    )
    app.config.setdefault("PASSWORD_HASH_METHOD", "scrypt")
    if app.config["TRUST_PROXY"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    logging.basicConfig(level=app.config["LOG_LEVEL"])


def normalize_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever spelling the URL has."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _instance_secret_key(instance_path: str) -> str:
    path = os.path.join(instance_path, "secret_key")
    if not os.path.exists(path):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48))
    with open(path) as f:
        return f.read().strip()


MODEL_MODULES = ("app.jobs.models", "app.auth.models", "app.orgs.models", "app.portal.models", "app.requests.models",
                 "app.tickets.models", "app.problems.models", "app.changes.models", "app.incidents.models", "sla.models",
                 "cmdb.models", "app.mail.models", "kb.models", "app.reports.models", "app.routing.models")


def configure_database(app: Flask) -> None:
    for module in MODEL_MODULES:  # every table known to the metadata, for queries and migrations
        importlib.import_module(module)
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)


def _sqlite_connect(dbapi_connection, connection_record):
    # pysqlite's own transaction handling starts transactions late and breaks
    # SAVEPOINT; let SQLAlchemy issue BEGIN itself (below), and turn on the
    # pragmas that make SQLite a sound multi-process database.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in ("foreign_keys=ON", "journal_mode=WAL", "synchronous=NORMAL", f"busy_timeout={BUSY_TIMEOUT_MS}"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


BUSY_TIMEOUT_MS = 10_000  # how long a statement, or a writer at BEGIN IMMEDIATE, waits for a lock


def _sqlite_begin(conn):
    from app.transactions import IMMEDIATE

    if conn.get_execution_options().get(IMMEDIATE):
        _begin_immediate(conn)
    else:
        conn.exec_driver_sql("BEGIN")


def _begin_immediate(conn, wait_ms: int = BUSY_TIMEOUT_MS) -> None:
    """BEGIN IMMEDIATE, trying again every 0.25–2 ms while another connection holds the write lock.
    SQLite's own busy handler sleeps 1, 2, 5, 10, 15, 20, 25, 25 … ms between its tries however
    soon the lock frees: at 8 concurrent creations its waits were 53.7, 78.8, 103.9 and 129 ms
    for locks held a few ms (issue 18, bench/README). busy_timeout is 0 while this waits."""
    raw = conn.connection.dbapi_connection
    raw.execute("PRAGMA busy_timeout=0")
    try:
        deadline, pause = time.monotonic() + wait_ms / 1000, 0.00025
        while time.monotonic() < deadline:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) and "busy" not in str(error):
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 0.002)
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # still locked: SQLAlchemy's "database is locked", at once
    finally:
        raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def configure_extensions(app: Flask) -> None:
    from app import i18n, jobs, security, transactions
    from app.auth import login
    from app.widgets import render_field

    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    bootstrap.init_app(app)
    app.jinja_env.globals["render_field"] = render_field
    compress.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    login.init_app(app, login_manager)
    i18n.init_app(app)
    security.init_app(app)
    jobs.init_app(app)
    transactions.init_app(app)


def configure_doors(app: Flask) -> None:
    """The kinds and the engines answer at the ticket core's doors (app/tickets/doors.py)."""
    from app.changes import pages as change_pages
    from app.changes import rules as change_rules
    from app.incidents import rules as incident_rules
    from app.mail import bounces, notify
    from app.problems import pages as problem_pages
    from app.problems import rules as problem_rules
    from app.routing import engine as routing
    from app.tickets.pages import register_panel
    from cmdb import doors as cmdb_doors
    from kb import doors as kb_doors
    from sla import doors as sla_doors
    from sla import pages as sla_pages

    for module in (routing, problem_rules, change_rules, incident_rules, notify, bounces, sla_doors, cmdb_doors,
                   kb_doors):
        module.init_app(app)
    register_panel("problems/_on_ticket.html", problem_pages.context)
    register_panel("changes/_on_ticket.html", change_pages.context)
    register_panel("sla/_on_ticket.html", sla_pages.context)


def configure_blueprints(app: Flask) -> None:
    from app import converters
    from app.api import cmdb_views as api_cmdb_views  # noqa: F401 (adds the CMDB's routes to the API's blueprint)
    from app.api import incident_views as api_incident_views  # noqa: F401 (adds the major incidents' routes)
    from app.api import kb_views as api_kb_views  # noqa: F401 (adds the knowledge base's routes)
    from app.api import report_views as api_report_views  # noqa: F401 (adds the SLA report's route)
    from app.api import views as api_views
    from app.auth import admin_views as users_views
    from app.auth import views as auth_views
    from app.changes import views as change_views
    from app.home import views as home_views
    from app.incidents import views as incident_views
    from app.jobs import views as job_views
    from app.mail import views as mail_views
    from app.orgs import team_views
    from app.orgs import views as org_views
    from app.portal import settings_views as portal_settings
    from app.portal import views as portal_views
    from app.problems import views as problem_views
    from app.reports import portal_views as client_report_views
    from app.reports import views as report_views
    from app.requests import views as request_views
    from app.routing import views as routing_views
    from app.tickets import canned_views
    from app.tickets import views as ticket_views
    from cmdb import views as cmdb_views
    from kb import views as kb_views
    from sla import views as sla_views

    converters.init_app(app)  # before any rule with <int:…> is added
    app.register_blueprint(api_views.bp, url_prefix="/api/v1")
    app.register_blueprint(auth_views.bp)
    app.register_blueprint(home_views.bp)
    app.register_blueprint(org_views.bp, url_prefix="/organizations")
    app.register_blueprint(team_views.bp, url_prefix="/teams")
    app.register_blueprint(users_views.bp, url_prefix="/users")
    app.register_blueprint(ticket_views.bp, url_prefix="/tickets")
    app.register_blueprint(request_views.bp, url_prefix="/requests")
    app.register_blueprint(canned_views.bp, url_prefix="/canned")
    app.register_blueprint(report_views.bp, url_prefix="/reports")
    app.register_blueprint(portal_views.bp, url_prefix="/portal")
    app.register_blueprint(client_report_views.bp, url_prefix="/portal/reports")
    app.register_blueprint(portal_settings.bp, url_prefix="/settings/portal")
    app.register_blueprint(problem_views.bp, url_prefix="/problems")
    app.register_blueprint(change_views.bp, url_prefix="/changes")
    app.register_blueprint(incident_views.bp, url_prefix="/incidents")
    app.register_blueprint(incident_views.status_bp)
    app.register_blueprint(job_views.bp, url_prefix="/admin/jobs")
    app.register_blueprint(routing_views.bp, url_prefix="/admin/routing")
    app.register_blueprint(cmdb_views.bp, url_prefix="/cmdb")
    app.register_blueprint(sla_views.bp, url_prefix="/sla")
    app.register_blueprint(mail_views.bp, url_prefix="/mail")
    app.register_blueprint(kb_views.bp, url_prefix="/kb")
    app.register_blueprint(kb_views.files_bp, url_prefix="/kb")
    app.register_blueprint(kb_views.portal_bp, url_prefix="/portal/kb")


def configure_cli(app: Flask) -> None:
    from app import demo, devserver
    from app.auth import cli as users_cli
    from app.auth import token_cli
    from app.jobs import worker
    from app.mail import cli as mail_cli
    from app.orgs import cli as orgs_cli
    from app.reports import daily_jobs as reports_cli
    from cmdb import cli as cmdb_cli
    from kb import cli as kb_cli
    from sla import cli as sla_cli

    app.cli.add_command(orgs_cli.orgs)
    app.cli.add_command(users_cli.users)
    app.cli.add_command(token_cli.token)
    app.cli.add_command(demo.seed_demo)
    app.cli.add_command(worker.worker)
    app.cli.add_command(worker.jobs_cli)
    app.cli.add_command(devserver.serve)
    app.cli.add_command(sla_cli.sla_cli)
    app.cli.add_command(cmdb_cli.cmdb_cli)
    app.cli.add_command(mail_cli.mail_cli)
    app.cli.add_command(kb_cli.kb_cli)
    app.cli.add_command(reports_cli.reports_cli)


def configure_errors(app: Flask) -> None:
    from app.errors import register_error_handlers

    register_error_handlers(app)
