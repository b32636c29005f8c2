"""cmdb.impact: failure propagation, root causes and single points of failure (pure, no app)."""
import ast
from collections import defaultdict
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cmdb.impact import (
    JointGroup,
    check_edge,
    check_group,
    ci_conflict,
    downstream,
    must_fail,
    rank_causes,
    reach,
    spofs,
    upstream,
)

ROOT = Path(__file__).resolve().parents[2]


def graph(*edges, redundancy=None, multi=False):
    """edges are (u, v) or (u, v, {attrs}); redundancy is {node: {group: spec}}."""
    g = nx.MultiDiGraph() if multi else nx.DiGraph()
    for edge in edges:
        u, v, *attrs = edge
        g.add_edge(u, v, **(attrs[0] if attrs else {}))
    for node, specs in (redundancy or {}).items():
        g.add_node(node, redundancy=specs)
    return g


def cluster_example():
    return graph(("service", "cluster"),
                 ("cluster", "node-1", {"group": "nodes"}), ("cluster", "node-2", {"group": "nodes"}),
                 redundancy={"cluster": {"nodes": {"min_up": 1}}})


# ---------------------------------------------------------------- the example of the brief

def test_one_node_of_a_two_node_cluster_degrades_the_cluster_and_the_service():
    impact = downstream(cluster_example(), ["node-1"])
    assert impact.down == set()
    assert impact.degraded == {"cluster", "service"}
    assert impact.states == {"node-1": "down", "cluster": "degraded", "service": "degraded"}


def test_both_nodes_take_the_cluster_and_the_service_down():
    impact = downstream(cluster_example(), ["node-1", "node-2"])
    assert impact.down == {"cluster", "service"}
    assert impact.degraded == set()


def test_root_causes_of_the_service_going_down():
    causes = upstream(cluster_example(), ["service"])
    assert causes.candidates == {"cluster", "node-1", "node-2"}
    assert causes.explains == {"cluster": {"service"}, "node-1": set(), "node-2": set()}
    assert causes.best == {"cluster"}
    assert causes.degrade_only == {"node-1", "node-2"}
    assert causes.joint_groups == [JointGroup("cluster", "nodes", ("node-1", "node-2"), 2)]


def test_the_cluster_is_the_only_single_point_of_failure_of_the_service():
    assert spofs(cluster_example(), "service") == {"cluster"}


# ---------------------------------------------------------------- estates

def test_a_shared_switch_takes_down_every_client_behind_it_but_not_the_others():
    g = graph(("acme-web", "sw-1"), ("acme-db", "sw-1"), ("globex-app", "sw-1"), ("initech-app", "sw-2"),
              ("acme-shop", "acme-web"), ("acme-shop", "acme-db"), ("globex-crm", "globex-app"))
    impact = downstream(g, ["sw-1"])
    assert impact.down == {"acme-web", "acme-db", "globex-app", "acme-shop", "globex-crm"}
    assert "initech-app" not in impact.states


def dual_psu_server():
    return graph(("server", "psu-a", {"group": "power"}), ("server", "psu-b", {"group": "power"}),
                 ("psu-a", "ups-a"), ("psu-b", "ups-b"), ("app", "server"),
                 redundancy={"server": {"power": {"min_up": 1}}})


@pytest.mark.parametrize(("failed", "server"), [
    (["ups-a"], "degraded"), (["ups-b"], "degraded"), (["psu-a"], "degraded"),
    (["ups-a", "ups-b"], "down"), (["ups-a", "psu-b"], "down"), (["psu-a", "psu-b"], "down"),
])
def test_dual_psus_on_two_ups_feeds(failed, server):
    impact = downstream(dual_psu_server(), failed)
    assert impact.states["server"] == server
    assert impact.states["app"] == server


def raid(level_min_up, disks):
    members = [("array", f"disk-{i}", {"group": "raid"}) for i in range(disks)]
    return graph(("db", "array"), *members, redundancy={"array": {"raid": {"min_up": level_min_up}}})


