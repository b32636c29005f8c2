"""The reports' speed on a benchmark database (made by bench/seed.py).

    .venv/bin/python bench/seed.py --database-url sqlite:///bench/out/reports.sqlite --tickets 100000 --messages 100000
    .venv/bin/python bench/reports.py --database-url sqlite:///bench/out/reports.sqlite

The database is upgraded to the newest migration; then, unless its clocks are there already, every
incident and request gets an SLA clock and a ``report_sla_minutes`` row written with SQL (no
clock computed: a 9-18 calendar and a default policy; the first response met at creation for
19 of 20 tickets, its time 1-600 minutes, one in 11 first responses and one in 13 resolutions
breached, resolution times 10-5,010 minutes). Then, in one process, each timed ``--repeat``
times after a warm-up (median and best, ms), the page as a manager (or a client administrator)
gets it through the Flask test client — login, view, queries, template:

- "dashboard": ``/reports/`` (every tile);
- "SLA report, month, all organizations": ``/reports/sla?month=…&group=organization`` (the
  breakdown, the months, the breaches);
- "client's monthly report": ``/portal/reports/monthly?month=…`` of the organization with the
  most tickets that month;

and the report's queries alone (``sla.report`` by organization for the month). The month is the
one with the most clocks. Each is timed twice ("show both numbers"): counted from the clocks
("raw": the roll-up switched off, ``REPORT_ROLLUP_ZONES`` empty) and read from the daily roll-up
(built first for the month and the dashboard's month, timed: ``flask reports rollup``'s work);
``--only raw|rollup`` times one of them. Also timed: the roll-up job's minute when nothing
changed (``daily_jobs.refresh``, the indexed look for touched days). Figures are printed; copy
them into bench/README.md.
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.seed import normalize  # noqa: E402

PASSWORD = "bench-password"


def _app(url: str):
    from flask_migrate import upgrade

    from app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "LOG_LEVEL": "WARNING", "RATE_LIMITS": False,
                      "WTF_CSRF_ENABLED": False, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    return app


def seed_clocks(app) -> int:
    """Clocks and report minutes for every incident and request, with SQL; how many."""
    import sqlalchemy as sa

    from app.auth.permissions import SHELL
    from app.extensions import db
    from sla import services
    from sla.models import SlaPolicy

    with app.app_context():
        have = db.session.scalar(sa.text("SELECT count(*) FROM sla_clocks"))
        if have:
            return have
        policy = db.session.scalar(sa.select(SlaPolicy).where(SlaPolicy.name == "Bench"))
        if policy is None:
            calendar = services.save_calendar(SHELL, None, name="Bench office", timezone="Europe/Kyiv",
                                              weekly={d: [["09:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")})
            targets = {str(p): {"first_response": 60, "next_response": 120, "resolution": 960} for p in range(1, 5)}
            policy = services.save_policy(SHELL, None, name="Bench", calendar=calendar, kind=None, targets=targets,
                                          is_default=True)
        db.session.execute(sa.text(
            "INSERT INTO sla_clocks (ticket_id, policy_id, calendar_version, started_at, segments, "
            "first_response_met_at, resolved_at, first_response_breached, next_response_breached, resolution_breached) "
            "SELECT id, :policy, 1, created_at, '[]', CASE WHEN id % 20 <> 0 THEN created_at END, resolved_at, "
            "(id % 11 = 0), (1 = 0), (id % 13 = 0) FROM tickets WHERE kind IN ('incident', 'request')"),
            {"policy": policy.id})
        db.session.execute(sa.text(
            "INSERT INTO report_sla_minutes (ticket_id, first_response_met_at, first_response_minutes, resolved_at, "
            "resolution_minutes, computed_at, organization_id, started_at) SELECT c.ticket_id, c.first_response_met_at, "
            "CASE WHEN c.first_response_met_at IS NOT NULL THEN (c.ticket_id * 37) % 600 + 1 END, c.resolved_at, "
            "CASE WHEN c.resolved_at IS NOT NULL THEN (c.ticket_id * 53) % 5000 + 10 END, c.started_at, "
            "t.organization_id, c.started_at FROM sla_clocks c JOIN tickets t ON t.id = c.ticket_id"))
        db.session.commit()
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
        return db.session.scalar(sa.text("SELECT count(*) FROM sla_clocks"))


def _people(app, zone: str) -> dict:
    import sqlalchemy as sa

    from app.auth.services import hash_password
    from app.extensions import db

    with app.app_context():
        q = db.session.execute
        month = q(sa.text("SELECT substr(CAST(started_at AS TEXT), 1, 7) AS m, count(*) FROM sla_clocks "
                          "GROUP BY m ORDER BY 2 DESC LIMIT 1")).one()[0]
        organization = q(sa.text(
            "SELECT t.organization_id FROM sla_clocks c JOIN tickets t ON t.id = c.ticket_id "
            "WHERE substr(CAST(c.started_at AS TEXT), 1, 7) = :m GROUP BY t.organization_id ORDER BY count(*) DESC "
            "LIMIT 1"), {"m": month}).scalar()
        manager = q(sa.text("SELECT id, email FROM users WHERE role IN ('manager', 'admin') ORDER BY id LIMIT 1")).one()
        admin = q(sa.text("SELECT id, email FROM users WHERE role = 'client_admin' AND organization_id = :o "
                          "ORDER BY id LIMIT 1"), {"o": organization}).first()
        hashed = hash_password(PASSWORD)
        ids = [manager.id] + ([admin.id] if admin else [])
        db.session.execute(sa.text("UPDATE users SET password_hash = :h, timezone = :z WHERE id IN ({})".format(
            ",".join(map(str, ids)))), {"h": hashed, "z": zone})
        db.session.commit()
        return {"month": month, "organization": organization, "manager": manager.email,
                "client_admin": admin.email if admin else None}


def timed(repeat: int, run) -> dict:
    run()  # warm-up
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return {"median": statistics.median(times), "best": min(times)}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--only", choices=("raw", "rollup"), help="time only one path (default: both)")
    parser.add_argument("--zone", default="Europe/Kyiv", help="the readers' zone, the roll-up's")
    args = parser.parse_args(argv)
    app = _app(normalize(args.database_url))
    started = time.perf_counter()
    clocks = seed_clocks(app)
    print(f"{clocks:,} clocks ({time.perf_counter() - started:.1f} s to make or find)")
    info = _people(app, args.zone)
    print(f"month {info['month']}, organization id {info['organization']}")

    def login(email):
        client = app.test_client()
        response = client.post("/login", data={"email": email, "password": PASSWORD})
        assert response.status_code == 302, f"{email} could not log in ({response.status_code})"
        return client

    manager = login(info["manager"])

    def page(client, url, contains):
        def run():
            response = client.get(url)
            assert response.status_code == 200 and contains in response.get_data(as_text=True), url
        return run

    from datetime import date, timedelta

    from app import timeutil
    from app.reports import daily_jobs
    from app.reports import sla as report

    first = date.fromisoformat(info["month"] + "-01")
    after = date(first.year + first.month // 12, first.month % 12 + 1, 1)

    def queries_only():
        with app.app_context():
            report.report(report.month_scope(first, zone=args.zone), "organization")

    client = login(info["client_admin"]) if info["client_admin"] else None
    figures = {}
    for path in (("raw", "rollup") if args.only is None else (args.only,)):
        app.config["REPORT_ROLLUP_ZONES"] = [args.zone] if path == "rollup" else []
        if path == "rollup":
            with app.app_context():
                this_month = timeutil.utcnow().date().replace(day=1)
                started = time.perf_counter()
                rows = daily_jobs.build(first, after)
                built = (time.perf_counter() - started) * 1000
                rows += daily_jobs.build(this_month, this_month.replace(day=28) + timedelta(days=4))
                daily_jobs.refresh()  # sets the mark
                figures["roll-up: build the month (one-off)"] = {"median": built, "best": built}
                print(f"roll-up: {rows:,} rows for {info['month']} and this month")
                figures["roll-up job, nothing changed"] = timed(args.repeat, lambda: _in(app, daily_jobs.refresh))
        figures[f"[{path}] dashboard (/reports/)"] = timed(args.repeat, page(manager, "/reports/", "tile-backlog"))
        figures[f"[{path}] SLA report, month, all organizations"] = timed(
            args.repeat, page(manager, f"/reports/sla?month={info['month']}&group=organization", "breakdown-table"))
        figures[f"[{path}]   its breakdown queries alone"] = timed(args.repeat, queries_only)
        if client is not None:
            figures[f"[{path}] client's monthly report (portal)"] = timed(
                args.repeat, page(client, f"/portal/reports/monthly?month={info['month']}", "monthly-sla"))
    print(f"{'':48s} {'median ms':>10s} {'best ms':>10s}")
    for name, value in figures.items():
        print(f"{name:48s} {value['median']:>10.1f} {value['best']:>10.1f}")


def _in(app, run):
    with app.app_context():
        return run()


if __name__ == "__main__":
    main()
