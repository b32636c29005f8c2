"""Each role's home page on a seeded database: the agent's (the busiest team's first agent), the
manager's, the admin's and a client's (the biggest organization's client admin, /portal/), each
requested N times in-process through the Flask test client after logging in through /login;
p50 / p95 / max per page, and the plan of every SQL statement the page ran, with the statements
that scan the tickets table (SQLite "SCAN tickets", PostgreSQL "Seq Scan on tickets") named.

    .venv/bin/python bench/home.py --database-url sqlite:///bench/out/bench.sqlite --runs 20

Uses the database `bench/seed.py` made; writes only login sessions to it.
"""
import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.load_common import PASSWORD  # noqa: E402
from bench.machine import database_label, describe  # noqa: E402
from bench.seed import normalize  # noqa: E402

SECRET_KEY = "bench-home-secret"
REDIS_URL = "redis://127.0.0.1:6379/11"
TARGET_MS = 300  # a home page is read on every login: the reading pages' target
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# A walk over every row of tickets: of the table, or of a whole index that is not partial.
FULL_SCAN = {"sqlite": re.compile(r"\bSCAN (tickets\w*|t)\b(?! USING (COVERING )?INDEX \w*(open|rated)\w*)"),
             "postgresql": re.compile(r"Seq Scan on tickets")}


def people(db, sa) -> dict[str, str]:
    """The e-mail of one person per role: the most loaded ones, where the counts are biggest."""
    q = db.session.execute
    team_id = q(sa.text("SELECT team_id FROM tickets WHERE is_open = :t AND team_id IS NOT NULL GROUP BY team_id "
                        "ORDER BY count(*) DESC LIMIT 1"), {"t": True}).scalar()
    agent = q(sa.text("SELECT u.email FROM users u JOIN team_members m ON m.user_id = u.id WHERE m.team_id = :team "
                      "AND u.role = 'agent' AND u.active = :t ORDER BY u.id LIMIT 1"), {"team": team_id, "t": True}).scalar()
    org_id = q(sa.text("SELECT organization_id FROM tickets GROUP BY organization_id ORDER BY count(*) DESC LIMIT 1")
               ).scalar()
    found = {"agent": agent}
    for role, where in (("manager", "role = 'manager'"), ("admin", "role = 'admin'"),
                        ("client", f"role = 'client_admin' AND organization_id = {int(org_id)}")):
        found[role] = q(sa.text(f"SELECT email FROM users WHERE {where} AND active = :t ORDER BY id LIMIT 1"),
                        {"t": True}).scalar()
    return found


def log_in(client, email: str) -> None:
    token = CSRF_RE.search(client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    if response.status_code != 302:
        raise SystemExit(f"could not log in as {email} (HTTP {response.status_code}): was the database seeded "
                         f"by bench/seed.py, whose people's password is {PASSWORD!r}?")


class Statements:
    """The SELECTs a request runs, with their parameters (for EXPLAIN)."""

    def __init__(self, engine, sa_event):
        self.seen, self.on = [], False
        sa_event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        if self.on and statement.lstrip().upper().startswith(("SELECT", "WITH")):
            self.seen.append((statement, parameters))


def plans(db, dialect: str, statements, show: bool = False) -> list[tuple[str, str]]:
    """(statement, plan) of each distinct statement that scans the whole tickets table (``show``:
    print every plan)."""
    bad, done = [], set()
    with db.engine.connect() as conn:
        for statement, parameters in statements:
            if statement in done or "tickets" not in statement:
                continue
            done.add(statement)
            prefix = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN "
            rows = conn.exec_driver_sql(prefix + statement, parameters).all()
            plan = "\n".join(" ".join(str(c) for c in row) for row in rows)
            if show:
                print(f"\n    {' '.join(statement.split())[:400]}\n" + "\n".join("      " + line for line in plan.splitlines()))
            if FULL_SCAN[dialect].search(plan):
                bad.append((" ".join(statement.split())[:300], plan))
    return bad


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--runs", type=int, default=20, help="requests per home page (after one warm-up)")
    parser.add_argument("--plans", action="store_true", help="print the plan of every statement on tickets")
    args = parser.parse_args(argv)
    url = normalize(args.database_url)
    os.environ.setdefault("ZAYAVKA_INSTANCE_PATH", str(ROOT / "bench" / "out" / "instance"))
    import sqlalchemy as sa

    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY, "REDIS_URL": REDIS_URL,
                      "LOG_LEVEL": "WARNING"})
    with app.app_context():
        who = people(db, sa)
        tickets = db.session.execute(sa.text("SELECT count(*) FROM tickets")).scalar()
        dialect = db.engine.dialect.name
        statements = Statements(db.engine, sa.event)
    print(f"# Home pages: {tickets:,} tickets, {database_label(url)}, {args.runs} runs each")
    print(describe(url))
    print()
    print(f"| role | person | page | p50 ms | p95 ms | max ms | SQL per page | full scans of tickets | ≤ {TARGET_MS} ms |")
    print("|---|---|---|---:|---:|---:|---:|---:|---|")
    findings = {}
    for role, email in who.items():
        if email is None:
            print(f"| {role} | — | — | | | | | | no such person in this database |")
            continue
        client = app.test_client()
        log_in(client, email)
        page = "/portal/" if role == "client" else "/"
        client.get(page)  # warm-up: caches, first connection
        timings = []
        statements.seen, statements.on = [], True
        for run in range(args.runs):
            if run == 1:
                statements.on = False  # the statements of one request are enough to explain
            began = time.perf_counter()
            response = client.get(page)
            timings.append((time.perf_counter() - began) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{role}: {page} answered HTTP {response.status_code}")
        per_page = len(statements.seen)
        with app.app_context():
            findings[role] = plans(db, dialect, statements.seen, args.plans)
        p50, p95 = statistics.median(timings), percentile(timings, 95)
        print(f"| {role} | {email} | {page} | {p50:.1f} | {p95:.1f} | {max(timings):.1f} | {per_page} | "
              f"{len(findings[role])} | {'yes' if p95 <= TARGET_MS else 'NO'} |")
    for role, bad in findings.items():
        for statement, plan in bad:
            print(f"\n## {role}: a full scan of tickets\n\n    {statement}\n\n" + "\n".join(
                "    " + line for line in plan.splitlines()))


if __name__ == "__main__":
    main()
