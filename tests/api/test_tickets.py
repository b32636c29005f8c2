"""Tickets through the API: open, read, list, change, move — and bad input, which changes nothing."""
import pytest
import sqlalchemy as sa

from app.tickets import services
from app.tickets.models import Event, Ticket
from cmdb import services as cmdb
from cmdb.queries import class_by_code
from tests.factories import make_ticket

STAFF_FIELDS = {"team", "assignee", "major", "via", "first_response_at"}


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def fields_of(response) -> set[str]:
    return set(response.json["error"]["fields"])


# -- open and read -------------------------------------------------------------------------

def test_a_client_opens_a_ticket_in_the_shape_scripts_use(api, users, org_a, db, catalog):
    for name in ("mail-01", "mx-02"):  # the CIs it names are linked (tests/api/test_cmdb.py)
        cmdb.create_ci(users["agent"], ci_class=class_by_code("virtual_machine"), name=name, organization=org_a)
    client = api("client_user")
    response = client.post("/api/v1/tickets", json={
        "kind": "incident", "title": "Mail server does not answer", "description": "Since **09:40**, port 25.",
        "urgency": 1, "cis": ["mail-01", "mx-02"]})
    assert response.status_code == 201, response.json
    body = response.json
    assert body["number"] == "INC-1" and response.headers["Location"] == "/api/v1/tickets/INC-1"
    assert body["organization"] == {"code": "ACME", "name": "Acme Hosting Clients"}
    assert body["requester"]["name"] == users["client_user"].name and body["priority"] == 2  # urgent, medium impact
    assert body["description_html"] == "<p>Since <strong>09:40</strong>, port 25.</p>\n"
    assert body["status"] == "new" and body["status_label"] == "New" and body["version"] == 1
    assert not STAFF_FIELDS & set(body), "a client sees no internal field"
    assert client.get("/api/v1/tickets/inc-1").json == body
    assert db.session.scalar(sa.select(Ticket.via)) == "api"


def test_staff_open_tickets_of_any_kind_for_an_organization_named_by_code(api, org_a, org_b, db):
    agent = api("agent")
    response = agent.post("/api/v1/tickets", json={"kind": "change", "title": "Upgrade PostgreSQL to 17",
                                                   "organization": "globex"})
    assert response.status_code == 201, response.json
    assert response.json["number"] == "CHG-1" and response.json["status"] == "draft"
    assert response.json["organization"]["code"] == "GLOBEX" and set(response.json) >= STAFF_FIELDS


def test_a_client_cannot_open_a_ticket_for_another_organization(api, org_a, org_b, db):
    response = api("client_user").post("/api/v1/tickets", json={"kind": "incident", "title": "Hello there",
                                                                 "organization": "GLOBEX"})
    assert response.status_code == 422 and fields_of(response) == {"organization"}
    assert response.json["error"]["fields"]["organization"] == ["No organization has this code."]
    assert count(db, Ticket) == 0


@pytest.mark.parametrize("who,payload,fields", [
    ("agent", {"kind": "incident", "title": "Disk full"}, {"organization"}),
    ("agent", {"kind": "incident", "title": "Disk full", "organization": "NOPE"}, {"organization"}),
    ("agent", {"kind": "task", "title": "Disk full", "organization": "ACME"}, {"kind"}),
    ("agent", {"title": "Disk full", "organization": "ACME"}, {"kind"}),
    ("agent", {"kind": "incident", "organization": "ACME"}, {"title"}),
    ("agent", {"kind": "incident", "title": "x", "organization": "ACME"}, {"title"}),
    ("agent", {"kind": "incident", "title": 42, "organization": "ACME"}, {"title"}),
    ("agent", {"kind": "incident", "title": "Disk full", "organization": "ACME", "impact": "high"}, {"impact"}),
    ("agent", {"kind": "incident", "title": "Disk full", "organization": "ACME", "impact": 7}, {"impact"}),
    ("agent", {"kind": "incident", "title": "Disk full", "organization": "ACME", "priority": 1}, {"priority"}),
    ("agent", {"kind": "incident", "title": "Disk full", "organization": "ACME", "cis": "web-01"}, {"cis"}),
    ("agent", {"kind": "incident", "title": "Disk full", "organization": "ACME", "cis": [1]}, {"cis.0"}),
    ("client_user", {"kind": "change", "title": "Please upgrade"}, {"kind"}),
    ("client_user", {"kind": "incident", "title": None}, {"title"}),
])
def test_bad_input_to_create_is_a_422_naming_the_fields_and_creates_nothing(api, org_a, db, who, payload, fields):
    response = api(who).post("/api/v1/tickets", json=payload)
    assert response.status_code == 422, response.json
    assert fields_of(response) == fields and response.json["error"]["message"] == "Some fields are not valid."
    assert count(db, Ticket) == 0


