"""The reports' parts timed one by one, in process (wall and CPU ms, median of ``--repeat``
after a warm-up): every dashboard tile, and the client's monthly report with its medians and
breaches. CPU time is the figure to compare on a shared machine (PostgreSQL's own work is in
the wall time only).

    .venv/bin/python bench/report_parts.py --database-url sqlite:////work/bench-data/rep-1m.sqlite
"""
import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def timed(repeat, run):
    run()
    walls, cpus = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        run()
        walls.append((time.perf_counter() - w) * 1000)
        cpus.append((time.process_time() - c) * 1000)
    return statistics.median(walls), min(walls), statistics.median(cpus)


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--month", default="2026-10")
    parser.add_argument("--zone", default="Europe/Kyiv")
    args = parser.parse_args(argv)
    import sqlalchemy as sa

    from app import create_app, timeutil
    from app.extensions import db
    from app.orgs.models import Organization
    from app.reports import dashboard, monthly
    from app.reports import sla as report

    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url, "LOG_LEVEL": "WARNING"})
    month = date.fromisoformat(args.month + "-01")
    with app.app_context(), app.test_request_context():
        zone, now = args.zone, timeutil.utcnow()
        org_id = db.session.execute(sa.text(
            "SELECT t.organization_id FROM sla_clocks c JOIN tickets t ON t.id = c.ticket_id "
            "WHERE c.started_at >= :a AND c.started_at < :b GROUP BY t.organization_id ORDER BY count(*) DESC LIMIT 1"),
            {"a": f"{args.month}-01", "b": report.month_scope(month).end.isoformat()}).scalar()
        organization = db.session.get(Organization, org_id)
        scope = report.month_scope(month, zone=zone, organization_id=org_id)
        count = sa.select(dashboard.Ticket.priority, sa.func.count()).select_from(dashboard.Ticket)
        parts = {
            "dashboard: backlog": dashboard.backlog,
            "dashboard: soon": lambda: dashboard._by_priority(dashboard._soon(count, now)),
            "dashboard: breached today": lambda: dashboard._by_priority(dashboard._breached_today(count, now, zone)),
            "dashboard: flow": lambda: dashboard.flow(now, zone),
            "dashboard: load": dashboard.load,
            "dashboard: ratings": lambda: dashboard.ratings(now, zone),
            "dashboard: month by priority": lambda: report.report(dashboard.month_scope(now, zone), "priority"),
            "dashboard: contracts": lambda: dashboard.contracts(now, zone),
            "dashboard: all tiles": lambda: dashboard.tiles(now, zone),
            "monthly: report by priority": lambda: report.report(scope, "priority"),
            "monthly: medians (_sorted_minutes)": lambda: report._sorted_minutes(scope, "priority"),
            "monthly: breaches": lambda: report.breaches(scope, now),
            "monthly: monthly()": lambda: monthly.monthly(organization, month, zone, now),
        }
        print(f"organization {organization.code} (id {org_id}), month {args.month}, zone {zone}")
        for name, run in parts.items():
            median, best, cpu = timed(args.repeat, run)
            db.session.rollback()
            print(f"{name:40s} wall {median:8.1f} / {best:8.1f}   cpu {cpu:8.1f}")


if __name__ == "__main__":
    main()
