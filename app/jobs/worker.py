"""Running jobs: the @job decorator, periodic jobs, and the `flask worker` and
`flask jobs …` commands."""
import functools
import logging
import os
import threading
import time

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from rq import Queue, Worker, get_current_job

from app.extensions import db
from app.jobs import outbox
from app.jobs.connection import QUEUES, get_queue, get_redis

# Periodic jobs: a stable id, the job's import path, and how often it runs (seconds).
PERIODIC = [
    {"id": "close-resolved-tickets", "func": "app.tickets.jobs.close_resolved_tickets", "every": 3600},
    {"id": "purge-outbox", "func": "app.jobs.worker.purge_outbox", "every": 86400},
    {"id": "sla-sweep", "func": "sla.escalation.sweep_job", "every": 60},
    # Looks daily; adds a year's holidays once a year (idempotent, see sla/jobs.py).
    {"id": "sla-extend-holidays", "func": "sla.jobs.extend_holidays_job", "every": 86400},
    {"id": "mail-poll", "func": "app.mail.imap.poll_job", "every": 60},
    {"id": "mail-purge", "func": "app.mail.imap.purge_job", "every": 86400},
    {"id": "mail-retry", "func": "app.mail.delivery.retry_due_job", "every": 60},
    {"id": "kb-review-reminders", "func": "kb.jobs.review_reminders", "every": 86400},
    {"id": "report-minutes", "func": "app.reports.rollup.refresh_job", "every": 60},
    {"id": "report-daily", "func": "app.reports.daily_jobs.refresh_job", "every": 60},
    {"id": "report-daily-full", "func": "app.reports.daily_jobs.nightly_job", "every": 86400},
    {"id": "report-monthly", "func": "app.reports.monthly.deliver_due", "every": 3600},
    {"id": "incident-update-reminders", "func": "app.incidents.jobs.remind_managers", "every": 60},
]
LOOP_SECONDS = 10  # how often a worker looks for periodic jobs due and outbox rows to relay
log = logging.getLogger(__name__)


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


@job
def purge_outbox() -> int:
    return outbox.purge_done(current_app.config["OUTBOX_KEEP_DAYS"])


def enqueue_due_periodic() -> list[str]:
    """Enqueue each periodic job whose period has begun and nobody enqueued yet.

    A Redis key per job and period (SET NX with the period as expiry) makes this
    safe to call from every worker on every machine: one enqueue per period."""
    connection, enqueued = get_redis(), []
    for entry in PERIODIC:
        if connection.set(f"zayavka:periodic:{entry['id']}", "1", nx=True, ex=entry["every"]):
            get_queue("default").enqueue(entry["func"], job_id=f"periodic-{entry['id']}-{int(time.time())}")
            enqueued.append(entry["id"])
    return enqueued


def _background_loop(app, stop) -> None:
    """Beside each worker: periodic jobs due, and outbox rows whose push failed."""
    with app.app_context():
        while not stop.wait(LOOP_SECONDS):
            try:
                enqueue_due_periodic()
                outbox.relay()
            except Exception as error:
                log.warning("periodic jobs and the outbox relay wait for Redis: %s", error)
            finally:
                db.session.remove()


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
    outbox.relay(older_than=0)  # what waited while no worker ran
    db.session.remove()
    if not burst:
        enqueue_due_periodic()
        threading.Thread(target=_background_loop, args=(current_app._get_current_object(), stop), daemon=True).start()
    try:
        Worker(queues, connection=connection).work(
            burst=burst, with_scheduler=True, logging_level=current_app.config["LOG_LEVEL"]
        )
    finally:
        stop.set()


jobs_cli = AppGroup("jobs", help="Background jobs and their outbox.")


@jobs_cli.command("relay")
@click.option("--older-than", default=0.0, show_default=True, help="Only rows older than this many seconds.")
def relay_command(older_than: float) -> None:
    """Push the outbox rows that no queue holds (after a Redis outage)."""
    click.echo(f"{outbox.relay(older_than=older_than)} jobs pushed")
