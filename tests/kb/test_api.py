"""/api/v1/kb: articles, review, suggestions and drafts from tickets, with the API's conventions."""
import sqlalchemy as sa

from kb.models import Article


def test_staff_write_and_a_reviewer_publishes(api, users, org_a, db):
    agent, manager = api("agent"), api("manager")
    made = agent.post("/api/v1/kb/articles", json={"title": "Reset the panel password", "body": "Click **Forgot**.",
                                                   "visibility": "organizations", "organizations": ["ACME"],
                                                   "language": "en", "category": "Panel / Accounts",
                                                   "tags": ["panel"]})
    assert made.status_code == 201, made.get_json()
    article = made.get_json()
    assert article["status"] == "draft" and article["organizations"] == [{"code": "ACME", "name": org_a.name}]
    assert article["category"] == "Panel / Accounts" and "<strong>Forgot</strong>" in article["body_html"]
    changed = agent.patch(f"/api/v1/kb/articles/{article['id']}", json={"version": article["version"],
                                                                        "body": "Click *Forgot password*."})
    assert changed.status_code == 200 and changed.get_json()["version"] == article["version"] + 1
    stale = agent.patch(f"/api/v1/kb/articles/{article['id']}", json={"version": article["version"], "title": "X"})
    assert stale.status_code == 409 and stale.get_json()["error"]["version"] == article["version"] + 1
    assert agent.post(f"/api/v1/kb/articles/{article['id']}/publish").status_code == 403
    published = manager.post(f"/api/v1/kb/articles/{article['id']}/publish")
    assert published.status_code == 200 and published.get_json()["status"] == "published"
    client = api("client_user")
    seen = client.get(f"/api/v1/kb/articles/{article['id']}").get_json()
    assert seen["title"] == "Reset the panel password" and "organizations" not in seen and "uses" not in seen
    assert api("other_user").get(f"/api/v1/kb/articles/{article['id']}").status_code == 404
    assert client.get("/api/v1/kb/suggest?q=panel passw").get_json()["items"][0]["id"] == article["id"]
    assert api("other_user").get("/api/v1/kb/suggest?q=panel passw").get_json()["items"] == []
    assert client.post("/api/v1/kb/articles", json={"title": "Mine"}).status_code == 403


def test_publishing_your_own_under_the_second_reviewer_policy_is_refused(api, users, db):
    manager = api("manager")
    article = manager.post("/api/v1/kb/articles", json={"title": "Mine"}).get_json()
    refused = manager.post(f"/api/v1/kb/articles/{article['id']}/publish")
    assert refused.status_code == 422 and "reviewer" in refused.get_json()["error"]["fields"]


def test_bad_input_names_the_field_and_writes_nothing(api, users, db):
    agent = api("agent")
    for body, field in (({"title": ""}, "title"), ({"title": "x", "visibility": "all"}, "visibility"),
                        ({"title": "x", "organizations": ["NOPE"]}, "organizations"),
                        ({"title": "x", "body": "w" * 1_040_000}, "body"),
                        ({"title": "x", "surprise": 1}, "surprise")):
        answer = agent.post("/api/v1/kb/articles", json=body)
        assert answer.status_code == 422 and field in answer.get_json()["error"]["fields"], (field, answer.get_json())
    huge = agent.post("/api/v1/kb/articles", json={"title": "x", "body": "w" * (5 * 1024 * 1024)})
    assert huge.status_code == 413 and huge.get_json()["error"]["message"]  # refused before it is read
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Article)) == 0
    assert agent.get("/api/v1/kb/articles?cursor=bogus").status_code == 422


def test_pages_by_keyset_and_search_never_errors(api, users, db):
    agent = api("agent")
    for n in range(5):
        agent.post("/api/v1/kb/articles", json={"title": f"Mail relay note {n}"})
    first = agent.get("/api/v1/kb/articles?limit=2").get_json()
    second = agent.get(f"/api/v1/kb/articles?limit=2&cursor={first['next']}").get_json()
    assert len(first["items"]) == 2 and first["items"][-1]["id"] > second["items"][0]["id"]
    found = agent.get("/api/v1/kb/articles?q=relay&limit=3").get_json()
    assert len(found["items"]) == 3 and "<mark>relay</mark>" in found["items"][0]["snippet"]
    for q in ('"', "NEAR(", "relay*", "'", "(a OR"):
        assert agent.get("/api/v1/kb/articles", query_string={"q": q}).status_code == 200


def test_a_draft_from_a_ticket(api, users, resolved_incident, db):
    answer = api("agent").post(f"/api/v1/tickets/{resolved_incident.number}/article")
    assert answer.status_code == 201
    assert answer.get_json()["source_tickets"] == [resolved_incident.number]
    assert answer.get_json()["status"] == "draft"
    assert api("client_user").post(f"/api/v1/tickets/{resolved_incident.number}/article").status_code == 403
    assert api("other_user").post(f"/api/v1/tickets/{resolved_incident.number}/article").status_code == 404


def test_an_article_for_all_clients_cannot_name_one_clients_ci(api, users, org_a, db):
    from cmdb import services as cmdb
    from cmdb.queries import class_by_code

    cmdb.seed_catalog(users["admin"])
    cmdb.create_ci(users["agent"], ci_class=class_by_code("physical_server"), name="acme-db-01", organization=org_a)
    cmdb.create_ci(users["agent"], ci_class=class_by_code("switch"), name="core-sw-1")
    agent = api("agent")
    refused = agent.post("/api/v1/kb/articles", json={"title": "DB restarts", "visibility": "clients",
                                                      "cis": ["acme-db-01", "core-sw-1"]})
    assert refused.status_code == 422 and "acme-db-01" in refused.get_json()["error"]["fields"]["cis"][0]
    assert agent.post("/api/v1/kb/articles", json={"title": "x", "cis": ["nope"]}).status_code == 422
    made = agent.post("/api/v1/kb/articles", json={"title": "DB restarts", "visibility": "organizations",
                                                   "organizations": ["ACME"], "cis": ["acme-db-01", "core-sw-1"],
                                                   "ci_classes": ["physical_server"]})
    assert made.status_code == 201
    assert [c["name"] for c in made.get_json()["cis"]] == ["acme-db-01", "core-sw-1"]
    assert made.get_json()["ci_classes"] == ["physical_server"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Article)) == 1
