"""The CMDB impact analysis on a generated estate (pure: networkx only, no database).

    python bench/cmdb_impact.py [--cis 100000] [--seed 1] [--runs 30] [--gc-freeze]

Builds a seeded random estate of about --cis CIs and 3.3 relations per CI, then times, each on
--runs different picks: downstream() for a random server and for a random hypervisor, for the
core switch core-1; upstream() for 10 incident CIs (5 random services and 5 random VMs); spofs()
for a random service. It prints p50/p95 (wall clock and CPU) beside the targets.

The estate is in pods of about 10,000 CIs (fractions below are of --cis). Each pod has a pair of
core switches, access switches, two storage arrays and a backup target, all dual-homed to the
pair (group "uplinks", min_up 1), and two rooms with UPS feeds A and B. 10 % are physical
servers, each with two PSUs (group "power", min_up 1) on its room's A and B feeds, two disks in
RAID1 or four in RAID5 (group "raid", min_up N−1), an uplink, the backup ("degraded") and the
monitoring ("none"). The first 5,000 servers are a legacy hall cabled straight to core-1 (its
5,000 direct dependents); the others sit behind an access switch of their pod, and a quarter of
all servers are hypervisors in farms of 4–6 (each VM depends on every hypervisor of its farm,
group "farm", min_up N−1). 30 % are VMs (also on a storage array of the farm's pod), 6 % clusters
(four in five of 2–4 VMs, the rest pairs of bare-metal servers, min_up 1 or min_up_pct 50), 2 %
services on 1–3 clusters, mostly of one pod.
"""
import argparse
import gc
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from cmdb.impact import downstream, spofs, upstream  # noqa: E402

CORE_DIRECT = 5_000
TARGETS_MS = {"downstream(single server)": 5, "downstream(a hypervisor)": None, "downstream(core switch)": 100,
              "upstream(10 incident CIs)": 200, "spofs(a service)": None}


