"""Which SQL each workspace page runs, how long each statement takes, and its plan.

    .venv/bin/python bench/plans.py --database-url sqlite:///bench/out/bench.sqlite

Serves the pages through the app's test client (logged in as the bench agent
through /login), records every statement the app sends to the database, and for
the slow or central ones prints EXPLAIN QUERY PLAN (SQLite) or EXPLAIN (ANALYZE,
BUFFERS) (PostgreSQL) with the very parameters the app used. Read-only: it does
not create tickets. Output also in bench/out/plans-<database>.txt.
"""
import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.machine import database_label, describe  # noqa: E402
from bench.seed import normalize  # noqa: E402
from bench.workspace import AGENT_PASSWORD, REDIS_URL, SECRET_KEY, prepare  # noqa: E402

EXPLAIN_OVER_MS = 2.0
BIG_TABLES = ("FROM tickets", "FROM messages", "FROM ticket_events", "FROM ticket_search", "FROM (SELECT tickets")


def pages(info: dict, endpoints) -> list[tuple[str, str]]:
    team, org = info["team_id"], 1
    reads = [(e.name, e.path) for e in endpoints if e.method == "GET" and not e.skip]
    return reads + [
        ("team queue, first page, view counts not cached", reads[0][1] + "&counts=cold"),
        ("my teams' queues (default view)", "/tickets/"),
        ("everything, by priority", "/tickets/?view=all&sort=priority"),
        ("all open, last update", "/tickets/?view=open&sort=updated"),
        ("unassigned", "/tickets/?view=unassigned"),
        ("one organization, everything, last update", f"/tickets/?view=all&organization={org}&sort=updated"),
        ("team queue, last update", f"/tickets/?view=team_queue&team={team}&sort=updated"),
        ("search a host name 'web-01'", "/tickets/?view=all&q=web-01"),
        ("search a common word 'disk'", "/tickets/?view=all&q=disk"),
    ]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args(argv)
    url = normalize(args.database_url)
    dialect = "postgresql" if url.startswith("postgresql") else "sqlite"
    label = database_label(url)
    out_path = ROOT / "bench" / "out" / f"plans-{label}.txt"
    lines: list[str] = []

    def say(text=""):
        print(text, flush=True)
        lines.append(text)

    say(describe(url))
    info, endpoints = prepare(url)
    os.environ.setdefault("ZAYAVKA_INSTANCE_PATH", str(ROOT / "bench" / "out" / "instance"))
    import sqlalchemy as sa

    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY, "REDIS_URL": REDIS_URL,
                      "WTF_CSRF_ENABLED": False, "LOG_LEVEL": "WARNING"})
    recorded: list[tuple[str, object, float]] = []
    with app.app_context():
        engine = db.engine

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _before(conn, cursor, statement, parameters, context, executemany):
        conn.info["bench.started"] = time.perf_counter()

    @sa.event.listens_for(engine, "after_cursor_execute")
    def _after(conn, cursor, statement, parameters, context, executemany):
        recorded.append((statement, parameters, (time.perf_counter() - conn.info["bench.started"]) * 1000))

    client = app.test_client()
    response = client.post("/login", data={"email": info["agent"], "password": AGENT_PASSWORD})
    assert response.status_code == 302, f"login failed: {response.status_code}"
    for name, path in pages(info, endpoints):
        client.get(path)  # warm: caches, the counts in Redis
        if path.endswith("&counts=cold"):  # (an unknown argument: the app ignores it)
            with app.app_context():
                from app.jobs import get_redis

                for key in get_redis().scan_iter("zayavka:cache:counts:*"):
                    get_redis().delete(key)
        recorded.clear()
        started = time.perf_counter()
        response = client.get(path)
        took = (time.perf_counter() - started) * 1000
        sql_ms = sum(ms for *_, ms in recorded)
        note = " (SQLite: time to the first row)" if dialect == "sqlite" else ""
        say(f"\n=== {name}: GET {path}\n    HTTP {response.status_code}, {took:.1f} ms in the app, "
            f"{len(recorded)} statements, {sql_ms:.1f} ms of SQL{note}")
        for statement, _, ms in sorted(recorded, key=lambda r: -r[2]):
            say(f"  {ms:7.2f} ms  {' '.join(statement.split())[:200]}")
        explained = set()
        for statement, parameters, ms in sorted(recorded, key=lambda r: -r[2]):
            central = any(table in statement for table in BIG_TABLES)
            if (ms < EXPLAIN_OVER_MS and not central) or not statement.lstrip().upper().startswith("SELECT") \
                    or statement in explained:
                continue
            explained.add(statement)
            say(f"\n  -- plan of the {ms:.1f} ms statement: {' '.join(statement.split())}\n  -- parameters: "
                f"{parameters}")
            with engine.connect() as connection:
                prefix = "EXPLAIN (ANALYZE, BUFFERS) " if dialect == "postgresql" else "EXPLAIN QUERY PLAN "
                for plan_row in connection.exec_driver_sql(prefix + statement, parameters):
                    say("     " + " | ".join(str(v) for v in (plan_row if dialect == "postgresql" else plan_row[1:])))
    with app.app_context():
        db.engine.dispose()
    out_path.write_text("\n".join(lines) + "\n")
    print(f"\n(written to {out_path.relative_to(ROOT)})")


if __name__ == "__main__":
    main()
