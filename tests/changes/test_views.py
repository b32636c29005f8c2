"""Changes in the browser's HTTP: the ticket page's change panel, the change form, the CAB's
queue, the calendar with its conflicts and maintenance windows, and the client's planned work."""
from datetime import UTC, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from app.changes import services
from app.changes.models import ChangeApproval, MaintenanceWindow
from app.tickets import services as tickets
from app.tickets.models import Ticket
from tests.changes.conftest import SUNDAY_2AM_KYIV, make_change, plan, to_cab
from tests.helpers import text


def test_the_change_page_shows_the_plan_and_the_cab(login, users, change, cab):
    page = text(login("manager").get(f"/tickets/{change.number}"))
    assert 'id="change-panel"' in page and "Upgrade the exporter on mon-01." in page
    assert "0 of 2 needed" in page and 'name="decision-approve"' in page
    page = text(login("agent").get(f"/tickets/{change.number}"))
    assert 'name="decision-approve"' not in page  # not a CAB member
    for status in ("approved", "rejected", "implementing"):
        assert f'data-transition="{status}"' not in page


def test_the_cab_decides_from_its_queue_with_a_comment(login, users, change, cab, db):
    manager = login("manager")
    assert change.number in text(manager.get("/changes/approvals"))
    response = manager.submit(f"/changes/{change.number}/decision", {"decision-approve": "Approve", "decision-comment": "",
                                                                     "next": "queue"}, page="/changes/approvals")
    assert response.status_code == 302
    assert "Say why" in text(manager.get("/changes/approvals"))
    manager.submit(f"/changes/{change.number}/decision", {"decision-approve": "Approve", "decision-comment": "Sound plan",
                                                          "next": "queue"}, page="/changes/approvals")
    assert f'href="/tickets/{change.number}"' not in text(manager.get("/changes/approvals"))
    admin = login("admin")
    admin.submit(f"/changes/{change.number}/decision", {"decision-approve": "Approve", "decision-comment": "OK"},
                 page="/changes/approvals")
    assert db.session.get(Ticket, change.id).status == "approved"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ChangeApproval)) == 2


