"""The CMDB over the API: CIs, relations, impact and a ticket's CIs; clients see their own only."""
import pytest

from cmdb import links


@pytest.fixture
def acme_ticket(estate, users):
    from tests.factories import make_ticket

    return make_ticket(users["client_user"], title="Shop slow")


def test_staff_list_search_and_filter_cis(api, estate):
    agent = api("agent")
    body = agent.get("/api/v1/cis?q=192.0.2.11").get_json()
    assert [ci["name"] for ci in body["items"]] == ["web-01"] and body["next"] is None
    assert body["items"][0]["class"] == "virtual_machine" and body["items"][0]["attributes"] == {"vcpus": 4, "ram_gb": 8}
    names = {ci["name"] for ci in agent.get("/api/v1/cis?organization=provider").get_json()["items"]}
    assert names == {"core-sw-1", "hv-01", "hv-02"}
    page = agent.get("/api/v1/cis?limit=2").get_json()
    assert len(page["items"]) == 2 and page["next"] == 2
    assert agent.get("/api/v1/cis?organization=NOPE").status_code == 422


def test_a_client_sees_only_their_organizations_cis(api, estate):
    client = api("client_user")
    names = {ci["name"] for ci in client.get("/api/v1/cis").get_json()["items"]}
    assert names == {"web-01", "web-02", "web-cluster", "Acme Shop"}
    assert client.get(f"/api/v1/cis/{estate['globex'].id}").status_code == 404
    assert client.get(f"/api/v1/cis/{estate['core'].id}").status_code == 404
    relations = client.get(f"/api/v1/cis/{estate['node1'].id}/relations").get_json()["items"]
    assert {(r["direction"], r["ci"]["name"] if r["ci"] else None) for r in relations} == {
        ("depends_on", None), ("depended_on_by", "web-cluster")}
    assert client.get(f"/api/v1/cis/{estate['node1'].id}/impact").status_code == 403


def test_impact_names_the_paths_and_organizations(api, estate):
    body = api("agent").get(f"/api/v1/cis/{estate['hv1'].id}/impact").get_json()
    states = {row["ci"]["name"]: row["state"] for row in body["impacted"]}
    assert states == {"web-01": "down", "web-cluster": "degraded", "Acme Shop": "degraded"}
    shop = next(row for row in body["impacted"] if row["service"])
    assert shop["path"] == [estate[k].id for k in ("shop", "cluster", "node1", "hv1")]
    assert [org["code"] for org in body["organizations"]] == ["ACME"]


def test_a_new_ticket_links_its_cis_by_name_or_id(api, estate):
    client = api("client_user")
    response = client.post("/api/v1/tickets", json={"kind": "incident", "title": "Shop down",
                                                    "cis": ["web-01", str(estate["shop"].id)]})
    assert response.status_code == 201
    number = response.get_json()["number"]
    items = client.get(f"/api/v1/tickets/{number}/cis").get_json()["items"]
    assert {item["ci"]["name"] for item in items} == {"web-01", "Acme Shop"}


def test_a_client_linking_another_organizations_ci_gets_422_and_no_ticket(api, estate):
    client = api("client_user")
    before = len(client.get("/api/v1/tickets").get_json()["items"])
    response = client.post("/api/v1/tickets", json={"kind": "incident", "title": "Shop down",
                                                    "cis": [str(estate["globex"].id)]})
    assert response.status_code == 422 and "cis" in response.get_json()["error"]["fields"]
    assert len(client.get("/api/v1/tickets").get_json()["items"]) == before


def test_linking_to_an_existing_ticket(api, estate, acme_ticket, users):
    client = api("client_user")
    response = client.post(f"/api/v1/tickets/{acme_ticket.number}/cis", json={"cis": ["web-02"]})
    assert response.status_code == 201
    assert [i["ci"]["name"] for i in response.get_json()["items"]] == ["web-02"]
    assert client.post(f"/api/v1/tickets/{acme_ticket.number}/cis", json={"cis": ["core-sw-1"]}).status_code == 422
    links.link_cis(users["agent"], acme_ticket, [estate["core"]])
    items = client.get(f"/api/v1/tickets/{acme_ticket.number}/cis").get_json()["items"]
    assert None in [item["ci"] for item in items]  # the provider's switch: "a provider component"
