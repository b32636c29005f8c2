"""The CMDB from the database: graph build, impact through the cached graph, and the CI page over HTTP.

    python bench/cmdb_graph.py [--database-url sqlite:///bench/out/cmdb.sqlite] [--cis 100000] [--runs 30]

Loads the estate of bench/cmdb_impact.py into the CMDB's tables once (provider infrastructure,
the VMs, clusters and services spread over 50 client organizations), then times: cmdb.graph.build()
(the whole graph from the database), graph() when cached (one version read), downstream() through
the cached graph for a server and for core-1, and the CI page of a random server and VM over HTTP
(a threaded werkzeug server in this process, logged in as an agent). Prints p50/p95 beside the targets.
"""
import argparse
import os
import platform
import random
import re
import statistics
import sys
import threading
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from app import create_app  # noqa: E402
from app.auth import services as accounts  # noqa: E402
from app.auth.models import User  # noqa: E402
from app.auth.permissions import SHELL  # noqa: E402
from app.extensions import db  # noqa: E402
from app.orgs import services as orgs  # noqa: E402
from app.timeutil import utcnow  # noqa: E402
from bench.cmdb_impact import generate, p95, timed  # noqa: E402
from cmdb import graph, impact, services  # noqa: E402
from cmdb.models import CI, CIClass, RedundancyGroup, Relation, RelationType  # noqa: E402

CLASS_OF = (("-psu-", "power_supply"), ("-disk-", "disk"), ("srv-", "physical_server"), ("vm-", "virtual_machine"),
            ("cl-", "farm"), ("svc-", "client_service"), ("core-", "switch"), ("acc-", "switch"),
            ("stor-", "storage_system"), ("bak-", "nas"), ("ups-", "ups"), ("monitoring", "application"))
TYPE_OF = {"full": "uses", "degraded": "backed_up_by", "none": "monitored_by"}
PASSWORD = "bench-password-1"


def load(cis: int, seed: int) -> None:
    services.seed_catalog(SHELL)
    if db.session.scalar(sa.select(sa.func.count()).select_from(CI)):
        return
    start = time.perf_counter()
    g, *_ = generate(cis, seed)
    clients = [orgs.create_organization(SHELL, code=f"C{i:03}", name=f"Client {i:03}").id for i in range(1, 51)]
    classes = dict(db.session.execute(sa.select(CIClass.code, CIClass.id)).all())
    types = dict(db.session.execute(sa.select(RelationType.code, RelationType.id)).all())
    ids, rows, now = {}, [], utcnow()
    for index, node in enumerate(g.nodes, start=1):
        ids[node] = index
        code = next(code for part, code in CLASS_OF if part in node)
        owned = code in ("virtual_machine", "farm", "client_service")
        rows.append({"id": index, "class_id": classes[code], "name": node, "status": "in_production",
                     "organization_id": clients[index % len(clients)] if owned else None, "hostname": "",
                     "ip_addresses": "", "serial": "", "asset_tag": "", "location": "", "support_contract": "",
                     "notes": "", "attributes": {}, "created_at": now, "updated_at": now})
    for chunk in range(0, len(rows), 20_000):
        db.session.execute(sa.insert(CI), rows[chunk:chunk + 20_000])
    relations = [{"source_id": ids[u], "target_id": ids[v], "type_id": types[TYPE_OF[a.get("impact", "full")]],
                  "impact": None, "group_key": a.get("group"), "created_at": now, "updated_at": now}
                 for u, v, a in g.edges(data=True)]
    for chunk in range(0, len(relations), 20_000):
        db.session.execute(sa.insert(Relation), relations[chunk:chunk + 20_000])
    groups = [{"owner_id": ids[node], "key": key, "min_up": spec.get("min_up"), "min_up_pct": spec.get("min_up_pct"),
               "created_at": now, "updated_at": now}
              for node, redundancy in g.nodes(data="redundancy") if redundancy for key, spec in redundancy.items()]
    db.session.execute(sa.insert(RedundancyGroup), groups)
    if db.engine.dialect.name == "postgresql":  # ids were given: move the sequence past them
        db.session.execute(sa.text("SELECT setval(pg_get_serial_sequence('cmdb_cis', 'id'), (SELECT max(id) FROM cmdb_cis))"))
    services.bump()
    db.session.commit()
    print(f"loaded      {len(rows):,} CIs, {len(relations):,} relations, {len(groups):,} groups "
          f"in {time.perf_counter() - start:.1f} s")


def agent() -> None:
    if db.session.scalar(sa.select(User.id).where(User.email == "bench@provider.test")) is None:
        accounts.create_user(SHELL, email="bench@provider.test", name="Bench", role="agent", password=PASSWORD)


def http_client(base: str):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrf_token": token, "email": "bench@provider.test", "password": PASSWORD})
    opener.open(base + "/login", data.encode()).read()
    return opener


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=f"sqlite:///{ROOT / 'bench/out/cmdb.sqlite'}")
    parser.add_argument("--cis", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    (ROOT / "bench/out").mkdir(exist_ok=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url, "RATE_LIMITS": False,
                      "WTF_CSRF_ENABLED": True})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        load(args.cis, args.seed)
        agent()
        db.session.commit()
        print(f"machine     {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}, Python {platform.python_version()}, "
              f"{db.engine.dialect.name}")
        builds = []
        for _ in range(3):
            start = time.perf_counter()
            built = graph.build()
            builds.append(time.perf_counter() - start)
            db.session.rollback()
        print(f"build       {built.number_of_nodes():,} nodes, {built.number_of_edges():,} edges: "
              f"median {statistics.median(builds):.2f} s (target ≤ 5 s), runs {', '.join(f'{b:.2f}' for b in builds)}")
        g = graph.graph()
        cached, _ = timed(lambda _: graph.graph(), range(args.runs))
        print(f"graph()     cached: p50 {statistics.median(cached):.2f} ms, p95 {p95(cached):.2f} ms")
        by_name = dict(db.session.execute(sa.select(CI.name, CI.id).where(
            sa.or_(CI.name.like("srv-%"), CI.name.like("vm-%"), CI.name == "core-1"))).all())
        rng = random.Random(args.seed + 1)
        servers = rng.sample([i for n, i in by_name.items() if n.startswith("srv-")], args.runs)
        vms = rng.sample([i for n, i in by_name.items() if n.startswith("vm-")], args.runs)
        for name, picks, target in (("downstream(single server)", servers, 5),
                                    ("downstream(core switch)", [by_name["core-1"]] * args.runs, 100)):
            wall, _ = timed(lambda ci: impact.downstream(g, [ci]), picks)
            print(f"{name:27} p50 {statistics.median(wall):7.2f} ms, p95 {p95(wall):7.2f} ms (target ≤ {target})")

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    client = http_client(base)
    for name, picks in (("CI page (a server)", servers), ("CI page (a VM)", vms)):
        def get(ci):
            response = client.open(f"{base}/cmdb/{ci}")
            assert response.status == 200 and b"What if this fails" in response.read()
        get(picks[0])
        wall, _ = timed(get, picks)
        print(f"{name:27} p50 {statistics.median(wall):7.2f} ms, p95 {p95(wall):7.2f} ms (target ≤ 80)")
    server.shutdown()


if __name__ == "__main__":
    main()
