"""Problems and changes through /api/v1: fields, transitions, approvals and the calendar,
with the ticket API's conventions; bad input refused with the field named, nothing changed."""
from tests.changes.conftest import make_change, plan


def test_a_change_through_the_api_from_draft_to_scheduled(api, users, org_a, cab):
    agent, manager, admin = api("agent"), api("manager"), api("admin")
    response = agent.post("/api/v1/tickets", json={"kind": "change", "title": "Upgrade PostgreSQL", "organization": "ACME",
                                                   "change": {"risk": "medium", **{k: v.isoformat() if hasattr(v, "isoformat")
                                                                                   else v for k, v in plan().items()}}})
    assert response.status_code == 201, response.json
    number = response.json["number"]
    assert response.json["change"]["change_type"] == "normal" and response.json["problem"] is None
    response = agent.patch(f"/api/v1/tickets/{number}/change", json={"planned_end": "2030-06-01T20:00:00+00:00"})
    assert response.status_code == 422 and "planned_end" in response.json["error"]["fields"]
    for status in ("submitted", "assessment", "awaiting_approval"):
        assert agent.post(f"/api/v1/tickets/{number}/transition", json={"status": status}).status_code == 200
    response = agent.post(f"/api/v1/tickets/{number}/transition", json={"status": "scheduled"})
    assert response.status_code == 422 and "cannot go from" in response.json["error"]["fields"]["status"][0]
    assert api("client_admin").post(f"/api/v1/tickets/{number}/approvals",
                                    json={"decision": "approve", "comment": "Me"}).status_code == 404
    assert manager.post(f"/api/v1/tickets/{number}/approvals", json={"decision": "approve", "comment": "Yes"}).status_code == 201
    twice = manager.post(f"/api/v1/tickets/{number}/approvals", json={"decision": "approve", "comment": "Yes"})
    assert twice.status_code == 422 and "already decided" in twice.json["error"]["fields"]["approver"][0]
    assert admin.post(f"/api/v1/tickets/{number}/approvals", json={"decision": "approve", "comment": "OK"}).status_code == 201
    listed = manager.get(f"/api/v1/tickets/{number}/approvals").json
    assert (listed["required"], listed["status"], len(listed["items"])) == (2, "approved", 2)
    assert agent.post(f"/api/v1/tickets/{number}/transition", json={"status": "scheduled"}).json["status"] == "scheduled"


def test_a_rejected_change_cannot_be_scheduled_through_the_api(api, users, org_a, cab):
    change = make_change(users["agent"], org_a)
    for status in ("submitted", "assessment", "awaiting_approval"):
        api("agent").post(f"/api/v1/tickets/{change.number}/transition", json={"status": status})
    api("manager").post(f"/api/v1/tickets/{change.number}/approvals", json={"decision": "reject", "comment": "No"})
    response = api("agent").post(f"/api/v1/tickets/{change.number}/transition", json={"status": "scheduled"})
    assert response.status_code == 422
    assert api("agent").get(f"/api/v1/tickets/{change.number}").json["status"] == "rejected"


def test_the_calendar_lists_conflicts_and_missed_windows(api, users, org_a, org_b):
    from datetime import time, timedelta

    from app.changes import services
    from app.tickets import services as tickets
    from tests.changes.conftest import SUNDAY_2AM_KYIV

    services.add_window(users["manager"], org_a, weekday=6, start_time=time(2), duration_minutes=180)
    first = make_change(users["agent"], org_a, title="First")
    second = make_change(users["agent"], org_a, title="Second", **plan(planned_end=SUNDAY_2AM_KYIV + timedelta(hours=5)))
    for change in (first, second):  # drafts stay off the calendar
        tickets.transition(users["agent"], change, "submitted")
    body = api("manager").get("/api/v1/changes/calendar?from=2030-06-01&to=2030-06-03").json
    items = {i["number"]: i for i in body["items"]}
    assert items[first.number]["conflicts"] == [second.number] and items[first.number]["outside_window"] == []
    assert items[second.number]["outside_window"] == ["ACME"]
    assert api("manager").get("/api/v1/changes/calendar?organization=GLOBEX&from=2030-06-01&to=2030-06-03").json == {
        "items": []}
    response = api("manager").get("/api/v1/changes/calendar?from=2030-06-03&to=2030-06-01")
    assert response.status_code == 422 and "to" in response.json["error"]["fields"]
    assert api("client_admin").get("/api/v1/changes/calendar").status_code == 403


def test_a_problem_through_the_api(api, users, org_a):
    response = api("agent").post("/api/v1/tickets", json={"kind": "problem", "title": "Exporter hangs", "organization": "ACME",
                                                          "problem": {"root_cause": "Leak", "workaround": "Restart"}})
    assert response.status_code == 201
    assert response.json["problem"] == {"root_cause": "Leak", "workaround": "Restart", "known_error": False,
                                        "known_error_at": None}
    number = response.json["number"]
    assert api("agent").post(f"/api/v1/tickets/{number}/transition", json={"status": "known_error"}).json["problem"][
        "known_error"] is True
    assert api("client_user").get(f"/api/v1/tickets/{number}").status_code == 404
