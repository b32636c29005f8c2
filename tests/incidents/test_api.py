"""The incidents' API: staff read the major incidents and post updates; a client reads only what
affects their organization, in their words and language."""
from app.auth import services as accounts
from app.auth import tokens
from app.incidents import services


def test_staff_read_major_incidents_with_updates_children_and_affected(api, users, major, children):
    services.link_children(users["agent"], major, children)
    services.post_update(users["agent"], major, body="Replacing the switch.")
    [item] = api("agent").get("/api/v1/incidents/major").json["items"]
    assert item["number"] == major.number and item["children"] == [c.number for c in children]
    assert [a["organization"]["code"] for a in item["affected"]] == ["GLOBEX"]
    assert item["updates"][0]["body_en"] == "Replacing the switch." and item["next_update_due"]


def test_a_client_reads_their_status_in_their_language_and_nothing_of_the_provider(api, users, major, initech, db):
    services.post_update(users["agent"], major, body="Replacing the switch.", body_uk="Замінюємо комутатор.")
    services.post_update(users["agent"], major, body="Secret: RMA 7731", public=False)
    accounts.update_profile(users["other_user"], name=users["other_user"].name, locale="uk", timezone="Europe/Kyiv")
    db.session.commit()
    body = api("other_user").get("/api/v1/incidents/major").json
    [item] = body["items"]
    assert item["title"] == "Hosting in the Kyiv data centre" and item["updates"][0]["body"] == "Замінюємо комутатор."
    assert major.number not in str(body) and "Secret" not in str(body) and major.title not in str(body)
    status = api("client_user").get("/api/v1/status").json
    assert status["items"][0]["updates"][0]["body"] == "Replacing the switch." and status["history"] == []


def test_an_unaffected_client_sees_nothing(app, users, major, initech):
    _row, raw = tokens.create_token(initech["contact"], "test")
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    assert client.get("/api/v1/status").json == {"items": [], "history": []}
    assert client.get("/api/v1/incidents/major").json == {"items": []}


def test_posting_an_update_is_staff_only_and_checked(api, users, major, children):
    assert api("client_user").post(f"/api/v1/tickets/{children[0].number}/updates",
                                   json={"body": "We fixed it"}).status_code == 403
    response = api("agent").post(f"/api/v1/tickets/{children[0].number}/updates", json={"body": "Not major"})
    assert response.status_code == 422 and set(response.json["error"]["fields"]) == {"body"}
    response = api("agent").post(f"/api/v1/tickets/{major.number}/updates", json={"body": "Back soon", "public": True})
    assert response.status_code == 201 and response.json["public"] is True