def test_raid1_survives_one_disk_and_dies_with_both():
    assert downstream(raid(1, 2), ["disk-0"]).degraded == {"array", "db"}
    assert downstream(raid(1, 2), ["disk-0", "disk-1"]).down == {"array", "db"}


def test_raid5_survives_one_disk_of_four_and_dies_with_two():
    assert downstream(raid(3, 4), ["disk-2"]).degraded == {"array", "db"}
    assert downstream(raid(3, 4), ["disk-0", "disk-3"]).down == {"array", "db"}
    assert must_fail(4, {"min_up": 3}) == 2


def farm(hypervisors, spec):
    members = [("vm", f"hv-{i}", {"group": "farm"}) for i in range(hypervisors)]
    return graph(*members, redundancy={"vm": {"farm": spec}})


def test_an_n_plus_one_farm_survives_one_hypervisor_only():
    g = farm(5, {"min_up": 4})
    assert downstream(g, ["hv-0"]).states["vm"] == "degraded"
    assert downstream(g, ["hv-0", "hv-4"]).states["vm"] == "down"


@pytest.mark.parametrize(("failed", "state"), [(1, "degraded"), (5, "degraded"), (6, "down"), (10, "down")])
def test_a_percentage_pool_needs_its_share_up(failed, state):
    g = farm(10, {"min_up_pct": 50})     # 10 members, at least 5 up
    assert downstream(g, [f"hv-{i}" for i in range(failed)]).states["vm"] == state


def test_a_group_key_without_spec_needs_every_member_up():
    g = graph(("app", "a", {"group": "g"}), ("app", "b", {"group": "g"}))
    assert downstream(g, ["a"]).states["app"] == "down"
    assert downstream(g, {"a": "degraded"}).states["app"] == "degraded"


def test_a_min_up_larger_than_the_group_reads_as_all_members():
    g = graph(("app", "a", {"group": "g"}), ("app", "b", {"group": "g"}), redundancy={"app": {"g": {"min_up": 5}}})
    assert downstream(g, []).states == {}
    assert downstream(g, ["a"]).states["app"] == "down"


def test_nested_redundancy_groups_of_group_owners():
    # the site needs one of two rooms; each room needs one of its two feeds
    g = graph(("site", "room-1", {"group": "rooms"}), ("site", "room-2", {"group": "rooms"}),
              ("room-1", "feed-1a", {"group": "feeds"}), ("room-1", "feed-1b", {"group": "feeds"}),
              ("room-2", "feed-2a", {"group": "feeds"}), ("room-2", "feed-2b", {"group": "feeds"}),
              redundancy={"site": {"rooms": {"min_up": 1}}, "room-1": {"feeds": {"min_up": 1}},
                          "room-2": {"feeds": {"min_up": 1}}})
    assert downstream(g, ["feed-1a", "feed-2a"]).degraded == {"room-1", "room-2", "site"}
    assert downstream(g, ["feed-1a", "feed-1b"]).states["site"] == "degraded"
    impact = downstream(g, ["feed-1a", "feed-1b", "feed-2b"])
    assert impact.states["site"] == "degraded" and impact.states["room-2"] == "degraded"
    assert downstream(g, ["feed-1a", "feed-1b", "feed-2a", "feed-2b"]).down == {"room-1", "room-2", "site"}
    assert spofs(g, "site") == set()


def test_two_groups_on_one_node_are_separate():
    g = graph(("server", "psu-a", {"group": "power"}), ("server", "psu-b", {"group": "power"}),
              ("server", "disk-a", {"group": "raid"}), ("server", "disk-b", {"group": "raid"}),
              redundancy={"server": {"power": {"min_up": 1}, "raid": {"min_up": 1}}})
    assert downstream(g, ["psu-a", "disk-a"]).states["server"] == "degraded"
    assert downstream(g, ["psu-a", "psu-b"]).states["server"] == "down"


