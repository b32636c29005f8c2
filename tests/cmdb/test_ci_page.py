"""The CI page in words: attributes and history by their labels (in the reader's language), and
"Depends on" as a search over the CMDB rather than a CI id."""
import sqlalchemy as sa

from cmdb import services
from cmdb.models import Relation
from tests.cmdb.conftest import cls
from tests.helpers import text


def test_attributes_show_by_their_labels_and_history_in_words(login, estate, users):
    services.update_ci(users["agent"], estate["node1"], status="maintenance",
                       attributes={"vcpus": 4, "ram_gb": 16, "os": "Debian 12"})
    client = login("agent")
    page = text(client.get(f"/cmdb/{estate['node1'].id}"))
    details = page[page.index('id="ci-attributes"'):page.index('id="ci-tickets"')]
    assert "RAM (GB)" in details and "Operating system" in details and "vCPUs" in details
    assert "ram_gb" not in details and "<code>os</code>" not in details
    history = page[page.index('id="ci-history"'):]
    assert "Status</span>: In production → Maintenance" in history
    assert "RAM (GB)</span>: 8 → 16" in history and "Operating system</span>: — → Debian 12" in history
    assert "attributes.ram_gb" not in history and "in_production" not in history


def test_the_ci_page_speaks_ukrainian(login, estate, users):
    services.update_ci(users["agent"], estate["node1"], attributes={"vcpus": 4, "ram_gb": 16})
    client = login("agent")
    client.submit("/language", {"locale": "uk", "next": "/"}, page="/")
    page = text(client.get(f"/cmdb/{estate['node1'].id}"))
    assert "ОЗП (ГБ)" in page and "ram_gb" not in page


def test_a_relation_history_reads_in_the_relation_types_words(login, estate):
    page = text(login("agent").get(f"/cmdb/{estate['hv1'].id}"))
    history = page[page.index('id="ci-history"'):]
    assert "Relation</span>: — → connects web-01" not in history  # web-01 runs on hv-01, it is not connected
    assert "Relation</span>: — → runs web-01 (#" in history


def test_an_admin_labels_a_new_attribute_and_the_form_shows_it(login, estate, users):
    services.save_class(users["admin"], cls("virtual_machine"), code="virtual_machine", name="Virtual machine",
                        group="virtual", attributes="vcpus: int\nram_gb: int\nos: str\nbackup_tier: gold | silver = Backup tier")
    client = login("agent")
    form = text(client.get(f"/cmdb/{estate['node1'].id}/edit"))
    assert "Backup tier" in form and "RAM (GB)" in form
    services.update_ci(users["agent"], estate["node1"], attributes={"backup_tier": "gold"})
    assert "Backup tier" in text(client.get(f"/cmdb/{estate['node1'].id}"))


def test_the_search_offers_cis_by_name_hostname_or_ip_to_staff_only(login, estate):
    found = login("agent").get("/cmdb/search.json?q=192.0.2.1").get_json()["items"]
    assert [item["value"] for item in found] == [f"web-01 (#{estate['node1'].id})", f"web-02 (#{estate['node2'].id})"]
    assert found[0]["detail"] == "Virtual machine · Acme Hosting Clients · web-01.acme.test"
    assert login("agent").get("/cmdb/search.json?q=x").get_json()["items"] == []  # two letters at least
    assert login("client_user").get("/cmdb/search.json?q=web").status_code == 403


def relation_count(db):
    return db.session.scalar(sa.select(sa.func.count()).select_from(Relation))


def test_depends_on_takes_the_picked_ci_a_unique_name_or_hostname(login, estate, db):
    client = login("agent")
    page = f"/cmdb/{estate['shop'].id}"
    assert 'data-ci-search="/cmdb/search.json"' in text(client.get(page))
    before = relation_count(db)
    client.submit(f"{page}/relations", {"rel-type": "uses", "rel-target": f"globex-db (#{estate['globex'].id})"}, page=page)
    client.submit(f"{page}/relations", {"rel-type": "monitored_by", "rel-target": "hv-02.dc1"}, page=page)
    assert relation_count(db) == before + 2
    assert {r.target.name for r in db.session.scalars(sa.select(Relation).where(
        Relation.source_id == estate["shop"].id))} == {"web-cluster", "globex-db", "hv-02"}


def test_depends_on_an_unknown_or_ambiguous_ci_is_refused_and_writes_nothing(login, estate, db):
    client = login("agent")
    page = f"/cmdb/{estate['shop'].id}"
    before = relation_count(db)
    for target in ("no-such-server", "hv-0", "web-0 (#999999)"):
        response = client.submit(f"{page}/relations", {"rel-type": "uses", "rel-target": target}, page=page,
                                 follow_redirects=True)
        assert "There is no such CI." in text(response), target
    assert relation_count(db) == before
