"""A small estate: Acme's service on a two-node cluster, both nodes VMs on the provider's farm,
the farm's hypervisors behind the provider's shared core switch; Globex has a server there too."""
import pytest
import sqlalchemy as sa

from app.auth.permissions import SHELL
from cmdb import services
from cmdb.models import CIClass


def cls(code: str) -> CIClass:
    return services.db.session.scalar(sa.select(CIClass).where(CIClass.code == code))


@pytest.fixture
def catalog(db):
    services.seed_catalog(SHELL)


@pytest.fixture
def estate(catalog, users, org_a, org_b):
    agent = users["agent"]
    new = services.create_ci
    core = new(agent, ci_class=cls("switch"), name="core-sw-1", hostname="core-sw-1.dc1", ip_addresses="10.0.0.1")
    hv1 = new(agent, ci_class=cls("hypervisor"), name="hv-01", hostname="hv-01.dc1")
    hv2 = new(agent, ci_class=cls("hypervisor"), name="hv-02", hostname="hv-02.dc1")
    node1 = new(agent, ci_class=cls("virtual_machine"), name="web-01", organization=org_a, hostname="web-01.acme.test",
                ip_addresses="192.0.2.11", attributes={"vcpus": 4, "ram_gb": 8})
    node2 = new(agent, ci_class=cls("virtual_machine"), name="web-02", organization=org_a, hostname="web-02.acme.test",
                ip_addresses="192.0.2.12")
    cluster = new(agent, ci_class=cls("farm"), name="web-cluster", organization=org_a)
    shop = new(agent, ci_class=cls("client_service"), name="Acme Shop", organization=org_a)
    globex = new(agent, ci_class=cls("physical_server"), name="globex-db", organization=org_b,
                 hostname="db.globex.test")
    rel = services.add_relation
    rel(agent, hv1, core, "connected_to")
    rel(agent, hv2, core, "connected_to")
    rel(agent, node1, hv1, "runs_on")
    rel(agent, node2, hv2, "runs_on")
    rel(agent, cluster, node1, "member_of", group_key="nodes")
    rel(agent, cluster, node2, "member_of", group_key="nodes")
    services.set_group(agent, cluster, "nodes", min_up=1)
    rel(agent, shop, cluster, "runs_on")
    rel(agent, globex, core, "connected_to")
    return {"core": core, "hv1": hv1, "hv2": hv2, "node1": node1, "node2": node2, "cluster": cluster, "shop": shop,
            "globex": globex}
