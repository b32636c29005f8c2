"""Pages at the speed of the database (issue 18): the app's busiest pages beside a bare
Flask + sqlite3 page serving the same rows (bench/bare.py), and ticket creation through the
agent's form, the portal's form and the API — raw per-request times kept, so a periodic pause
shows as a p99 far above the p50.

    .venv/bin/python bench/pages.py --database-url sqlite:///bench/out/bench100k.sqlite
    (seed it first: bench/seed.py --database-url … --tickets 100000 --messages 300000)

Both servers are gunicorn with 2 sync workers on 127.0.0.1; the app's agent and client log in
through the real login form. Prints, per page and concurrency: requests/s, p50/p95/p99 and the
ratio of the app's p95 to the bare page's; per creation door: p50, p99 and p99/p50; and the list
page's weight per row, plain and compressed. Raw times go to bench/out/pages-<db>.json.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.machine import database_label, describe  # noqa: E402
from bench.seed import normalize  # noqa: E402
from bench.workspace import (  # noqa: E402
    AGENT_PASSWORD,
    BENCH_TITLE,
    HOST,
    REDIS_URL,
    free_port,
    log_in,
    prepare,
    remove_bench_tickets,
    request_once,
    session_cookie,
    start_gunicorn,
    stop,
)
from bench.workspace import drive_raw as drive  # noqa: E402

LIMITS = {"RATE_LIMIT_PORTAL_TICKETS": "1000000 per hour", "RATE_LIMIT_API": "1000000 per minute"}  # counted, never hit


def start_bare(database: str, port: int, log_path: Path) -> subprocess.Popen:
    log = open(log_path, "ab")  # noqa: SIM115 — closed with the process
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", "2", "--bind", f"{HOST}:{port}",
         "--config", "/dev/null", "bench.bare:app"],
        cwd=ROOT, env=dict(os.environ, BARE_DATABASE=database), stdout=log, stderr=log, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if request_once(port, "GET", "/search?q=x")[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    stop(server)
    raise SystemExit(f"the bare page did not start; see {log_path}")


def csrf(port: int, path: str, cookie: str) -> tuple[str, str]:
    """The form's CSRF token, and the session cookie that holds it (the session may be new)."""
    status, headers, body = request_once(port, "GET", path, headers={"Cookie": cookie})
    found = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', body) or re.search(
        rb'value="([^"]+)"[^>]*name="csrf_token"', body)
    if status != 200 or found is None:
        raise SystemExit(f"GET {path}: HTTP {status}, no CSRF token")
    return found.group(1).decode(), session_cookie(headers) or cookie


def client_contact(url: str) -> tuple[str, int]:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text(
                "SELECT email, organization_id FROM users WHERE role = 'client_user' AND active = :t "
                "ORDER BY id LIMIT 1"), {"t": True}).one()
    finally:
        engine.dispose()


def organization_id(url: str, code: str) -> int:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text("SELECT id FROM organizations WHERE code = :c"), {"c": code}).scalar()
    finally:
        engine.dispose()


def clean_up(url: str) -> None:
    """What the creation runs left: the bench's tickets (every door), their outbox rows, their queued jobs."""
    import redis
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("UPDATE tickets SET via = 'api' WHERE title = :t"), {"t": BENCH_TITLE})
            if sa.inspect(connection).has_table("job_outbox"):
                connection.execute(sa.text("DELETE FROM job_outbox"))
    finally:
        engine.dispose()
    remove_bench_tickets(url)
    redis.Redis.from_url(REDIS_URL).flushdb()