# ---------------------------------------------------------------- impact of an edge

def test_a_degraded_edge_passes_at_most_degraded():
    g = graph(("server", "backup-target", {"impact": "degraded"}), ("app", "server"))
    assert downstream(g, ["backup-target"]).degraded == {"server", "app"}


def test_a_none_edge_passes_nothing():
    g = graph(("server", "monitoring", {"impact": "none"}))
    assert downstream(g, ["monitoring"]).states == {"monitoring": "down"}
    assert upstream(g, ["server"]).candidates == set()


def test_a_degraded_member_of_a_group_counts_at_most_as_degraded():
    # two members, min_up 2: only a "full" member's failure breaks the group
    g = graph(("app", "primary", {"group": "g"}), ("app", "replica", {"group": "g", "impact": "degraded"}),
              redundancy={"app": {"g": {"min_up": 2}}})
    assert downstream(g, ["replica"]).states["app"] == "degraded"
    assert downstream(g, ["primary"]).states["app"] == "down"
    assert upstream(g, ["app"]).joint_groups == [JointGroup("app", "g", ("primary", "replica"), 1)]


def test_a_group_that_only_degraded_members_could_break_cannot_break():
    g = graph(("app", "a", {"group": "g", "impact": "degraded"}), ("app", "b", {"group": "g", "impact": "none"}))
    assert downstream(g, ["a", "b"]).states["app"] == "degraded"
    assert upstream(g, ["app"]).joint_groups[0].must_fail is None


def test_an_unknown_impact_is_an_error():
    with pytest.raises(ValueError, match="impact"):
        downstream(graph(("a", "b", {"impact": "partial"})), ["b"])


# ---------------------------------------------------------------- inputs

def test_a_mapping_input_can_fail_a_ci_as_degraded():
    g = graph(("app", "db"), ("db", "disk"))
    impact = downstream(g, {"disk": "degraded"})
    assert impact.degraded == {"db", "app"} and impact.down == set()
    assert impact.failed == {"disk": "degraded"}


def test_a_degraded_input_rises_to_down_through_its_dependencies():
    g = graph(("app", "db"), ("db", "disk"))
    impact = downstream(g, {"db": "degraded", "disk": "down"})
    assert impact.states == {"disk": "down", "db": "down", "app": "down"}
    assert impact.down == {"app"}                         # failed inputs are not counted
    assert impact.path("app") == ["app", "db", "disk"]


def test_a_bad_input_state_is_refused():
    with pytest.raises(ValueError, match="down"):
        downstream(graph(("a", "b")), {"b": "broken"})
    with pytest.raises(TypeError):
        downstream(graph(("a", "b")), "b")


def test_a_failed_ci_outside_the_graph_has_no_dependents():
    impact = downstream(graph(("a", "b")), ["ghost"])
    assert impact.states == {"ghost": "down"} and impact.path("ghost") == ["ghost"]


def test_excluded_cis_stay_ok_and_stop_propagation():
    g = graph(("app", "vm"), ("vm", "hv"), ("other", "hv"))
    impact = downstream(g, ["hv"], excluded=["vm"])
    assert impact.down == {"other"}
    assert "vm" not in impact.states and "app" not in impact.states
    assert downstream(g, ["hv"], excluded=["hv"]).states == {}


# ---------------------------------------------------------------- cycles, depth, multigraphs

def test_a_cycle_without_a_failed_input_stays_ok():
    g = graph(("a", "b"), ("b", "c"), ("c", "a"), ("a", "x"), ("y", "a"))
    assert downstream(g, ["x-unrelated"]).states == {"x-unrelated": "down"}
    assert downstream(g, []).states == {}


