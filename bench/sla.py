"""The SLA engine's speed, in one process, without a database.

    .venv/bin/python bench/sla.py --calendar-only

The calendar part times ``sla.calendar.WorkingCalendar`` on a 9-18 Monday-Friday calendar in
Europe/Kyiv with three years of holidays: ``add`` calls/s (durations from 1 minute to 30 working
days), ``elapsed`` calls/s (spans up to 60 days), ``add`` with three pauses, and the cost of a
1-minute ``add`` beside a 100,000-minute one. Each figure is the best of ``--repeat`` runs over the
same ``--calls`` random starts, after a warm-up pass that lays out the calendar's tables.

    .venv/bin/python bench/sla.py --database-url sqlite:///bench/out/sla.sqlite --due 10000
    .venv/bin/python bench/sla.py --sweep-only --database-url URL --tickets-due 10000

With ``--database-url`` (a database made by bench/seed.py; it is upgraded to the newest
migration and its SLA tables are overwritten) it also times the escalation sweep and the
escalation jobs:

- every ticket gets a ``next_sla_check_at`` (written with SQL, no clocks computed): ``--due`` of
  them a minute in the past, all others a day ahead, so the sweep's select reads only the due
  ones through ix_tickets_next_sla_check_at whatever the table's size. The due tickets get a
  clock (one running segment, on a 24x7 policy) and one due 75 % threshold of their resolution
  target ("notify the assignee");
- "select": ``escalation.due_ticket_ids`` for all the due tickets at once (read only);
- "sweep": ``escalation.sweep`` — select the due thresholds, one keyed outbox job each (one
  INSERT … ON CONFLICT DO NOTHING per 2,000), the tickets' next check moved (one UPDATE per
  batch), the commit, and the push to RQ in pipelines; then the same sweep again (it must
  enqueue nothing);
- "jobs": the escalation jobs (each re-checks its threshold under the clock, fires it with its
  conditional UPDATE, writes the event and asks for its mail) and the mail jobs, worked by 1, then
  (on fresh thresholds) 2 RQ worker processes, each mail sent to an SMTP sink on 127.0.0.1; jobs/s.
Redis: ``--redis-url``, else an embedded redis-server.

``--sweep-only`` times only the select and the sweep (once seeded, one round, no calendar figures
and no jobs): the 1,000,000-ticket figure on any database bench/seed.py made, whose tickets need no
clocks of their own (``--tickets-due`` is ``--due``). The script writes the database: run it on a copy.
"""
import argparse
import json
import os
import platform
import random
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sla.calendar import WorkingCalendar  # noqa: E402

KYIV = ZoneInfo("Europe/Kyiv")
FIXED_HOLIDAYS = ("01-01", "03-08", "05-01", "05-08", "06-28", "07-15", "08-24", "10-01", "12-25")
MOVABLE_HOLIDAYS = ("2025-04-21", "2025-06-09", "2026-04-13", "2026-06-01", "2027-05-03", "2027-06-21")
MAX_MINUTES = 30 * 9 * 60  # 30 working days of 9 hours


def stamp(name: str):
    """A moment bound the way the app stores it (UTCDateTime: naive UTC text on SQLite), so that
    the sweep's comparisons see the bench's rows as they would see the app's."""
    import sqlalchemy as sa

    from app.timeutil import UTCDateTime
    return sa.bindparam(name, type_=UTCDateTime())

