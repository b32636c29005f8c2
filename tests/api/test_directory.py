"""Organizations, users, teams and the caller, through the API."""
import pytest


def test_staff_see_every_organization_with_its_internal_fields(api, org_a, org_b, db):
    org_b.notes = "Core switch in rack 4"
    db.session.commit()
    items = api("agent").get("/api/v1/organizations").json["items"]
    assert [o["code"] for o in items] == ["ACME", "GLOBEX"]
    assert items[1]["notes"] == "Core switch in rack 4" and items[1]["active"] is True


def test_a_client_sees_only_its_own_organization_without_internal_notes(api, users, org_a, org_b, db):
    org_a.notes = "Pays late"
    db.session.commit()
    client = api("client_user")
    items = client.get("/api/v1/organizations").json["items"]
    assert [o["code"] for o in items] == ["ACME"] and "notes" not in items[0] and "id" not in items[0]
    assert client.get("/api/v1/organizations/acme").json["name"] == "Acme Hosting Clients"
    assert client.get("/api/v1/organizations/GLOBEX").status_code == 404
    assert client.get("/api/v1/organizations/NOPE").status_code == 404


def test_staff_list_users_and_filter_them(api, users):
    agent = api("agent")
    everyone = agent.get("/api/v1/users").json["items"]
    assert {u["email"] for u in everyone} == {u.email for u in users.values()}
    agents = agent.get("/api/v1/users?role=agent").json["items"]
    assert [u["email"] for u in agents] == ["agent@provider.test"]
    globex = agent.get("/api/v1/users?q=globex").json["items"]
    assert {u["organization"]["code"] for u in globex} == {"GLOBEX"}
    response = agent.get("/api/v1/users?role=pilot")
    assert response.status_code == 422 and set(response.json["error"]["fields"]) == {"role"}


def test_staff_list_teams_with_their_members(api, users, team):
    items = api("manager").get("/api/v1/teams").json["items"]
    assert [(t["name"], sorted(m["name"] for m in t["members"])) for t in items] == [
        ("Service Desk L1", sorted([users["agent"].name, users["manager"].name]))]


@pytest.mark.parametrize("path", ["/api/v1/users", "/api/v1/teams"])
@pytest.mark.parametrize("who", ["client_user", "client_admin"])
def test_clients_do_not_list_people_or_teams(api, users, path, who):
    response = api(who).get(path)
    assert response.status_code == 403
    assert response.json["error"]["message"] == "This is for the provider's staff only."


def test_me_is_the_tokens_owner(api, users):
    body = api("client_admin").get("/api/v1/me").json
    assert (body["email"], body["role"], body["organization"]["code"]) == ("boss@acme.test", "client_admin", "ACME")


def test_errors_speak_the_callers_language(api, users, db):
    users["client_user"].locale = "uk"
    db.session.commit()
    response = api("client_user").get("/api/v1/tickets/INC-404")
    assert response.status_code == 404 and response.json["error"]["message"] != (
        "There is nothing here, or it is not yours to see.")