def test_a_failure_feeding_a_cycle_takes_the_whole_cycle_down_and_terminates():
    g = graph(("a", "b"), ("b", "c"), ("c", "a"), ("c", "x"), ("y", "a"))
    impact = downstream(g, ["x"])
    assert impact.down == {"a", "b", "c", "y"}
    assert impact.path("a") == ["a", "b", "c", "x"]


def test_a_redundant_cycle_does_not_hold_itself_up_or_down():
    # two mutually dependent members of each other's groups: one fed by a failure
    g = graph(("a", "b", {"group": "g"}), ("a", "x", {"group": "g"}), ("b", "a"),
              redundancy={"a": {"g": {"min_up": 1}}})
    assert downstream(g, ["x"]).states == {"x": "down", "a": "degraded", "b": "degraded"}


def test_a_chain_of_ten_thousand_has_no_depth_limit():
    n = 10_000
    g = nx.DiGraph((i, i + 1) for i in range(n))
    impact = downstream(g, [n])
    assert len(impact.down) == n
    path = impact.path(0)
    assert path == list(range(n + 1))


def test_parallel_edges_of_a_multigraph_are_separate_group_members():
    # a server with two links to the same switch and one to another, needing two links up
    g = graph(("server", "sw-1", {"group": "links"}), ("server", "sw-1", {"group": "links"}),
              ("server", "sw-2", {"group": "links"}), redundancy={"server": {"links": {"min_up": 2}}}, multi=True)
    assert downstream(g, ["sw-2"]).states["server"] == "degraded"
    assert downstream(g, ["sw-1"]).states["server"] == "down"
    assert upstream(g, ["server"]).joint_groups == [JointGroup("server", "links", ("sw-1", "sw-1", "sw-2"), 2)]


def test_parallel_ungrouped_edges_take_the_worst():
    g = graph(("app", "db", {"impact": "degraded"}), ("app", "db"), multi=True)
    assert downstream(g, ["db"]).states["app"] == "down"


def test_self_loops_are_ignored():
    g = graph(("a", "a"), ("a", "b"), ("b", "b", {"group": "g"}))
    assert downstream(g, ["b"]).down == {"a"}
    assert downstream(g, []).states == {}


# ---------------------------------------------------------------- path()

def test_path_follows_the_dependencies_that_raised_each_state():
    g = graph(("shop", "web"), ("web", "vm"), ("vm", "hv"), ("shop", "dns"), ("hv", "sw"))
    impact = downstream(g, ["sw", "dns"])
    assert impact.path("vm") == ["vm", "hv", "sw"]
    assert impact.path("shop")[-1] in {"sw", "dns"}
    assert impact.path("sw") == ["sw"]
    assert impact.path("unrelated") == [] and impact.path("nonexistent") == []


def test_path_of_a_degraded_ci_goes_through_a_failed_group_member():
    impact = downstream(dual_psu_server(), ["ups-b"])
    assert impact.path("app") == ["app", "server", "psu-b", "ups-b"]


# ---------------------------------------------------------------- upstream and spofs

def test_upstream_prefers_the_shared_dependency_of_several_incidents():
    g = graph(("web-1", "sw"), ("web-2", "sw"), ("web-1", "disk-1"), ("web-2", "disk-2"), ("sw", "ups"))
    causes = upstream(g, ["web-1", "web-2"])
    assert causes.candidates == {"sw", "ups", "disk-1", "disk-2"}
    assert causes.explains["disk-1"] == {"web-1"}
    assert causes.best == {"sw", "ups"}
    assert causes.degrade_only == set()


def test_upstream_without_any_explaining_candidate_has_no_best_and_points_at_groups():
    causes = upstream(raid(1, 2), ["array"])
    assert causes.best == set()
    assert causes.degrade_only == {"disk-0", "disk-1"}
    assert causes.joint_groups == [JointGroup("array", "raid", ("disk-0", "disk-1"), 2)]


