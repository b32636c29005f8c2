"""The CMDB's write path: staff write, bad input is refused with nothing written, every write is
recorded and bumps the version."""
import networkx as nx
import pytest
import sqlalchemy as sa

from app.errors import Forbidden, ValidationError
from cmdb import graph, impact, services
from cmdb.models import CI, CIChange, RedundancyGroup, Relation
from tests.cmdb.conftest import cls


def count(model):
    return services.db.session.scalar(sa.select(sa.func.count()).select_from(model))


def nothing_written(action):
    before = (count(CI), count(Relation), count(RedundancyGroup), count(CIChange), graph.current_version())
    with pytest.raises(ValidationError) as caught:
        action()
    services.db.session.rollback()
    assert (count(CI), count(Relation), count(RedundancyGroup), count(CIChange), graph.current_version()) == before
    return caught.value.errors


def test_the_estate_is_a_graph_that_knows_its_redundancy(estate):
    g = graph.graph()
    result = impact.downstream(g, [estate["hv1"].id])
    assert estate["cluster"].id in result.degraded and estate["shop"].id in result.degraded
    assert estate["node1"].id in result.down
    result = impact.downstream(g, [estate["core"].id])
    assert {estate["shop"].id, estate["globex"].id} <= result.down
    assert result.path(estate["shop"].id)[-1] == estate["core"].id


def test_the_graph_is_cached_until_a_write(estate, users):
    first = graph.graph()
    assert graph.graph() is first
    services.update_ci(users["agent"], estate["node1"], hostname="web-01.acme.example")
    second = graph.graph()
    assert second is not first and graph.graph() is second  # every CMDB write is a new version
    services.update_ci(users["agent"], estate["node1"], status="retired")
    assert estate["node1"].id not in graph.graph()


def test_writes_are_recorded_with_old_and_new(estate, users):
    services.update_ci(users["agent"], estate["node1"], ip_addresses="192.0.2.21, 2001:db8::1",
                       attributes={"vcpus": "8", "ram_gb": 8})
    rows = {(c.field, c.old, c.new) for c in services.db.session.scalars(
        sa.select(CIChange).where(CIChange.ci_id == estate["node1"].id))}
    assert ("ip_addresses", "192.0.2.11", "192.0.2.21 2001:db8::1") in rows
    assert ("attributes.vcpus", "4", "8") in rows
    assert any(field == "relation" and new and "web-cluster" not in new for field, _, new in rows)


def test_clients_never_write(estate, users):
    with pytest.raises(Forbidden):
        services.create_ci(users["client_admin"], ci_class=cls("disk"), name="mine")
    with pytest.raises(Forbidden):
        services.add_relation(users["client_admin"], estate["shop"], estate["node1"], "uses")


def test_a_relation_to_a_missing_ci_is_refused(estate, users):
    errors = nothing_written(lambda: services.add_relation(users["agent"], estate["shop"], 999_999, "uses"))
    assert errors == {"target": ["There is no such CI."]}


def test_a_relation_from_a_ci_to_itself_is_refused(estate, users):
    errors = nothing_written(lambda: services.add_relation(users["agent"], estate["shop"], estate["shop"], "uses"))
    assert errors == {"target": ["A CI cannot depend on itself."]}


def test_an_unknown_relation_type_and_a_duplicate_are_refused(estate, users):
    assert "type" in nothing_written(lambda: services.add_relation(users["agent"], estate["shop"], estate["core"],
                                                                   "likes"))
    assert "target" in nothing_written(lambda: services.add_relation(users["agent"], estate["node1"], estate["hv1"],
                                                                     "runs_on"))


def test_a_min_up_larger_than_the_group_is_refused(estate, users):
    errors = nothing_written(lambda: services.set_group(users["agent"], estate["cluster"], "nodes", min_up=3))
    assert "2 members" in errors["min_up"][0]
    assert "key" in nothing_written(lambda: services.set_group(users["agent"], estate["cluster"], "psu", min_up=1))
    assert "min_up_pct" in nothing_written(
        lambda: services.set_group(users["agent"], estate["cluster"], "nodes", min_up_pct=150))
    services.set_group(users["agent"], estate["cluster"], "nodes", min_up_pct=50)
    assert graph.graph().nodes[estate["cluster"].id]["redundancy"] == {"nodes": {"min_up_pct": 50}}