def line(name: str, c: int, app: dict, bare: dict | None = None) -> str:
    if "p50" not in app:
        return f"{name:<30} {c:>3}  no answer as expected: {app.get('status')} {app['failures']}"
    text = (f"{name:<30} {c:>3} {app['rps']:>8.1f} {app['p50']:>8.1f} {app['p95']:>8.1f} {app['p99']:>8.1f} "
            f"{app['max']:>8.1f} {app['p99'] / app['p50']:>7.1f}")
    if bare and "p95" in bare:
        text += f" {bare['rps']:>8.1f} {bare['p95']:>8.2f} {app['p95'] / bare['p95']:>7.1f}"
    if app["failures"]:
        text += f"  (other statuses: {app['failures']})"
    return text


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--bare-database", help="the SQLite file the bare page reads (default: the same SQLite)")
    parser.add_argument("--seconds", type=float, default=10.0, help="per page and concurrency")
    parser.add_argument("--concurrency", default="1,8")
    parser.add_argument("--warmup", type=float, default=2.0)
    args = parser.parse_args(argv)
    url = normalize(args.database_url)
    bare_db = args.bare_database or (url.split("///", 1)[1] if url.startswith("sqlite") else None)
    if not bare_db:
        raise SystemExit("give --bare-database: the bare page reads a SQLite file seeded with the same --seed")
    levels = [int(c) for c in args.concurrency.split(",")]
    out = ROOT / "bench" / "out"
    label = database_label(url)
    print(describe(url))
    clean_up(url)
    info, endpoints = prepare(url)
    authorization = next(e.headers["Authorization"] for e in endpoints if e.method == "POST")
    contact, _ = client_contact(url)
    org_id = organization_id(url, info["organization"])
    os.environ.update(LIMITS)
    app_port, bare_port = free_port(), free_port()
    app_server = start_gunicorn(url, app_port, 2, out / f"gunicorn-pages-{label}.log")
    bare_server = start_bare(bare_db, bare_port, out / "gunicorn-bare.log")
    report: dict = {"info": info, "pages": [], "creation": [], "weight": {}}
    try:
        agent = {"Cookie": log_in(app_port, info["agent"], AGENT_PASSWORD)}
        client = {"Cookie": log_in(app_port, contact, AGENT_PASSWORD)}
        team, word = info["team_id"], urllib.parse.quote(info["word"])
        pages = [("queue, page 1", f"/tickets/?view=team_queue&team={team}&sort=priority", f"/queue?team={team}"),
                 ("ticket, 30 messages", f"/tickets/{info['thirty']}", f"/ticket/{info['thirty']}"),
                 (f"search '{info['word']}'", f"/tickets/?view=all&q={word}&sort=newest", f"/search?q={word}")]
        print(f"\n{'page':<30} {'c':>3} {'req/s':>8} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8} {'p99/p50':>7}"
              f" {'bare r/s':>8} {'bare p95':>8} {'ratio':>7}")
        for name, app_path, bare_path in pages:
            for c in levels:
                drive(app_port, "GET", app_path, agent, c, args.warmup)
                app_result = drive(app_port, "GET", app_path, agent, c, args.seconds)
                drive(bare_port, "GET", bare_path, {}, c, args.warmup)
                bare_result = drive(bare_port, "GET", bare_path, {}, c, args.seconds)
                print(line(name, c, app_result, bare_result), flush=True)
                report["pages"].append({"page": name, "concurrency": c, "app": app_result, "bare": bare_result})

        # What the ticket page asks for once it is shown (no bare equivalent: the bare page has none of it).
        thirty = info["thirty"]
        parts = [("ticket: context, similar", f"/tickets/{thirty}/context"),
                 ("ticket: tools", f"/tickets/{thirty}/tools"),
                 ("ticket: related articles", f"/kb/related/{thirty}")]
        print(f"\n{'after the ticket page':<30} {'c':>3} {'req/s':>8} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8} {'p99/p50':>7}")
        for name, path in parts:
            for c in levels:
                drive(app_port, "GET", path, agent, c, args.warmup)
                result = drive(app_port, "GET", path, agent, c, args.seconds)
                print(line(name, c, result), flush=True)
                report["pages"].append({"page": name, "concurrency": c, "app": result})

        # The list page's weight: bytes per row, plain and compressed.
        queue_path = pages[0][1]
        _, headers, plain = request_once(app_port, "GET", queue_path, headers=agent)
        _, zheaders, packed = request_once(app_port, "GET", queue_path, headers={**agent, "Accept-Encoding": "gzip"})
        rows = plain.count(b'class="ticket-row') or plain.count(b"<tr") - 1
        encoding = dict((k.lower(), v) for k, v in zheaders).get("content-encoding", "none")
        report["weight"] = {"bytes": len(plain), "rows": rows, "compressed": len(packed), "encoding": encoding}
        print(f"\nqueue page: {len(plain):,} bytes for {rows} rows = {len(plain) / max(rows, 1) / 1024:.2f} KB a row; "
              f"with Accept-Encoding gzip: {len(packed):,} bytes ({encoding})")

        # Creation through the three doors, each request its own title.
        agent_token, agent["Cookie"] = csrf(app_port, "/tickets/new", agent["Cookie"])
        client_token, client["Cookie"] = csrf(app_port, "/portal/new", client["Cookie"])
        form = {"Content-Type": "application/x-www-form-urlencoded"}

        def agent_body(i):
            return urllib.parse.urlencode({
                "csrf_token": agent_token, "kind": "incident", "organization": org_id, "title": BENCH_TITLE,
                "description": f"The /var partition of web-01 is at 97% ({i}).", "impact": "2", "urgency": "2"})

        def portal_body(i):
            return urllib.parse.urlencode({
                "csrf_token": client_token, "title": BENCH_TITLE, "category": "disk", "urgency": "2",
                "affected_system": "web-01", "description": f"The /var partition of web-01 is at 97% since ({i}) today."})

        def api_body(i):
            return json.dumps({"kind": "incident", "title": BENCH_TITLE, "organization": info["organization"],
                               "description": f"The /var partition of web-01 is at 97% ({uuid.uuid4().hex[:6]})."})

        doors = [("create: agent form", "/tickets/new", {**agent, **form}, agent_body, 302),
                 ("create: portal form", "/portal/new", {**client, **form}, portal_body, 302),
                 ("create: API", "/api/v1/tickets", {"Content-Type": "application/json",
                                                     "Authorization": authorization}, api_body, 201)]
        print(f"\n{'creation':<30} {'c':>3} {'req/s':>8} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8} {'p99/p50':>7}")
        for name, path, headers, body, expect in doors:
            for c in levels:
                drive(app_port, "POST", path, headers, c, args.warmup, body, expect)
                result = drive(app_port, "POST", path, headers, c, args.seconds, body, expect)
                print(line(name, c, result), flush=True)
                report["creation"].append({"door": name, "concurrency": c, **result})
    finally:
        stop(app_server)
        stop(bare_server)
        clean_up(url)
    (out / f"pages-{label}.json").write_text(json.dumps(report))
    print(f"\nTargets (issue 18): pages p95 ≤ 5 × the bare page; creation p50 ≤ 8 ms and p99 ≤ 3 × p50; "
          f"no page with p99 > 3 × p50; a list page ≤ 0.5 KB a row + 10 KB. Raw times: bench/out/pages-{label}.json")


if __name__ == "__main__":
    main()