def test_upstream_excludes_incident_cis_from_the_candidates():
    g = graph(("app", "vm"), ("vm", "hv"))
    causes = upstream(g, ["app", "vm"])
    assert causes.candidates == {"hv"}
    assert causes.explains == {"hv": {"app", "vm"}}


def test_upstream_joint_groups_on_the_way_include_the_candidates_groups():
    g = graph(("service", "cluster"), ("cluster", "vm-1", {"group": "n"}), ("cluster", "vm-2", {"group": "n"}),
              ("vm-1", "hv-1", {"group": "farm"}), ("vm-1", "hv-2", {"group": "farm"}),
              ("vm-1", "hv-3", {"group": "farm"}), ("unrelated", "x", {"group": "z"}),
              redundancy={"cluster": {"n": {"min_up": 1}}, "vm-1": {"farm": {"min_up_pct": 60}}})
    groups = {(j.owner, j.group): j.must_fail for j in upstream(g, ["service"]).joint_groups}
    assert groups == {("cluster", "n"): 2, ("vm-1", "farm"): 2}


def test_spofs_without_redundancy_are_every_dependency():
    g = graph(("svc", "app"), ("app", "db"), ("db", "disk"), ("svc", "mon", {"impact": "none"}),
              ("app", "backup", {"impact": "degraded"}))
    assert spofs(g, "svc") == {"app", "db", "disk"}


def test_spofs_with_redundancy_are_the_shared_points():
    g = graph(("svc", "lb"), ("lb", "web-1", {"group": "pool"}), ("lb", "web-2", {"group": "pool"}),
              ("web-1", "sw"), ("web-2", "sw"), ("sw", "core"), redundancy={"lb": {"pool": {"min_up": 1}}})
    assert spofs(g, "svc") == {"lb", "sw", "core"}


def test_spofs_of_an_unknown_service_is_empty():
    assert spofs(graph(("a", "b")), "ghost") == set()


# ---------------------------------------------------------------- validation helpers

@pytest.mark.parametrize(("count", "spec"), [
    (2, {"min_up": 3}), (2, {"min_up": 0}), (2, {"min_up": -1}), (2, {"min_up": 1.5}),
    (4, {"min_up_pct": 0}), (4, {"min_up_pct": 101}), (4, {"min_up_pct": True}),
    (0, {"min_up": 1}), (2, {}), (2, {"min_up": 1, "min_up_pct": 50}), (2, {"max_down": 1}), (2, {"min_up": "1"}),
])
def test_check_group_refuses_specs_that_cannot_hold(count, spec):
    with pytest.raises(ValueError):
        check_group(count, spec)


@pytest.mark.parametrize(("count", "spec"), [(2, {"min_up": 1}), (2, {"min_up": 2}), (4, {"min_up_pct": 1}),
                                             (4, {"min_up_pct": 100}), (3, {"min_up_pct": 66.7})])
def test_check_group_accepts_sound_specs(count, spec):
    check_group(count, spec)


def test_check_edge_refuses_self_loops_and_unknown_impacts():
    check_edge("a", "b", "degraded")
    with pytest.raises(ValueError, match="itself"):
        check_edge("a", "a")
    with pytest.raises(ValueError, match="impact"):
        check_edge("a", "b", "partial")


@pytest.mark.parametrize(("count", "spec", "expected"), [
    (2, {"min_up": 1}, 2), (4, {"min_up": 3}, 2), (5, {"min_up": 4}, 2), (3, None, 1),
    (10, {"min_up_pct": 50}, 6), (4, {"min_up_pct": 100}, 1), (3, {"min_up_pct": 1}, 3),
])
def test_must_fail(count, spec, expected):
    assert must_fail(count, spec) == expected