def test_a_duplicate_name_in_one_organization_is_refused(estate, users, org_a, org_b):
    errors = nothing_written(lambda: services.create_ci(users["agent"], ci_class=cls("disk"), name="WEB-01",
                                                        organization=org_a))
    assert errors == {"name": ["There is already a CI named WEB-01 here."]}
    nothing_written(lambda: services.create_ci(users["agent"], ci_class=cls("switch"), name="core-sw-1"))
    services.create_ci(users["agent"], ci_class=cls("virtual_machine"), name="web-01", organization=org_b)
    assert "name" in nothing_written(lambda: services.update_ci(users["agent"], estate["node2"], name="web-01"))


def test_attributes_follow_the_class_schema(catalog, users):
    errors = nothing_written(lambda: services.create_ci(
        users["agent"], ci_class=cls("disk"), name="sda", attributes={"size_gb": "big", "smart": "dead", "rpm": 1}))
    assert len(errors["attributes"]) == 3
    disk = services.create_ci(users["agent"], ci_class=cls("disk"), name="sda",
                              attributes={"size_gb": "960", "smart": "ok", "model": " Micron 5300 "})
    assert disk.attributes == {"size_gb": 960, "smart": "ok", "model": "Micron 5300"}


def test_bad_fields_are_refused(catalog, users):
    errors = nothing_written(lambda: services.create_ci(users["agent"], ci_class=cls("switch"), name=" ",
                                                        ip_addresses="10.0.0.300", status="broken"))
    assert set(errors) == {"name", "ip_addresses", "status"}


def test_removing_a_group_member_keeps_the_group_sound(estate, users):
    member = services.db.session.scalar(sa.select(Relation).where(Relation.source_id == estate["cluster"].id,
                                                                  Relation.target_id == estate["node2"].id))
    services.set_group(users["agent"], estate["cluster"], "nodes", min_up=2)
    nothing_written(lambda: services.remove_relation(users["agent"], member))
    services.set_group(users["agent"], estate["cluster"], "nodes", min_up=1)
    services.remove_relation(users["agent"], member)
    assert estate["cluster"].id not in impact.downstream(graph.graph(), [estate["hv2"].id]).states


def test_the_built_graph_is_the_one_networkx_would_build(estate, users):
    services.update_ci(users["agent"], estate["hv2"], status="retired")
    built = graph.build()
    rows = services.db.session.execute(sa.select(Relation)).scalars()
    expected = nx.MultiDiGraph()
    expected.add_nodes_from(ci.id for ci in services.db.session.scalars(sa.select(CI)) if ci.status != "retired")
    for relation in rows:
        if {relation.source_id, relation.target_id} <= set(expected):
            attrs = {"impact": relation.effective_impact}
            if relation.group_key:
                attrs["group"] = relation.group_key
            expected.add_edge(relation.source_id, relation.target_id, **attrs)
    expected.nodes[estate["cluster"].id]["redundancy"] = {"nodes": {"min_up": 1}}
    assert sorted(built.edges(keys=True, data=True)) == sorted(expected.edges(keys=True, data=True))
    assert dict(built.nodes(data=True)) == dict(expected.nodes(data=True))
    assert built.in_degree(estate["core"].id) == 2 and estate["hv2"].id not in built


def test_admins_add_a_class_with_its_attributes(catalog, users):
    text = "capacity_kwh: float\nchemistry: LFP | NMC\n\nmonitored: bool"
    battery = services.save_class(users["admin"], None, code="battery", name="Battery string", group="facility",
                                  attributes=text)
    assert battery.schema == {"capacity_kwh": {"type": "float"}, "chemistry": {"type": "str", "choices": ["LFP", "NMC"]},
                              "monitored": {"type": "bool"}}
    assert services.schema_text(battery.schema) == "capacity_kwh: float\nchemistry: LFP | NMC\nmonitored: bool"
    ci = services.create_ci(users["agent"], ci_class=battery, name="bat-1", attributes={"chemistry": "LFP",
                                                                                        "monitored": "yes"})
    assert ci.attributes == {"chemistry": "LFP", "monitored": True}
    errors = nothing_written(lambda: services.save_class(users["admin"], None, code="Battery!", name="", group="x",
                                                         attributes="size: huge\nBad Name: int"))
    assert set(errors) == {"code", "name", "group", "attributes"} and len(errors["attributes"]) == 2
    assert "code" in nothing_written(lambda: services.save_class(users["admin"], None, code="disk", name="Disk",
                                                                 group="components", attributes=""))
    with pytest.raises(Forbidden):
        services.save_class(users["agent"], None, code="ups2", name="UPS", group="facility", attributes="")