@pytest.mark.parametrize("data,content_type", [
    ('{"kind": "incident", "title": ', "application/json"),
    ('["incident"]', "application/json"),
    ("kind=incident&title=Disk", "application/x-www-form-urlencoded"),
    ("", "application/json"),
])
def test_a_body_that_is_not_a_json_object_is_a_422(api, org_a, db, data, content_type):
    response = api("agent").post("/api/v1/tickets", data=data, content_type=content_type)
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {"_schema": ["Send a JSON object, with Content-Type: application/json."]}
    assert count(db, Ticket) == 0


def test_a_json_body_over_a_megabyte_is_a_413(api, org_a, db):
    response = api("agent").post("/api/v1/tickets", json={"kind": "incident", "title": "Huge", "organization": "ACME",
                                                          "description": "x" * 1024 * 1024})
    assert response.status_code == 413 and response.json["error"]["code"] == 413
    assert count(db, Ticket) == 0


def test_an_unknown_number_is_a_json_404(api, users):
    response = api("agent").get("/api/v1/tickets/INC-999")
    assert response.status_code == 404
    assert response.json == {"error": {"code": 404, "message": "There is nothing here, or it is not yours to see."}}


# -- lists ---------------------------------------------------------------------------------

@pytest.fixture
def several(users, org_a, org_b, team):
    agent = users["agent"]
    made = {
        "disk": make_ticket(users["client_user"], title="Disk full on web-01"),
        "vpn": make_ticket(agent, organization=org_b, title="VPN flapping", impact=1, urgency=1),
        "dns": make_ticket(agent, organization=org_a, kind="request", title="New DNS record", team=team,
                           assignee=agent),
        "slow": make_ticket(users["client_admin"], title="Site is slow"),
        "prb": make_ticket(agent, organization=org_a, kind="problem", title="Disks fill up"),
    }
    services.transition(agent, made["slow"], "pending")
    return made


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.json
    return [t["number"] for t in response.json["items"]]


def test_the_list_filters_like_the_workspace(api, several, users):
    agent = api("agent")
    assert numbers(agent.get("/api/v1/tickets?sort=oldest")) == ["INC-1", "INC-2", "REQ-1", "INC-3", "PRB-1"]
    assert numbers(agent.get("/api/v1/tickets?kind=request")) == ["REQ-1"]
    assert numbers(agent.get("/api/v1/tickets?status=pending")) == ["INC-3"]
    assert numbers(agent.get("/api/v1/tickets?organization=globex")) == ["INC-2"]
    assert numbers(agent.get(f"/api/v1/tickets?assignee={users['agent'].id}")) == ["REQ-1"]
    assert numbers(agent.get("/api/v1/tickets?view=mine")) == ["REQ-1"]
    assert numbers(agent.get("/api/v1/tickets?q=dns")) == ["REQ-1"]
    assert numbers(agent.get("/api/v1/tickets?q=flap&kind=incident")) == ["INC-2"]
    assert numbers(agent.get("/api/v1/tickets?priority=1")) == ["INC-2"]
    assert numbers(agent.get("/api/v1/tickets?view=my_teams")) == ["REQ-1"]
    assert numbers(agent.get("/api/v1/tickets?view=unassigned&sort=oldest")) == ["INC-1", "INC-2", "INC-3", "PRB-1"]
    services.transition(users["agent"], several["vpn"], "resolved", resolution_code="fixed", resolution="Done")
    assert "INC-2" not in numbers(agent.get("/api/v1/tickets?view=open"))
    assert "INC-2" in numbers(agent.get("/api/v1/tickets?view=all"))


