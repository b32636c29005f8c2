"""The CMDB's pages: the list, the CI page with "what if this fails", the ticket panel, and the
client's "My servers" that never shows another organization's CIs."""
import sqlalchemy as sa

from cmdb import links, services
from cmdb.models import CI, Relation, TicketCI
from tests.cmdb.conftest import cls
from tests.factories import make_ticket
from tests.helpers import text


def test_the_list_searches_by_name_hostname_and_ip(login, estate):
    client = login("agent")
    assert "web-01" in text(client.get("/cmdb/?q=192.0.2.11"))
    page = text(client.get("/cmdb/?q=acme.test"))
    assert "web-01" in page and "web-02" in page and "core-sw-1" not in page
    page = text(client.get("/cmdb/?organization=provider"))
    assert "core-sw-1" in page and "web-01" not in page
    assert "Acme Shop" in text(client.get("/cmdb/?group=services"))


def test_the_ci_page_tells_what_if_it_fails(login, estate, users, org_a):
    ticket = make_ticket(users["client_user"], title="Shop is slow")
    links.link_cis(users["agent"], ticket, [estate["shop"]])
    page = text(login("agent").get(f"/cmdb/{estate['core'].id}"))
    assert "What if this fails" in page
    assert "Acme Shop" in page and "Acme Shop → web-cluster → web-01 → hv-01 → core-sw-1" in page
    assert "Acme Hosting Clients" in page and "Globex Corporation" in page
    assert ticket.number in page and "<svg" in page


def test_the_picture_shows_the_group_of_the_cluster(login, estate):
    body = login("agent").get(f"/cmdb/{estate['node1'].id}").get_data(as_text=True)
    assert "1/2 (min 1)" in body and "#dc3545" in body  # the failed CI in red


def test_staff_add_a_ci_a_relation_and_a_group(login, catalog, estate, org_a):
    client = login("agent")
    response = client.submit("/cmdb/new", {"ci_class": "physical_server", "name": "db-01", "organization": org_a.id,
                                           "status": "in_production", "ip_addresses": "192.0.2.50"})
    assert response.status_code == 302
    db01 = services.db.session.scalar(sa.select(CI).where(CI.name == "db-01"))
    page = f"/cmdb/{estate['shop'].id}"
    client.submit(f"{page}/relations", {"rel-type": "uses", "rel-target": db01.id, "rel-group": "db"}, page=page)
    assert services.db.session.scalar(sa.select(Relation).where(Relation.target_id == db01.id)).group_key == "db"
    response = client.submit(f"{page}/groups", {"grp-key": "db", "grp-min_up": 2}, page=page)
    assert "at most 1 must stay up" in text(client.get(response.headers["Location"]))


def test_the_ticket_panel_links_and_computes_impact(login, estate, users, org_a):
    ticket = make_ticket(users["agent"], title="hv-01 dead", organization=org_a)
    client = login("agent")
    page = f"/tickets/{ticket.number}"
    assert "hv-01.dc1" in text(client.get(f"{page}?ci_q=hv-01"))
    client.submit(f"/cmdb/tickets/{ticket.number}/link", {"ci": estate["hv1"].id}, page=page)
    response = client.submit(f"/cmdb/tickets/{ticket.number}/impact", {}, page=page)
    said = text(client.get(response.headers["Location"]))
    assert "3 impacted CIs added. Affected organizations: Acme Hosting Clients." in said
    assert services.db.session.scalar(sa.select(sa.func.count()).select_from(TicketCI)) == 4


def test_my_servers_shows_the_clients_cis_and_why_a_service_is_degraded(login, estate, users, org_a):
    services.update_ci(users["agent"], estate["hv1"], status="failed")
    ticket = make_ticket(users["client_user"], title="Shop slow", affected_system="web-01")
    page = text(login("client_user").get("/cmdb/mine"))
    assert "Your service Acme Shop is degraded: 1 of 2 nodes down (a provider component)" in page
    assert ticket.number in page  # linked at the door, by its affected system
    for hidden in ("hv-01", "core-sw-1", "globex-db"):
        assert hidden not in page
    other = text(login("other_user").get("/cmdb/mine"))
    assert "globex-db" in other and "Acme" not in other and "web-01" not in other


def test_clients_never_see_the_staff_pages(login, estate):
    client = login("client_admin")
    for url in ("/cmdb/", f"/cmdb/{estate['node1'].id}", "/cmdb/new"):
        assert client.get(url).status_code == 403


def test_staff_edit_a_ci_and_the_history_shows_it(login, estate):
    client = login("agent")
    page = f"/cmdb/{estate['node1'].id}/edit"
    assert "web-01.acme.test" in text(client.get(page))
    response = client.submit(page, {"name": "web-01", "status": "failed", "hostname": "web-01.acme.test",
                                    "ip_addresses": "192.0.2.11", "notes": "Disk died"})
    assert response.status_code == 302
    shown = text(client.get(response.headers["Location"]))
    assert "Failed" in shown and "Disk died" in shown and "Status</span>: In production → Failed" in shown


def test_the_portal_offers_the_organizations_cis_for_which_server(login, estate):
    body = login("client_user").get("/portal/new").get_data(as_text=True)
    assert '<option value="web-01">web-01.acme.test 192.0.2.11</option>' in body
    assert "globex-db" not in body and "core-sw-1" not in body


def test_staff_edit_a_cis_class_attributes(login, catalog, users, org_a):
    disk = services.create_ci(users["agent"], ci_class=cls("disk"), name="sda", organization=org_a,
                              attributes={"size_gb": 960, "smart": "ok"})
    client = login("agent")
    page = f"/cmdb/{disk.id}/edit"
    form = text(client.get(page))
    assert "smart" in form and "size_gb" in form
    base = {"name": "sda", "status": "in_production"}
    response = client.submit(page, {**base, "attr_size_gb": "big", "attr_smart": "failing"})
    assert response.status_code == 200 and "size_gb: not a valid int." in text(response)
    response = client.submit(page, {**base, "attr_size_gb": "1920", "attr_smart": "failing", "attr_model": "PM883"})
    assert response.status_code == 302
    services.db.session.refresh(disk)
    assert disk.attributes == {"size_gb": 1920, "smart": "failing", "model": "PM883"}


def test_admins_edit_classes_on_a_page(login, catalog):
    admin = login("admin")
    assert "smart: ok | warning | failing" in text(admin.get("/cmdb/classes"))
    response = admin.submit("/cmdb/classes/new", {"code": "battery", "name": "Battery string", "group": "facility",
                                                 "attributes": "capacity_kwh: float"})
    assert response.status_code == 302 and "Battery string" in text(admin.get("/cmdb/classes"))
    assert login("agent").get("/cmdb/classes/new").status_code == 403