def generate(cis, seed):
    """The estate: (graph, servers, hypervisors, vms, services)."""
    rng = random.Random(seed)
    g = nx.DiGraph()
    pods = max(1, cis // 10_000)

    def dual_homed(node, cores):
        g.add_node(node, redundancy={"uplinks": {"min_up": 1}})
        for core in cores:
            g.add_edge(node, core, group="uplinks")

    access, storage, backup = [], [], []
    for pod in range(pods):
        cores = (f"core-{2 * pod + 1}", f"core-{2 * pod + 2}")
        access.append([f"acc-{pod}-{i}" for i in range(max(1, cis // 500 // pods))])
        storage.append([f"stor-{pod}-{i}" for i in range(2)])
        backup.append(f"bak-{pod}")
        for node in (*access[pod], *storage[pod], backup[pod]):
            dual_homed(node, cores)

    servers, pod_of, legacy = [f"srv-{i}" for i in range(cis // 10)], {}, min(CORE_DIRECT, cis // 20)
    for i, server in enumerate(servers):
        pod = pod_of[server] = 0 if i < legacy else rng.randrange(pods)
        room = f"{pod}-{rng.randrange(2)}"
        disks = rng.choice((2, 4))
        g.add_node(server, redundancy={"power": {"min_up": 1}, "raid": {"min_up": disks - 1 if disks > 2 else 1}})
        for feed in "ab":
            g.add_edge(server, f"{server}-psu-{feed}", group="power")
            g.add_edge(f"{server}-psu-{feed}", f"ups-{room}-{feed}")
        for d in range(disks):
            g.add_edge(server, f"{server}-disk-{d}", group="raid")
        # the legacy hall is cabled straight to core-1; the rest sit behind their pod's access switches
        g.add_edge(server, "core-1" if i < legacy else rng.choice(access[pod]))
        g.add_edge(server, backup[pod], impact="degraded")
        g.add_edge(server, "monitoring", impact="none")

    farms = []
    for pod in range(pods):
        hypervisors = [s for s in servers[legacy:] if pod_of[s] == pod]
        hypervisors = rng.sample(hypervisors, len(servers) // 4 // pods)
        while len(hypervisors) >= 4:
            size = rng.randint(4, 6)
            farms.append((pod, hypervisors[:size]))
            hypervisors = hypervisors[size:]

    vms, vms_of_pod = [f"vm-{i}" for i in range(cis * 3 // 10)], [[] for _ in range(pods)]
    for vm in vms:
        pod, farm = rng.choice(farms)
        vms_of_pod[pod].append(vm)
        g.add_node(vm, redundancy={"farm": {"min_up": len(farm) - 1}})
        for hypervisor in farm:
            g.add_edge(vm, hypervisor, group="farm")
        g.add_edge(vm, rng.choice(storage[pod]))
        g.add_edge(vm, "monitoring", impact="none")

    servers_of_pod = [[s for s in servers if pod_of[s] == pod] for pod in range(pods)]
    clusters, clusters_of_pod = [f"cl-{i}" for i in range(cis * 6 // 100)], [[] for _ in range(pods)]
    for cluster in clusters:
        pod = rng.randrange(pods)
        clusters_of_pod[pod].append(cluster)
        spec = rng.choice(({"min_up": 1}, {"min_up_pct": 50}))
        g.add_node(cluster, redundancy={"nodes": spec})
        # four clusters in five are of VMs, the fifth a pair of bare-metal servers
        members = rng.sample(vms_of_pod[pod], rng.randint(2, 4)) if rng.random() < 0.8 else rng.sample(servers_of_pod[pod], 2)
        for member in members:
            g.add_edge(cluster, member, group="nodes")

    services = [f"svc-{i}" for i in range(cis * 2 // 100)]
    for service in services:
        home = clusters_of_pod[rng.randrange(pods)]
        for _ in range(rng.randint(1, 3)):
            g.add_edge(service, rng.choice(home if rng.random() < 0.7 else clusters))
    return g, servers, [h for _, farm in farms for h in farm], vms, services


def timed(function, picks):
    """Wall-clock and CPU milliseconds of each call (the CPU time shows what a busy machine hides)."""
    wall, cpu = [], []
    for pick in picks:
        start, start_cpu = time.perf_counter(), time.process_time()
        function(pick)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return wall, cpu


def p95(times):
    return statistics.quantiles(times, n=20, method="inclusive")[-1] if len(times) > 1 else times[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cis", type=int, default=100_000, help="about how many CIs (default 100000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=30, help="picks timed per measure (default 30)")
    parser.add_argument("--gc-freeze", action="store_true",
                        help="gc.freeze() the estate once built, as a service caching its graph would")
    args = parser.parse_args()

    start = time.perf_counter()
    g, servers, hypervisors, vms, services = generate(args.cis, args.seed)
    print(f"estate      {g.number_of_nodes():,} CIs, {g.number_of_edges():,} relations, "
          f"core-1 has {g.in_degree('core-1'):,} direct dependents "
          f"(generated in {time.perf_counter() - start:.1f} s, seed {args.seed})")
    if args.gc_freeze:
        gc.collect()
        gc.freeze()
    print(f"machine     {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}, Python {platform.python_version()}, "
          f"networkx {nx.__version__}, gc.freeze {'on' if args.gc_freeze else 'off'}")
    core = downstream(g, ["core-1"])
    print(f"core-1      takes {len(core.down):,} CIs down and degrades {len(core.degraded):,}")

    rng = random.Random(args.seed + 1)
    measures = {
        "downstream(single server)": (lambda s: downstream(g, [s]), rng.sample(servers, args.runs)),
        "downstream(a hypervisor)": (lambda s: downstream(g, [s]), rng.sample(hypervisors, args.runs)),
        "downstream(core switch)": (lambda s: downstream(g, [s]), ["core-1"] * args.runs),
        "upstream(10 incident CIs)": (lambda cis: upstream(g, cis),
                                      [rng.sample(services, 5) + rng.sample(vms, 5) for _ in range(args.runs)]),
        "spofs(a service)": (lambda s: spofs(g, s), rng.sample(services, args.runs)),
    }
    print(f"\n{'measure':28} {'p50 ms':>8} {'p95 ms':>8} {'target p95':>13} {'CPU p50':>8} {'CPU p95':>8}")
    for name, (function, picks) in measures.items():
        wall, cpu = timed(function, picks)
        target = TARGETS_MS[name]
        verdict = "" if target is None else f"≤ {target}" + ("  ok" if p95(wall) <= target else "  MISSED")
        print(f"{name:28} {statistics.median(wall):8.2f} {p95(wall):8.2f} {verdict:>13} "
              f"{statistics.median(cpu):8.2f} {p95(cpu):8.2f}")


if __name__ == "__main__":
    main()