def test_a_client_lists_only_its_organizations_tickets(api, several):
    assert numbers(api("other_user").get("/api/v1/tickets")) == ["INC-2"]
    mine = numbers(api("client_user").get("/api/v1/tickets?sort=oldest"))
    assert mine == ["INC-1", "REQ-1", "INC-3"]  # PRB-1 is the provider's own work: clients never see problems
    listed = api("client_user").get("/api/v1/tickets").json["items"]
    assert all(not STAFF_FIELDS & set(item) for item in listed)


def test_pages_follow_the_next_cursor_to_the_end(api, users, org_a):
    for i in range(7):
        make_ticket(users["agent"], organization=org_a, title=f"Ticket number {i}")
    agent, seen, url = api("agent"), [], "/api/v1/tickets?sort=newest&limit=3"
    while True:
        page = agent.get(url).json
        seen += [t["number"] for t in page["items"]]
        if page["next"] is None:
            break
        url = f"/api/v1/tickets?sort=newest&limit=3&cursor={page['next']}"
    assert seen == [f"INC-{i}" for i in range(7, 0, -1)]


@pytest.mark.parametrize("query,field", [
    ("limit=0", "limit"), ("limit=ten", "limit"), ("sort=random", "sort"), ("view=everything", "view"),
    ("kind=task", "kind"), ("status=flying", "status"), ("cursor=not-a-cursor", "cursor"),
    ("organization=NOPE", "organization"), ("team=999", "team"), ("colour=red", "colour"),
])
def test_bad_list_parameters_are_a_422_naming_them(api, users, query, field):
    response = api("agent").get(f"/api/v1/tickets?{query}")
    assert response.status_code == 422 and fields_of(response) == {field}


# -- change and move -------------------------------------------------------------------------

def test_staff_change_fields_with_the_version_they_read(api, ticket, users, team, db):
    agent = api("agent")
    response = agent.patch(f"/api/v1/tickets/{ticket.number}", json={
        "version": 1, "impact": 1, "team": team.id, "assignee": users["agent"].id, "category": "storage"})
    assert response.status_code == 200, response.json
    body = response.json
    assert body["priority"] == 2 and body["team"] == {"id": team.id, "name": "Service Desk L1"}
    assert body["assignee"]["id"] == users["agent"].id and body["version"] == 2
    history = db.session.scalars(sa.select(Event.field).where(Event.ticket_id == ticket.id).order_by(Event.id))
    assert set(list(history)[1:]) == {"impact", "priority", "team", "assignee", "category"}
    response = agent.patch(f"/api/v1/tickets/{ticket.number}", json={"version": 2, "assignee": None})
    assert response.json["assignee"] is None


def test_a_stale_version_gets_409_with_the_changes_since(api, ticket, users, db):
    services.update_ticket(users["manager"], ticket, title="Disk full on web-01 and web-02")
    response = api("agent").patch(f"/api/v1/tickets/{ticket.number}", json={"version": 1, "category": "storage"})
    assert response.status_code == 409
    error = response.json["error"]
    assert error["version"] == 2 and "INC-1 changed since you read it" in error["message"]
    assert [(c["field"], c["old"], c["new"], c["actor"]["name"]) for c in error["changes"]] == [
        ("title", "Disk full on web-01", "Disk full on web-01 and web-02", users["manager"].name)]
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).category == ""


@pytest.mark.parametrize("payload,fields", [
    ({"title": "No version"}, {"version"}),
    ({"version": "1", "title": "Quoted version"}, {"version"}),
    ({"version": 1, "title": ""}, {"title"}),
    ({"version": 1, "status": "closed"}, {"status"}),
    ({"version": 1, "team": 9999}, {"team"}),
    ({"version": 1, "assignee": 9999}, {"assignee"}),
    ({"version": 1, "urgency": 0}, {"urgency"}),
    ({"version": 1, "major": "maybe"}, {"major"}),
])
def test_bad_changes_are_a_422_and_change_nothing(api, ticket, db, payload, fields):
    response = api("agent").patch(f"/api/v1/tickets/{ticket.number}", json=payload)
    assert response.status_code == 422 and fields_of(response) == fields
    db.session.expire_all()
    fresh = db.session.get(Ticket, ticket.id)
    assert (fresh.title, fresh.version, fresh.team_id, fresh.urgency) == ("Disk full on web-01", 1, None, 2)


