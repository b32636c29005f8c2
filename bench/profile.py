"""Where a page's milliseconds go: the app in this process (no HTTP), an agent and a client
logged in through the real login form, each page asked for N times under pyinstrument.
Writes a flame page per endpoint (bench/out/profile-<page>.html) and prints the top frames.

    .venv/bin/python bench/profile.py --database-url sqlite:///bench/out/bench100k.sqlite [--requests 300]

Per page it prints wall and CPU time per request (p50) and the SQL statements each request runs
(counted by a SQLAlchemy listener); BENCH_REDIS_URL moves the Redis database it uses (and flushes).
"""
import argparse
import gc
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pyinstrument import Profiler  # noqa: E402

from bench.seed import normalize  # noqa: E402
from bench.workspace import AGENT_PASSWORD, BENCH_TITLE, REDIS_URL, SECRET_KEY, prepare  # noqa: E402


def token_of(html: bytes) -> str:
    return re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', html).group(1).decode()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--only", help="profile only pages whose name holds this")
    parser.add_argument("--no-profile", action="store_true", help="only the times, no flame pages")
    parser.add_argument("--calls", action="store_true", help="Python function calls a request (cProfile, kept in "
                        "bench/out/calls-<page>.prof), "
                        "the steady figure on a busy machine")
    parser.add_argument("--dump", help="write each page's last answer to this directory (to compare versions)")
    parser.add_argument("--show-sql", action="store_true", help="print the statements of one request per page")
    args = parser.parse_args(argv)
    url = normalize(args.database_url)
    info, endpoints = prepare(url)
    authorization = next(e.headers["Authorization"] for e in endpoints if e.method == "POST")
    os.environ.setdefault("ZAYAVKA_INSTANCE_PATH", str(ROOT / "bench" / "out" / "instance"))
    from pages import client_contact, organization_id  # bench/pages.py, beside this file

    from app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY, "REDIS_URL": REDIS_URL,
                      "LOG_LEVEL": "WARNING", "RATE_LIMITS": False, "PROPAGATE_EXCEPTIONS": True})
    agent, client = app.test_client(), app.test_client()
    for who, email in ((agent, info["agent"]), (client, client_contact(url)[0])):
        token = token_of(who.get("/login").data)
        assert who.post("/login", data={"csrf_token": token, "email": email, "password": AGENT_PASSWORD}).status_code == 302
    org_id = organization_id(url, info["organization"])
    new_token = token_of(agent.get("/tickets/new").data)
    portal_token = token_of(client.get("/portal/new").data)
    statements = []
    from sqlalchemy import event

    from app.extensions import db

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda c, cur, sql, *a: statements.append(sql))
    team, word = info["team_id"], info["word"]
    pages = {
        "queue": lambda i: agent.get(f"/tickets/?view=team_queue&team={team}&sort=priority"),
        "ticket": lambda i: agent.get(f"/tickets/{info['thirty']}"),
        "search": lambda i: agent.get(f"/tickets/?view=all&q={word}&sort=newest"),
        "new-form": lambda i: agent.get("/tickets/new"),
        "create-agent": lambda i: agent.post("/tickets/new", data={
            "csrf_token": new_token, "kind": "incident", "organization": org_id, "title": BENCH_TITLE,
            "description": f"The /var partition is at 97% ({i}).", "impact": "2", "urgency": "2"}),
        "create-portal": lambda i: client.post("/portal/new", data={
            "csrf_token": portal_token, "title": BENCH_TITLE, "category": "disk", "urgency": "2",
            "affected_system": "web-01", "description": f"The /var partition of web-01 is at 97% since ({i}) today."}),
        "create-api": lambda i: agent.post("/api/v1/tickets", headers={"Authorization": authorization}, json={
            "kind": "incident", "title": BENCH_TITLE, "organization": info["organization"],
            "description": f"The /var partition of web-01 is at 97% ({i})."}),
        "portal-home": lambda i: client.get("/portal/"),
    }
    out = ROOT / "bench" / "out"
    for name, ask in pages.items():
        if args.only and args.only not in name:
            continue
        for i in range(20):  # warm: imports, caches, the first statements
            ask(i)
        gc.collect()
        times, cpu = [], []
        statements.clear()
        for i in range(args.requests):  # first without the profiler: the page's own time
            started, started_cpu = time.perf_counter(), time.process_time()
            response = ask(i)
            assert response.status_code in (200, 201, 302), (name, response.status_code)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        times.sort()
        cpu.sort()
        if args.dump:
            Path(args.dump).mkdir(parents=True, exist_ok=True)
            (Path(args.dump) / f"{name}.html").write_bytes(response.data)
        plain = (f"p50 {times[len(times) // 2]:.2f} ms, p95 {times[int(len(times) * 0.95)]:.2f} ms, "
                 f"max {times[-1]:.1f} ms; CPU p50 {cpu[len(cpu) // 2]:.2f} ms; "
                 f"{len(statements) / args.requests:.1f} statements")
        if args.calls:
            saved = sys.path[:]  # bench/ holds this profile.py, which hides the standard library's
            sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
            import cProfile
            import pstats
            sys.path[:] = saved

            counter = cProfile.Profile()
            counter.enable()
            for i in range(args.requests):
                ask(i)
            counter.disable()
            counter.dump_stats(out / f"calls-{name}.prof")  # pstats: python -m pstats bench/out/calls-<page>.prof
            plain += f"; {pstats.Stats(counter).total_calls / args.requests / 1000:.1f}k Python calls"
        if args.show_sql:
            statements.clear()
            ask(args.requests)
            print(f"-- {name}: the statements of one request --")
            for sql in statements:
                print("   ", " ".join(sql.split())[:160])
        if args.no_profile:
            print(f"== {name}: {plain} in process ==", flush=True)
            continue
        profiler = Profiler(interval=0.0002)
        started = time.perf_counter()
        profiler.start()
        for i in range(args.requests):
            response = ask(i)
        profiler.stop()
        per_request = (time.perf_counter() - started) / args.requests * 1000
        (out / f"profile-{name}.html").write_text(profiler.output_html())
        print(f"\n== {name}: {plain} in process; {per_request:.1f} ms under the profiler "
              f"(status {response.status_code}) ==")
        print(profiler.output_text(unicode=False, color=False, show_all=False, short_mode=True)[:6000])
    from pages import clean_up

    clean_up(url)


if __name__ == "__main__":
    main()
