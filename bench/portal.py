"""The client portal under load: gunicorn (2 workers) on 127.0.0.1, a contact of the
biggest organization (tens of thousands of tickets) logged in through /login, each
portal page driven for a fixed time at concurrency 1 and 8.

    .venv/bin/python bench/portal.py --database-url sqlite:///bench/out/bench.sqlite

Uses the database `bench/seed.py` made; writes nothing to it.
"""
import argparse
import json
import os
import sys
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.machine import database_label, describe  # noqa: E402
from bench.seed import normalize  # noqa: E402
from bench.workspace import (  # noqa: E402
    AGENT_PASSWORD,
    READ_TARGET_MS,
    REDIS_URL,
    SECRET_KEY,
    Endpoint,
    drive,
    free_port,
    log_in,
    request_once,
    row,
    start_gunicorn,
    stop,
)


def prepare(url: str) -> tuple[dict, list[Endpoint]]:
    os.environ.setdefault("ZAYAVKA_INSTANCE_PATH", str(ROOT / "bench" / "out" / "instance"))
    import sqlalchemy as sa

    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY, "REDIS_URL": REDIS_URL,
                      "LOG_LEVEL": "WARNING"})
    with app.app_context():
        q = db.session.execute
        org_id, tickets = q(sa.text("SELECT organization_id, count(*) FROM tickets GROUP BY organization_id "
                                    "ORDER BY 2 DESC LIMIT 1")).one()
        open_count = q(sa.text("SELECT count(*) FROM tickets WHERE organization_id = :o AND is_open = :t"),
                       {"o": org_id, "t": True}).scalar()
        contact = q(sa.text("SELECT email FROM users WHERE organization_id = :o AND role = 'client_admin' "
                            "ORDER BY id LIMIT 1"), {"o": org_id}).scalar()
        busiest = q(sa.text("SELECT t.number, count(m.id) FROM tickets t JOIN messages m ON m.ticket_id = t.id "
                            "WHERE t.organization_id = :o AND t.kind = 'incident' GROUP BY t.number "
                            "ORDER BY 2 DESC LIMIT 1"), {"o": org_id}).one()
        title = q(sa.text("SELECT title FROM tickets WHERE organization_id = :o AND is_open = :t AND kind = 'incident' "
                          "ORDER BY id DESC LIMIT 1"), {"o": org_id, "t": True}).scalar()
        db.session.remove()
        db.engine.dispose()
    info = {"organization_id": org_id, "tickets": tickets, "open": open_count, "contact": contact,
            "ticket": busiest[0], "messages": busiest[1], "similar_title": title}
    similar = "/portal/similar?" + urllib.parse.urlencode({"title": title, "description": "since this morning"})
    endpoints = [
        Endpoint("portal home", "GET", "/portal/", READ_TARGET_MS),
        Endpoint("all tickets, first page", "GET", "/portal/tickets?state=all", READ_TARGET_MS),
        Endpoint(f"ticket with {busiest[1]} messages", "GET", f"/portal/tickets/{busiest[0]}", READ_TARGET_MS,
                 contains=busiest[0]),
        Endpoint("new-ticket form", "GET", "/portal/new", READ_TARGET_MS),
        Endpoint(f"similar open ({open_count:,} open)", "GET", similar, READ_TARGET_MS),
    ]
    return info, endpoints


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--seconds", type=float, default=10.0, help="per endpoint and concurrency")
    parser.add_argument("--concurrency", default="1,8")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    args = parser.parse_args(argv)
    url = normalize(args.database_url)
    levels = [min(8, max(1, int(c))) for c in args.concurrency.split(",")]
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    label = database_label(url)
    print(describe(url))
    info, endpoints = prepare(url)
    print(f"contact {info['contact']} of the biggest organization: {info['tickets']:,} tickets, "
          f"{info['open']:,} open; similar to '{info['similar_title']}'")
    port = free_port()
    server = start_gunicorn(url, port, args.workers, out / f"gunicorn-portal-{label}.log")
    results = []
    try:
        cookie = log_in(port, info["contact"], AGENT_PASSWORD)
        print(f"{'endpoint':<34} {'conc':>4} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
              f"{'p99 ms':>8}  {'target (c=1)':<14} verdict")
        for endpoint in endpoints:
            status, _, body = request_once(port, endpoint.method, endpoint.path, None, {"Cookie": cookie})
            if status == 200 and endpoint.contains and endpoint.contains.encode() not in body:
                print(f"   warning: {endpoint.name}: the answer does not show {endpoint.contains}")
            for concurrency in levels:
                if status != 200:
                    result = {"status": f"HTTP {status}"}
                else:
                    drive(port, endpoint, cookie, concurrency, 1.0)
                    result = drive(port, endpoint, cookie, concurrency, args.seconds)
                print(row(endpoint.name, concurrency, result, endpoint), flush=True)
                results.append({"endpoint": endpoint.name, "concurrency": concurrency, **result})
    finally:
        stop(server)
    (out / f"portal-{label}.json").write_text(json.dumps({"info": info, "results": results}, indent=1))


if __name__ == "__main__":
    main()
