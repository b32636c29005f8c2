"""The agent workspace under load: gunicorn (2 workers) on 127.0.0.1 against a seeded
database, an agent logged in through the real login form, and each endpoint driven
for a fixed time at concurrency 1 and 8 over keep-alive connections.

    .venv/bin/python bench/workspace.py --database-url sqlite:///bench/out/bench.sqlite

Prints requests/s and p50/p95/p99 latency per endpoint and concurrency beside the
targets. An endpoint that does not answer 200/201 is shown with its status, never
with a latency. The ticket creation bench writes tickets into the database.
"""
import argparse
import http.client
import importlib.util
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.machine import database_label, describe  # noqa: E402
from bench.seed import normalize  # noqa: E402

HOST = "127.0.0.1"  # the only host this script ever talks to
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")  # flushed by the benches
SECRET_KEY = "bench-workspace-secret"
AGENT_PASSWORD = "bench-password"
READ_TARGET_MS, CREATE_TARGET_MS = 50, 80
MAX_REQUESTS = 200_000  # per endpoint and concurrency, whatever the duration
BENCH_TITLE = "Bench: disk almost full on web-01"
TOKEN_NAME = "workspace bench"
SEARCH_WORDS = ("balloon", "stale", "rack", "logrotate", "fsck", "replication", "certificate")


@dataclass
class Endpoint:
    name: str
    method: str
    path: str
    target_ms: int
    expect: int = 200
    body: bytes | None = None
    headers: dict = field(default_factory=dict)
    contains: str = ""  # a string the answer must hold (checked once, before timing)
    skip: str = ""  # why it cannot be measured


# -- what to ask for, found in the database --------------------------------------------------------------------

def prepare(url: str) -> tuple[dict, list[Endpoint]]:
    os.environ.setdefault("ZAYAVKA_INSTANCE_PATH", str(ROOT / "bench" / "out" / "instance"))
    import sqlalchemy as sa

    from app import create_app
    from app.extensions import db
    from app.tickets.queries import encode_cursor

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY, "REDIS_URL": REDIS_URL,
                      "LOG_LEVEL": "WARNING"})
    info: dict = {}
    with app.app_context():
        q = db.session.execute
        team_id, open_count = q(sa.text(
            "SELECT team_id, count(*) FROM tickets WHERE is_open = :t GROUP BY team_id ORDER BY 2 DESC LIMIT 1"),
            {"t": True}).one()
        agent = q(sa.text("SELECT u.id, u.email FROM users u JOIN team_members m ON m.user_id = u.id "
                          "WHERE m.team_id = :team AND u.role = 'agent' ORDER BY u.id LIMIT 1"), {"team": team_id}).one()
        queue_sql = ("SELECT priority, id, number FROM tickets WHERE is_open = :t AND team_id = :team "
                     "ORDER BY priority, id LIMIT 1 OFFSET :skip")
        first = q(sa.text(queue_sql), {"t": True, "team": team_id, "skip": 0}).one()
        deep_offset = min(9999, open_count - 1)
        tenth = q(sa.text(queue_sql), {"t": True, "team": team_id, "skip": deep_offset}).one()
        after = q(sa.text(queue_sql), {"t": True, "team": team_id, "skip": deep_offset + 1}).first()
        thirty = q(sa.text("SELECT t.number FROM tickets t WHERE t.id = (SELECT ticket_id FROM messages "
                           "GROUP BY ticket_id HAVING count(*) = 30 ORDER BY ticket_id DESC LIMIT 1)")).scalar()
        word, hits = search_word(q, sa, db.engine.dialect.name)
        org_code = q(sa.text("SELECT code FROM organizations ORDER BY id LIMIT 1")).scalar()
        token = api_token(agent.id)
        cursor = encode_cursor([tenth.priority, tenth.id])
        db.session.remove()
        db.engine.dispose()
    info.update(team_id=team_id, open_in_team=open_count, agent=agent.email, deep_row=deep_offset + 1,
                thirty=thirty, word=word, word_hits=hits, organization=org_code)
    queue = f"/tickets/?view=team_queue&team={team_id}&sort=priority"
    create_body = json.dumps({"kind": "incident", "title": BENCH_TITLE,
                              "description": "The **/var** partition of web-01 is at 97%.\n\n    $ df -h /var",
                              "organization": org_code}).encode()
    endpoints = [
        Endpoint("team queue, first page", "GET", queue, READ_TARGET_MS, contains=first.number),
        Endpoint(f"team queue, row {deep_offset + 1:,} on", "GET", f"{queue}&cursor={cursor}", READ_TARGET_MS,
                 contains=after.number if after else ""),
        Endpoint("ticket with 30 messages", "GET", f"/tickets/{thirty}", READ_TARGET_MS, contains=thirty or "",
                 skip="" if thirty else "no ticket with 30 messages"),
        Endpoint(f"search '{word}' ({hits:,} tickets)", "GET", f"/tickets/?view=all&q={urllib.parse.quote(word)}",
                 READ_TARGET_MS),
        Endpoint("create ticket (API)", "POST", "/api/v1/tickets", CREATE_TARGET_MS, expect=201, body=create_body,
                 headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
                 skip="" if token else "the API endpoint is not available yet (no app.auth.tokens)"),
    ]
    return info, endpoints