def office_calendar() -> WorkingCalendar:
    holidays = [f"{year}-{md}" for year in (2025, 2026, 2027) for md in FIXED_HOLIDAYS] + list(MOVABLE_HOLIDAYS)
    return WorkingCalendar.from_dict({
        "timezone": "Europe/Kyiv",
        "weekly": {day: [["09:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
        "holidays": holidays,
    })


def best_rate(repeat: int, calls: int, run) -> float:
    """Calls per second of the fastest of ``repeat`` runs of ``run()`` (which makes ``calls`` calls)."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return calls / best


def bench_calendar(calls: int = 200_000, repeat: int = 3, seed: int = 1) -> dict:
    """Time add/elapsed on the office calendar; print the figures and return them."""
    calendar = office_calendar()
    rng = random.Random(seed)
    origin = datetime(2025, 1, 1, tzinfo=KYIV)
    span = int((datetime(2028, 1, 1, tzinfo=KYIV) - origin).total_seconds())
    starts = [origin + timedelta(seconds=rng.randrange(span)) for _ in range(calls)]
    minutes = [rng.randint(1, MAX_MINUTES) for _ in range(calls)]
    ends = [start + timedelta(seconds=rng.randrange(60 * 86400)) for start in starts]
    pauses = [[(s + timedelta(hours=h), s + timedelta(hours=h + 2)) for h in (30, 2, 1)] for s in starts[:calls // 10]]
    add, elapsed = calendar.add, calendar.elapsed

    for start, m, end in zip(starts, minutes, ends, strict=True):  # warm-up: lays out the whole window once
        add(start, m)
        add(start, 100_000)
        elapsed(start, end)

    def run_add():
        for start, m in zip(starts, minutes, strict=True):
            add(start, m)

    def run_elapsed():
        for start, end in zip(starts, ends, strict=True):
            elapsed(start, end)

    def run_paused():
        for start, m, p in zip(starts, minutes, pauses, strict=False):
            add(start, m, p)

    def run_fixed(m):
        def run():
            for start in starts:
                add(start, m)
        return run

    figures = {
        "add calls/s": best_rate(repeat, calls, run_add),
        "elapsed calls/s": best_rate(repeat, calls, run_elapsed),
        "add with 3 pauses calls/s": best_rate(repeat, len(pauses), run_paused),
        "1-minute add, µs": 1e6 / best_rate(repeat, calls, run_fixed(1)),
        "100,000-minute add, µs": 1e6 / best_rate(repeat, calls, run_fixed(100_000)),
    }
    state = calendar._state
    print(f"calendar: 9-18 Mon-Fri, Europe/Kyiv, {len(calendar.holidays)} holidays 2025-2027; "
          f"table {len(state[2]) - 1} segments, local dates {state[6]} .. {state[7]}")
    print(f"{calls:,} calls per run, best of {repeat}")
    for name, value in figures.items():
        print(f"  {name:28s} {value:>12,.1f}")
    return figures


# -- the sweep and the escalation jobs -----------------------------------------------------------

def _bench_app(database_url: str, redis_url: str, smtp_port: int = 0):
    from flask_migrate import upgrade

    from app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": redis_url, "MAIL_PORT": smtp_port,
                      "MAIL_SERVER": "127.0.0.1", "BASE_URL": "http://bench.example", "LOG_LEVEL": "WARNING",
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    return app


def seed_sla(app, due: int, seed: int = 1) -> int:
    """SLA rows written straight with SQL (see the module doc); returns the number of tickets."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.timeutil import utcnow

    now = utcnow()
    with app.app_context(), db.engine.begin() as conn:
        for table in ("sla_thresholds", "sla_clocks", "sla_organization_policies", "sla_policies",
                      "sla_calendar_days", "sla_calendars"):
            conn.execute(sa.text(f"DELETE FROM {table}"))
        conn.execute(sa.text("DELETE FROM job_outbox"))
        conn.execute(sa.text("DELETE FROM ticket_events WHERE field = 'escalation'"))
        week = json.dumps({day: [["00:00", "24:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")})
        conn.execute(sa.text("INSERT INTO sla_calendars (id, name, timezone, weekly, version, created_at, updated_at) "
                             "VALUES (1, 'bench 24x7', 'Europe/Kyiv', :week, 1, :now, :now)").bindparams(stamp("now")),
                     {"week": week, "now": now})
        targets = json.dumps({str(p): {"first_response": 60, "resolution": 240} for p in range(1, 5)})
        levels = json.dumps([{"percent": 75, "action": "notify_assignee"}, {"percent": 100, "action": "notify_managers"}])
        conn.execute(sa.text("INSERT INTO sla_policies (id, name, calendar_id, kind, targets, pause_statuses, levels, "
                             "is_default, active, created_at, updated_at) VALUES (1, 'bench', 1, NULL, :t, '[\"pending\"]', "
                             ":l, :yes, :yes, :now, :now)").bindparams(stamp("now")),
                     {"t": targets, "l": levels, "yes": True, "now": now})
        total = conn.execute(sa.text("SELECT count(*) FROM tickets")).scalar()
        conn.execute(sa.text("UPDATE tickets SET next_sla_check_at = :later, first_response_due = NULL, "
                             "resolution_due = NULL").bindparams(stamp("later")), {"later": now + timedelta(days=1)})
        rng = random.Random(seed)
        ids = sorted(rng.sample(list(conn.execute(sa.text("SELECT id FROM tickets")).scalars()), min(due, total)))
        conn.execute(sa.text("UPDATE tickets SET next_sla_check_at = :past WHERE id = :id").bindparams(stamp("past")),
                     [{"past": now - timedelta(minutes=1), "id": i} for i in ids])
        started = now - timedelta(minutes=200)  # 75 % of 240 minutes reached 20 minutes ago, 100 % in 40
        segment = json.dumps([{"state": "running", "from": started.isoformat(), "to": None, "why": "open"}])
        conn.execute(sa.text("INSERT INTO sla_clocks (ticket_id, policy_id, calendar_version, started_at, segments, "
                             "first_response_met_at, first_response_breached, next_response_breached, "
                             "resolution_breached) VALUES (:id, 1, 1, :started, :segments, :started, :no, :no, :no)")
                     .bindparams(stamp("started")),
                     [{"id": i, "started": started, "segments": segment, "no": False} for i in ids])
        conn.execute(sa.text("INSERT INTO sla_thresholds (ticket_id, target, level, percent, action, at) "
                             "VALUES (:id, 'resolution', 0, 75, 'notify_assignee', :past)").bindparams(stamp("past")),
                     [{"id": i, "past": started + timedelta(minutes=180)} for i in ids])
    with app.app_context():
        if db.engine.dialect.name == "postgresql":  # the seed rewrote every ticket row: clear the dead
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:  # ones, as in life
                conn.execute(sa.text("VACUUM ANALYZE tickets, sla_thresholds, sla_clocks, job_outbox"))
    return total


def bench_select(app) -> tuple[float, int]:
    """The sweep's query (escalation.due_ticket_ids) for every due ticket at once: read only."""
    from app.extensions import db
    from app.timeutil import utcnow
    from sla import escalation

    with app.app_context():
        now, started = utcnow(), time.perf_counter()
        seen = len(escalation.due_ticket_ids(now, limit=10_000_000))
        seconds = time.perf_counter() - started
        db.session.remove()
        return seconds, seen


PUSHED = {"seconds": 0.0}


def bench_sweep(app) -> tuple[float, int]:
    """The sweep, timed; PUSHED["seconds"] says how much of it was the push to RQ after the commit."""
    from app.jobs import outbox
    from app.timeutil import utcnow
    from sla import escalation

    original = outbox.push_many

    def timed(rows):
        started = time.perf_counter()
        try:
            return original(rows)
        finally:
            PUSHED["seconds"] += time.perf_counter() - started

    PUSHED["seconds"] = 0.0
    outbox.push_many = timed
    try:
        with app.app_context():
            started = time.perf_counter()
            fired = escalation.sweep(utcnow())
            return time.perf_counter() - started, fired
    finally:
        outbox.push_many = original


def _smtp_sink():
    from aiosmtpd.controller import Controller

    class Sink:
        count = 0

        async def handle_DATA(self, server, session, envelope):
            Sink.count += 1
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    return controller, port, Sink


WORKER = """
import sys
sys.path.insert(0, {root!r})
from rq import SimpleWorker
from bench.sla import _bench_app
from app import jobs
app = _bench_app({url!r}, {redis!r}, {port})
with app.app_context():
    connection = jobs.get_redis()
    SimpleWorker([jobs.get_queue(name) for name in jobs.QUEUES], connection=connection).work(burst=True)
"""


def _done(app) -> int:
    import sqlalchemy as sa

    from app.extensions import db
    with app.app_context():
        done = db.session.scalar(sa.text("SELECT count(*) FROM job_outbox WHERE state = 'done'"))
        db.session.remove()
        return done


def bench_jobs(app, database_url: str, redis_url: str, port: int, workers: int) -> tuple[float, int]:
    """Work every queued job with ``workers`` RQ worker processes: the escalation jobs (fire) and
    the mail jobs they enqueue; (seconds, jobs run)."""
    import logging

    logging.getLogger("rq.worker").setLevel(logging.WARNING)
    before = _done(app)
    code = WORKER.format(root=str(ROOT), url=database_url, redis=redis_url, port=port)
    started = time.perf_counter()
    processes = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                 for _ in range(workers)]
    for process in processes:
        _, err = process.communicate()
        if process.returncode:
            print(err.decode()[-2000:])
    return time.perf_counter() - started, _done(app) - before


def bench_escalation(database_url: str, redis_url: str | None, due: int, sweep_only: bool = False) -> dict:
    from app.jobs.embedded import EmbeddedRedis

    server = None
    if not redis_url:
        directory = tempfile.mkdtemp(prefix="zr-")
        server = EmbeddedRedis(directory).start()
        redis_url = server.url
    controller, port, sink = _smtp_sink()
    try:
        app = _bench_app(database_url, redis_url, port)
        figures = {}
        for workers in ((1,) if sweep_only else (1, 2)):
            total = seed_sla(app, due)
            with app.app_context():
                from app import jobs
                jobs.get_redis().flushdb()
            seconds, seen = bench_select(app)
            print(f"sweep over {total:,} tickets, {seen:,} due: select {seconds:.3f} s")
            seconds, fired = bench_sweep(app)
            print(f"sweep: select and enqueue {fired:,} escalation jobs: {seconds:.2f} s "
                  f"({fired / seconds:,.0f} enqueued/s), of which the push to RQ after the commit "
                  f"{PUSHED['seconds']:.2f} s")
            figures[f"sweep {workers}"] = seconds
            again, twice = bench_sweep(app)
            print(f"the same sweep again: {twice:,} jobs enqueued, {again:.2f} s")
            if sweep_only:
                continue
            sent_before = sink.count
            seconds, ran = bench_jobs(app, database_url, redis_url, port, workers)
            print(f"escalation and mail jobs with {workers} worker(s): {ran:,} jobs ({sink.count - sent_before:,} mails) "
                  f"in {seconds:.1f} s: {ran / seconds:,.0f} jobs/s")
            figures[f"jobs/s {workers}"] = ran / seconds
        return figures
    finally:
        controller.stop()
        if server is not None:
            server.stop()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calendar-only", action="store_true", help="only the calendar part")
    parser.add_argument("--database-url", help="a bench/seed.py database: also the sweep and the jobs")
    parser.add_argument("--redis-url", help="default: an embedded redis-server")
    parser.add_argument("--sweep-only", action="store_true",
                        help="with --database-url: only the sweep (select, sweep, the same sweep again); "
                             "no calendar figures, no jobs")
    parser.add_argument("--due", "--tickets-due", dest="due", type=int, default=10_000,
                        help="tickets due for the sweep (default 10,000)")
    parser.add_argument("--calls", type=int, default=200_000, help="calls per timed run (default 200,000)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per figure; the best is kept (default 3)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{os.cpu_count()} cores, 1-minute load {load:.2f}, Python {platform.python_version()}")
    if args.sweep_only and (args.calendar_only or not args.database_url):
        parser.error("--sweep-only needs --database-url (and no --calendar-only)")
    if not args.sweep_only:
        bench_calendar(args.calls, args.repeat, args.seed)
    if not args.calendar_only and args.database_url:
        url = args.database_url
        if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):  # relative to here, not instance/
            url = "sqlite:///" + os.path.abspath(url[len("sqlite:///"):])
        print("the database's SLA rows, outbox and escalation events are replaced, and every ticket's due "
              "columns rewritten: use a copy of a seeded database")
        bench_escalation(url, args.redis_url, args.due, args.sweep_only)


if __name__ == "__main__":
    main()