def test_the_change_form_refuses_an_end_before_the_start(login, users, org_a, db):
    agent = login("agent")
    form = {"organization": str(org_a.id), "title": "Move the VM to a new host", "change_type": "normal", "risk": "",
            "downtime": "y", "planned_start": "2030-06-02T02:00", "planned_end": "2030-06-02T01:00", "team": ""}
    response = agent.submit("/changes/new", form)
    assert response.status_code == 200 and "The planned end must come after its start." in text(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == 0
    response = agent.submit("/changes/new", {**form, "planned_end": "2030-06-02T04:00"})
    change = db.session.scalar(sa.select(Ticket))
    assert response.headers["Location"] == f"/tickets/{change.number}"
    detail = change.change_detail
    assert (detail.risk, detail.planned_start) == ("medium", datetime(2030, 6, 1, 23, 0, tzinfo=UTC))  # Kyiv is UTC+3
    response = agent.submit(f"/changes/{change.number}/edit", {**form, "planned_end": "2030-06-02T05:00", "risk": "high"})
    assert response.status_code == 302
    assert db.session.get(Ticket, change.id).change_detail.risk == "high"


def test_the_calendar_flags_conflicts_and_work_outside_the_window(login, users, org_a, org_b, db):
    services.add_window(users["manager"], org_a, weekday=6, start_time=time(2), duration_minutes=180)
    inside = make_change(users["agent"], org_a, title="Inside the window")
    clash = make_change(users["agent"], org_a, title="Same night, same client",
                        **plan(planned_start=SUNDAY_2AM_KYIV + timedelta(hours=1),
                               planned_end=SUNDAY_2AM_KYIV + timedelta(hours=4)))
    elsewhere = make_change(users["agent"], org_b, title="Same night, another client")
    for change in (inside, clash, elsewhere):
        tickets.transition(users["agent"], change, "submitted")
    whole = text(login("manager").get("/changes/calendar?day=2030-06-02"))
    page, agenda = whole.split('id="change-agenda"')  # the week's grid; the phone's agenda of the same days
    for change in (inside, clash, elsewhere):
        assert change.number in page and change.number in agenda
    assert agenda.count("conflict with") == 2 and agenda.count('badge text-bg-warning">') == 1
    assert f"conflict with {clash.number}" in page and f"conflict with {inside.number}" in page
    assert page.count("conflict with") == 2  # the other client's change overlaps, but on nobody shared
    assert page.count('badge text-bg-warning">') == 2  # clash runs past 05:00 (+ the legend)
    filtered = text(login("manager").get(f"/changes/calendar?day=2030-06-02&organization={org_b.id}"))
    assert elsewhere.number in filtered and inside.number not in filtered
    month = text(login("manager").get("/changes/calendar?view=month&day=2030-06-15&risk=low"))
    assert inside.number in month


def test_managers_keep_the_windows_and_the_policy(login, users, org_a, db):
    manager = login("manager")
    response = manager.submit("/changes/windows", {"window-organization": str(org_a.id), "window-weekday": "6",
                                                   "window-start_time": "02:00", "window-hours": "3",
                                                   "window-timezone": "Europe/Kyiv"})
    assert response.status_code == 302
    window = db.session.scalar(sa.select(MaintenanceWindow))
    assert (window.weekday, window.start_time, window.duration_minutes) == (6, time(2), 180)
    assert "Sunday 02:00" in text(manager.get("/changes/windows"))
    manager.submit(f"/changes/windows/{window.id}/retire", page="/changes/windows")
    assert not db.session.get(MaintenanceWindow, window.id).active
    response = manager.submit("/changes/policy", {"approvals_low": "1", "approvals_medium": "1", "approvals_high": "3"})
    assert response.status_code == 302
    assert login("agent").get("/changes/policy").status_code == 403
    assert login("agent").get("/changes/windows").status_code == 403


def test_a_standard_change_from_a_template(login, users, org_a, db):
    template = services.save_template(users["manager"], None, name="Renew a certificate", title="Renew the TLS cert",
                                      implementation_plan="certbot renew", backout_plan="Old cert stays")
    agent = login("agent")
    assert "Renew a certificate" in text(agent.get("/changes/templates"))
    response = agent.submit(f"/changes/new?template={template.id}", {
        "organization": str(org_a.id), "title": "Renew the TLS cert", "risk": "", "planned_start": "2030-06-02T02:00",
        "planned_end": "2030-06-02T02:30", "implementation_plan": "certbot renew", "backout_plan": "Old cert stays"})
    assert response.status_code == 302
    change = db.session.scalar(sa.select(Ticket))
    assert change.change_detail.change_type == "standard" and change.change_detail.template_id == template.id


def test_managers_edit_and_retire_a_template(login, users, org_a, db):
    template = services.save_template(users["manager"], None, name="Renew a certificate", title="Renew the TLS cert",
                                      implementation_plan="certbot renew", backout_plan="Old cert stays")
    manager = login("manager")
    form = text(manager.get(f"/changes/templates?edit={template.id}"))
    assert "certbot renew" in form
    response = manager.submit(f"/changes/templates?edit={template.id}", {
        "template-name": "Renew a certificate", "template-title": "Renew the TLS cert", "template-risk": "low",
        "template-implementation_plan": "certbot renew --force-renewal", "template-backout_plan": "Old cert stays"})
    assert response.status_code == 302
    db.session.expire_all()
    assert template.implementation_plan == "certbot renew --force-renewal"
    assert login("agent").get(f"/changes/templates?edit={template.id}").status_code == 200  # agents only read
    assert login("agent").submit(f"/changes/templates/{template.id}/retire", page="/changes/templates").status_code == 403

    manager.submit(f"/changes/templates/{template.id}/retire", page="/changes/templates", follow_redirects=True)
    db.session.expire_all()
    assert not template.active and "Renew a certificate" not in text(manager.get("/changes/templates"))
    refused = login("agent").submit(f"/changes/new?template={template.id}", {
        "organization": str(org_a.id), "title": "Renew the TLS cert", "planned_start": "2030-06-02T02:00",
        "planned_end": "2030-06-02T02:30", "implementation_plan": "certbot renew", "backout_plan": "Old cert stays"})
    assert "no longer offered" in text(refused)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == 0


@pytest.mark.parametrize("who", ["client_user", "client_admin"])
def test_clients_see_only_the_planned_work_card(login, users, org_a, org_b, change, cab, who, db):
    services.decide(users["manager"], change, "approve", "Yes")
    services.decide(users["admin"], change, "approve", "Yes")
    other = to_cab(users["agent"], make_change(users["agent"], org_b, title="Globex secret work",
                                               client_summary="Globex secret summary", risk="medium"))
    services.decide(users["manager"], other, "approve", "Yes")
    services.decide(users["admin"], other, "approve", "Yes")
    client = login(who)
    home = text(client.get("/", follow_redirects=True))
    assert 'id="planned-work"' in home and "Monitoring agent upgrade, no downtime." in home
    assert "Sunday, 2 June 2030, 02:00 – 04:00" in home  # in Kyiv time, the client's default zone
    assert "Globex secret" not in home and change.number not in home
    for url in (f"/tickets/{change.number}", "/changes/calendar", "/changes/approvals", f"/changes/{change.number}/edit",
                "/changes/templates", "/changes/new"):
        assert client.get(url).status_code in (403, 404), url


def test_planned_work_ends_when_its_window_ends(users, org_a, change, cab, db):
    from app.changes.queries import planned_work

    services.decide(users["manager"], change, "approve", "Yes")
    services.decide(users["admin"], change, "approve", "Yes")
    assert [t.number for t, _ in planned_work(org_a)] == [change.number]
    change.change_detail.planned_start = datetime(2020, 1, 1, tzinfo=UTC)
    change.change_detail.planned_end = datetime(2020, 1, 1, 2, tzinfo=UTC)
    db.session.commit()
    assert planned_work(org_a) == []


def test_the_review_of_a_successful_change_proposes_resolving_its_problem(login, users, org_a, cab, db):
    from app.problems import services as problems
    from tests.factories import make_ticket

    problem = make_ticket(users["agent"], kind="problem", organization=org_a, title="Exporter hangs")
    incidents = [make_ticket(users["client_user"], title=f"No graphs {i}") for i in range(2)]
    problems.gather_incidents(users["agent"], problem, incidents)
    change = services.raise_from_problem(users["agent"], problem)
    services.update_change(users["agent"], change, risk="low", **plan())
    to_cab(users["agent"], change)
    services.decide(users["manager"], change, "approve", "Go")
    for status in ("scheduled", "implementing", "review"):
        tickets.transition(users["agent"], change, status)
    manager = login("manager")
    page = f"/tickets/{change.number}"
    assert 'id="review"' in text(manager.get(page)) and 'id="resolve-problems"' not in text(manager.get(page))
    manager.submit(f"/changes/{change.number}/review", {"review-outcome": "successful", "review-lessons": "Went fine",
                                                        "review-caused": ""}, page=page)
    shown = text(manager.get(page))
    assert 'id="resolve-problems"' in shown and problem.number in shown
    response = manager.submit(f"/changes/{change.number}/resolve-problems",
                              {"resolve-message": "The exporter is fixed for good."}, page=page)
    assert response.status_code == 302
    assert [db.session.get(Ticket, t.id).status for t in (*incidents, problem)] == ["resolved"] * 3
    from app.tickets.models import Message

    told = db.session.scalars(sa.select(Message.body_text).where(Message.ticket_id == incidents[0].id,
                                                                 Message.internal.is_(False))).all()
    assert told == ["The exporter is fixed for good."]  # a public reply: the requester reads it