def search_word(q, sa, dialect: str) -> tuple[str, int]:
    """The candidate word whose number of matching tickets, asked the way the app asks
    (app.tickets.search.matching_ids: the last word is a prefix), is closest to 5,000."""
    from app.tickets.search import matching_ids

    counts = {}
    for word in SEARCH_WORDS:
        ids = matching_ids(word, include_internal=True).subquery()
        counts[word] = q(sa.select(sa.func.count()).select_from(ids)).scalar()
    word = min(counts, key=lambda w: abs(counts[w] - 5000))
    return word, counts[word]


def api_token(user_id: int) -> str | None:
    """A token for the agent through the app's own service, when the app has one."""
    if importlib.util.find_spec("app.auth.tokens") is None:
        return None
    from app.auth.models import User
    from app.auth.tokens import create_token
    from app.extensions import db

    _, raw = create_token(db.session.get(User, user_id), TOKEN_NAME)
    return raw


def remove_bench_tickets(url: str) -> int:
    """Delete what the creation bench made (tickets, their events and index rows, the
    token) and give the incident numbers back, so every run measures the same database."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    ours = "SELECT id FROM tickets WHERE via = 'api' AND title = :title"
    search_key = "ticket_id" if engine.dialect.name == "postgresql" else "rowid"
    try:
        with engine.begin() as connection:
            run = connection.execute
            removed = run(sa.text(f"SELECT count(*) FROM ({ours}) AS bench"), {"title": BENCH_TITLE}).scalar()
            if removed and engine.dialect.name == "postgresql":
                # No per-row foreign-key checks: tickets.merged_into_id has no index, so each deleted
                # ticket would cost a scan of all tickets. Nothing but these rows points at them.
                run(sa.text("SET LOCAL session_replication_role = replica"))
            if removed:
                for table, key in (("ticket_search", search_key), ("ticket_events", "ticket_id"),
                                   ("messages", "ticket_id"), ("attachments", "ticket_id"),
                                   ("ticket_watchers", "ticket_id")):
                    run(sa.text(f"DELETE FROM {table} WHERE {key} IN ({ours})"), {"title": BENCH_TITLE})
                run(sa.text(f"DELETE FROM tickets WHERE id IN ({ours})"), {"title": BENCH_TITLE})
                run(sa.text("UPDATE ticket_sequences SET last_value = (SELECT coalesce(max(CAST(substr(number, 5) "
                            "AS INTEGER)), 0) FROM tickets WHERE kind = 'incident') WHERE kind = 'incident'"))
            if sa.inspect(connection).has_table("api_tokens"):
                run(sa.text("DELETE FROM api_tokens WHERE name = :name"), {"name": TOKEN_NAME})
    finally:
        engine.dispose()
    return removed


# -- the server ---------------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_gunicorn(url: str, port: int, workers: int, log_path: Path) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=url, REDIS_URL=REDIS_URL, BASE_URL=f"http://{HOST}:{port}",
               RATE_LIMIT_API="1000000 per minute", RATE_LIMIT_PORTAL_TICKETS="1000000 per hour",  # counted, never hit
               SECRET_KEY=SECRET_KEY, LOG_LEVEL="WARNING", FLASK_APP="wsgi",
               ZAYAVKA_INSTANCE_PATH=str(ROOT / "bench" / "out" / "instance"))
    log = open(log_path, "ab")  # noqa: SIM115 — closed with the process
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", str(workers), "--bind", f"{HOST}:{port}",
         "--timeout", "60", "--error-logfile", "-", "wsgi:app"],
        cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}; see {log_path}")
        try:
            if request_once(port, "GET", "/login")[0] == 200:
                return server
        except OSError:
            time.sleep(0.3)
    stop(server)
    raise SystemExit(f"gunicorn did not answer within 60 s; see {log_path}")


def stop(server: subprocess.Popen) -> None:
    """Stop gunicorn (the master, our own child) and its workers: SIGTERM to its own session."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