def test_assigning_to_a_client_contact_is_refused_by_the_service(api, ticket, users, db):
    response = api("agent").patch(f"/api/v1/tickets/{ticket.number}",
                                  json={"version": 1, "assignee": users["client_user"].id})
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {"assignee": ["Tickets can only be assigned to active staff."]}


def test_clients_do_not_change_fields(api, ticket, db):
    response = api("client_user").patch(f"/api/v1/tickets/{ticket.number}", json={"version": 1, "title": "Mine now"})
    assert response.status_code == 403
    assert response.json["error"]["message"] == "This is for the provider's staff only."


def test_transitions_follow_the_workflow(api, ticket, db):
    agent, url = api("agent"), f"/api/v1/tickets/{ticket.number}/transition"
    assert agent.post(url, json={"status": "open"}).json["status"] == "open"
    response = agent.post(url, json={"status": "resolved"})
    assert response.status_code == 422 and fields_of(response) == {"resolution_code", "resolution"}
    response = agent.post(url, json={"status": "closed"})
    assert response.status_code == 422 and "cannot go from" in response.json["error"]["fields"]["status"][0]
    response = agent.post(url, json={"status": "resolved", "resolution_code": "fixed", "resolution": "Freed 20 GB.",
                                     "version": 2})
    assert response.status_code == 200 and response.json["resolution"] == "Freed 20 GB."
    assert response.json["resolved_at"] is not None and not response.json["is_open"]
    closed = api("client_user").post(url, json={"status": "closed"})
    assert closed.status_code == 200 and closed.json["status"] == "closed"


@pytest.mark.parametrize("payload,fields", [
    ({}, {"status"}), ({"status": "flying"}, {"status"}), ({"status": "open", "resolution_code": "magic"},
                                                           {"resolution_code"}),
    ({"status": "open", "version": "x"}, {"version"}), ({"status": "open", "note": "hi"}, {"note"}),
])
def test_bad_transitions_are_a_422_and_change_nothing(api, ticket, db, payload, fields):
    response = api("agent").post(f"/api/v1/tickets/{ticket.number}/transition", json=payload)
    assert response.status_code == 422 and fields_of(response) == fields
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).status == "new"


def test_a_transition_from_a_stale_version_is_a_409(api, ticket, users, db):
    services.update_ticket(users["manager"], ticket, impact=1)
    response = api("agent").post(f"/api/v1/tickets/{ticket.number}/transition", json={"status": "open", "version": 1})
    assert response.status_code == 409
    assert {c["field"] for c in response.json["error"]["changes"]} == {"impact", "priority"}
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).status == "new"


def test_the_answer_to_an_opened_ticket_is_what_reading_it_gives_without_reading_it_again(api, users, team, db):
    """The created ticket is answered from what the transaction wrote (no reload after the
    commit), routed, with its SLA clock: the same JSON as a GET, and no statement after the commit."""
    from app.auth.permissions import SHELL
    from app.routing import services as routing
    from sla import services as sla

    routing.set_default_team(SHELL, team)
    calendar = sla.save_calendar(SHELL, None, name="Office", timezone="Europe/Kyiv",
                                 weekly={day: [["09:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")})
    sla.save_policy(SHELL, None, name="Standard", calendar=calendar, kind=None, is_default=True,
                    targets={str(p): {"first_response": 60, "resolution": 960} for p in range(1, 5)})
    agent = api("agent")
    seen: list[str] = []

    def note(conn, cursor, sql, *args):
        seen.append(sql)

    sa.event.listen(db.engine, "before_cursor_execute", note)
    try:
        response = agent.post("/api/v1/tickets", json={"kind": "incident", "title": "VPN drops", "organization": "ACME"})
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", note)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["team"]["name"] == team.name and body["sla"]["policy"] == "Standard"
    assert agent.get(f"/api/v1/tickets/{body['number']}").json == body
    last_write = max(i for i, sql in enumerate(seen) if sql.startswith(("INSERT", "UPDATE", "DELETE")))
    assert not [sql for sql in seen[last_write:] if sql.startswith("SELECT")], "nothing is read after the commit"