def test_impact_is_pure():
    tree = ast.parse((ROOT / "cmdb" / "impact.py").read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= {"collections", "dataclasses"}, imported


# ---------------------------------------------------------------- properties

NAMES = {0: "ok", 1: "degraded", 2: "down"}
CAPS = {"full": 2, "degraded": 1, "none": 0}
specs = st.one_of(st.none(), st.builds(lambda k: {"min_up": k}, st.integers(1, 4)),
                  st.builds(lambda p: {"min_up_pct": p}, st.integers(1, 100)))
edge_attrs = st.fixed_dictionaries({}, optional={"impact": st.sampled_from(list(CAPS)),
                                                 "group": st.sampled_from(["g", "h"])})


@st.composite
def estates(draw, acyclic=False):
    size = draw(st.integers(1, 10))
    g = nx.MultiDiGraph() if draw(st.booleans()) else nx.DiGraph()
    g.add_nodes_from(range(size))
    pairs = [(u, v) for u in range(size) for v in range(size) if u != v and (not acyclic or u < v)]
    for u, v in draw(st.lists(st.sampled_from(pairs), max_size=25)) if pairs else []:
        g.add_edge(u, v, **draw(edge_attrs))
    for node in range(size):
        groups = {k: s for k, s in draw(st.dictionaries(st.sampled_from(["g", "h"]), specs)).items() if s}
        if groups:
            g.nodes[node]["redundancy"] = groups
    return g


def failures(g):
    return st.dictionaries(st.sampled_from(sorted(g)), st.sampled_from(["down", "degraded"]), max_size=len(g))


def reference_states(g, failed, excluded):
    """The rules, evaluated naively and recursively on a DAG."""
    memo = {}

    def state(node):
        if node in excluded:
            return 0
        if node not in memo:
            worst = {"down": 2, "degraded": 1}.get(failed.get(node), 0)
            groups = defaultdict(list)
            for _, dependency, attrs in g.out_edges(node, data=True):
                passed = min(state(dependency), CAPS[attrs.get("impact", "full")])
                if "group" in attrs:
                    groups[attrs["group"]].append(passed)
                else:
                    worst = max(worst, passed)
            for key, members in groups.items():
                spec = g.nodes[node].get("redundancy", {}).get(key) or {}
                up = sum(1 for m in members if m < 2)
                if "min_up_pct" in spec:
                    broken = up * 100 < spec["min_up_pct"] * len(members)
                else:
                    broken = up < min(spec.get("min_up", len(members)), len(members))
                worst = max(worst, 2 if broken else 1 if max(members) else 0)
            memo[node] = worst
        return memo[node]

    return {node: NAMES[state(node)] for node in g if state(node)}


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_states_of_a_dag_agree_with_a_naive_recursive_evaluation(data):
    g = data.draw(estates(acyclic=True))
    failed = data.draw(failures(g))
    excluded = data.draw(st.sets(st.sampled_from(sorted(g)), max_size=2))
    assert downstream(g, failed, excluded).states == reference_states(g, failed, excluded)


RANK = {None: 0, "degraded": 1, "down": 2}


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_failing_more_never_makes_anything_better(data):
    g = data.draw(estates())
    failed = data.draw(failures(g))
    more = {**data.draw(failures(g)), **{n: s for n, s in failed.items() if s == "down"}}
    more.update({n: s for n, s in failed.items() if n not in more})
    before, after = downstream(g, failed).states, downstream(g, more).states
    assert all(RANK[after.get(node)] >= RANK[state] for node, state in before.items())


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_excluded_cis_are_never_impacted(data):
    g = data.draw(estates())
    excluded = data.draw(st.sets(st.sampled_from(sorted(g)), max_size=3))
    impact = downstream(g, data.draw(failures(g)), excluded)
    assert not excluded & set(impact.states)
    for node in impact.states:   # and no chain runs through them
        assert not excluded & set(impact.path(node))


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_every_path_ends_at_a_failed_input_and_follows_edges(data):
    g = data.draw(estates())
    impact = downstream(g, data.draw(failures(g)))
    for node in impact.states:
        path = impact.path(node)
        assert path[0] == node and path[-1] in impact.failed and len(set(path)) == len(path)
        assert all(g.has_edge(u, v) for u, v in zip(path, path[1:], strict=False))


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_upstream_and_spofs_agree_with_downstream_on_the_whole_graph(data):
    g = data.draw(estates())
    incidents = data.draw(st.sets(st.sampled_from(sorted(g)), min_size=1, max_size=3))
    causes = upstream(g, incidents)
    for candidate in causes.candidates:
        states = downstream(g, [candidate]).states
        assert causes.explains[candidate] == {ci for ci in incidents if states.get(ci) == "down"}
    service = min(incidents)
    assert spofs(g, service) == {ci for ci in g if ci != service and downstream(g, [ci]).states.get(service) == "down"}


# ---------------------------------------------------------------- reach, conflicts, ranked causes

def test_reach_is_one_dependency_chain_both_ways_and_skips_none_edges():
    g = graph(("service", "vm"), ("vm", "host"), ("host", "switch"), ("other-vm", "host"),
              ("vm", "monitor", {"impact": "none"}))
    assert reach(g, ["vm"]) == {"service", "vm", "host", "switch"}
    assert "other-vm" not in reach(g, ["vm"])  # a neighbour on the same host is not on the chain
    assert ci_conflict({"switch"}, reach(g, ["switch"]), {"other-vm"}, reach(g, ["other-vm"]))
    assert not ci_conflict({"vm"}, reach(g, ["vm"]), {"other-vm"}, reach(g, ["other-vm"]))


def test_reach_terminates_on_cycles():
    g = graph(("a", "b"), ("b", "c"), ("c", "a"), ("d", "a"))
    assert reach(g, ["b"]) == {"a", "b", "c", "d"}


def test_the_cause_common_to_most_incidents_ranks_first():
    g = graph(("web-1", "hv-1"), ("web-2", "hv-2"), ("hv-1", "core"), ("hv-2", "core"), ("db", "core"))
    ranked = rank_causes(g, {"INC-1": {"web-1"}, "INC-2": {"web-2"}, "INC-3": {"db"}})
    assert ranked[0].ci == "core" and ranked[0].explains == {"INC-1", "INC-2", "INC-3"}
    assert [c.ci for c in ranked[1:]] == ["hv-1", "hv-2"]  # each explains one incident alone


def test_an_observed_ci_that_another_incident_depends_on_is_a_candidate_and_ranks_before_its_switch():
    g = graph(("vm", "host"), ("host", "switch"))
    ranked = rank_causes(g, {"INC-vm": {"vm"}, "INC-host": {"host"}})
    assert [c.ci for c in ranked] == ["host", "switch"]
    assert ranked[0].observed and not ranked[1].observed


def test_redundancy_keeps_a_lone_node_from_explaining_a_cluster_incident():
    ranked = rank_causes(cluster_example(), {"INC-1": {"service"}, "INC-2": {"cluster"}})
    assert ranked[0].ci == "cluster" and ranked[0].explains == {"INC-1", "INC-2"}
    nodes = [c for c in ranked if c.ci.startswith("node")]
    assert nodes and all(not c.explains and c.under == {"INC-1", "INC-2"} for c in nodes)


def test_no_incident_cis_no_causes():
    assert rank_causes(cluster_example(), {"INC-1": set()}) == []


def test_a_focus_tries_only_the_candidates_under_that_incident_and_ranks_them_alike():
    g = graph(("web-1", "hv-1"), ("web-2", "hv-2"), ("hv-1", "core"), ("hv-2", "core"), ("db", "core"))
    incidents = {"INC-1": {"web-1"}, "INC-2": {"web-2"}, "INC-3": {"db"}}
    focused = rank_causes(g, incidents, focus="INC-1")
    assert [(c.ci, len(c.explains)) for c in focused] == [("core", 3), ("hv-1", 1)]
    assert [c for c in rank_causes(g, incidents) if "INC-1" in c.under] == focused