# -- HTTP ---------------------------------------------------------------------------------------------------------

def request_once(port: int, method: str, path: str, body=None, headers=None):
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def session_cookie(headers) -> str | None:
    for name, value in headers:
        if name.lower() == "set-cookie" and value.startswith("session="):
            return value.split(";", 1)[0]
    return None


def log_in(port: int, email: str, password: str) -> str:
    """Through the real form: GET /login for the CSRF token and cookie, POST the credentials."""
    status, headers, body = request_once(port, "GET", "/login")
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', body) or re.search(
        rb'value="([^"]+)"[^>]*name="csrf_token"', body)
    if status != 200 or token is None:
        raise SystemExit(f"GET /login: HTTP {status}, csrf_token found: {token is not None}")
    form = urllib.parse.urlencode({"csrf_token": token.group(1).decode(), "email": email, "password": password})
    status, headers, _ = request_once(port, "POST", "/login", form, {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": session_cookie(headers)})
    cookie = session_cookie(headers)
    if status != 302 or cookie is None:
        raise SystemExit(f"POST /login for {email}: HTTP {status} (expected a redirect): the login failed")
    return cookie


def drive(port: int, endpoint: Endpoint, cookie: str, concurrency: int, seconds: float) -> dict:
    """`concurrency` threads, each with one keep-alive connection, asking for `seconds`."""
    return drive_raw(port, endpoint.method, endpoint.path, {"Cookie": cookie, **endpoint.headers}, concurrency,
                     seconds, endpoint.body, endpoint.expect, budget=MAX_REQUESTS // concurrency)


def drive_raw(port: int, method: str, path: str, headers: dict, concurrency: int, seconds: float, body=None,
              expect: int = 200, budget: int = MAX_REQUESTS) -> dict:
    """Requests/s, p50/p95/p99 and max (ms), and every request's time (``raw``, ms, sorted).
    ``body`` may be a function of the request's index (each creation its own text)."""
    results: list[list] = [[] for _ in range(concurrency)]
    deadline = time.perf_counter() + seconds
    counter = iter(range(10**9))

    def run(out):
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        try:
            while time.perf_counter() < deadline and len(out) < budget:
                payload = body(next(counter)) if callable(body) else body
                started = time.perf_counter()
                connection.request(method, path, body=payload, headers=headers)
                response = connection.getresponse()
                response.read()
                out.append((time.perf_counter() - started, response.status))
                if response.will_close:
                    connection.close()
                    connection = http.client.HTTPConnection(HOST, port, timeout=30)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(out,)) for out in results]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    samples = [s for out in results for s in out]
    latencies = sorted(t for t, status in samples if status == expect)
    failures: dict[int, int] = {}
    for _, status in samples:
        if status != expect:
            failures[status] = failures.get(status, 0) + 1
    if not latencies:  # every answer was a failure: show the status, not a latency
        return {"status": "HTTP " + ",".join(map(str, sorted(failures))) if failures else "no answer",
                "failures": failures}
    result = {"requests": len(samples), "rps": len(samples) / elapsed, "failures": failures,
              "raw": [t * 1000 for t in latencies], "max": latencies[-1] * 1000}
    result.update({f"p{q}": percentile(latencies, q) * 1000 for q in (50, 95, 99)})
    return result


def percentile(sorted_values: list[float], q: int) -> float:
    index = max(0, min(len(sorted_values) - 1, round(q / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


# -- the report ---------------------------------------------------------------------------------------------------

def row(name, concurrency, result, endpoint: Endpoint) -> str:
    target = f"p95 ≤ {endpoint.target_ms} ms" if concurrency == 1 else "—"
    if "status" in result:
        figures = f"{'':>8} {'':>8} {result['status']:>26}"
        verdict = "not measurable"
    else:
        figures = f"{result['requests']:>8} {result['rps']:>8.1f} {result['p50']:>8.1f} {result['p95']:>8.1f} " \
                  f"{result['p99']:>8.1f}"
        verdict = ("ok" if result["p95"] <= endpoint.target_ms else "MISSED") if concurrency == 1 else ""
        if result["failures"]:
            verdict += f" (non-{endpoint.expect}: {result['failures']})"
    return f"{name:<34} {concurrency:>4} {figures}  {target:<14} {verdict}"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--seconds", type=float, default=20.0, help="per endpoint and concurrency")
    parser.add_argument("--concurrency", default="1,8")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of unmeasured requests first")
    args = parser.parse_args(argv)
    url = normalize(args.database_url)
    levels = [min(8, max(1, int(c))) for c in args.concurrency.split(",")]
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    label = database_label(url)

    print(describe(url))
    remove_bench_tickets(url)  # left over by an interrupted run
    info, endpoints = prepare(url)
    print(f"agent {info['agent']}, team {info['team_id']} ({info['open_in_team']:,} open tickets), "
          f"deep page after row {info['deep_row']:,}, ticket {info['thirty']}, "
          f"search word '{info['word']}' in {info['word_hits']:,} tickets, organization {info['organization']}")
    port = free_port()
    server = start_gunicorn(url, port, args.workers, out / f"gunicorn-{label}.log")
    results = []
    try:
        cookie = log_in(port, info["agent"], AGENT_PASSWORD)
        print(f"gunicorn: {args.workers} workers on {HOST}:{port}; logged in as {info['agent']} through /login\n")
        print(f"{'endpoint':<34} {'conc':>4} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
              f"{'p99 ms':>8}  {'target (c=1)':<14} verdict")
        for endpoint in endpoints:
            if endpoint.skip:
                print(f"{endpoint.name:<34}  — not measured: {endpoint.skip}")
                results.append({"endpoint": endpoint.name, "skipped": endpoint.skip})
                continue
            status, _, body = request_once(port, endpoint.method, endpoint.path, endpoint.body,
                                           {"Cookie": cookie, **endpoint.headers})
            if status == endpoint.expect and endpoint.contains and endpoint.contains.encode() not in body:
                print(f"   warning: {endpoint.name}: the answer does not show {endpoint.contains}")
            for concurrency in levels:
                if status != endpoint.expect:
                    result = {"status": f"HTTP {status}"}
                else:
                    drive(port, endpoint, cookie, concurrency, args.warmup)
                    result = drive(port, endpoint, cookie, concurrency, args.seconds)
                print(row(endpoint.name, concurrency, result, endpoint), flush=True)
                results.append({"endpoint": endpoint.name, "concurrency": concurrency, **result})
    finally:
        stop(server)
        removed = remove_bench_tickets(url)
        print(f"\n(removed the {removed:,} tickets the creation bench made, and its API token)")
    (out / f"workspace-{label}.json").write_text(json.dumps({"info": info, "results": results}, indent=1))
    print(f"\nTargets: every read p95 ≤ {READ_TARGET_MS} ms and ticket creation p95 ≤ {CREATE_TARGET_MS} ms at "
          f"concurrency 1; seeding under 10 minutes. Results also in bench/out/workspace-{label}.json.")


if __name__ == "__main__":
    main()
