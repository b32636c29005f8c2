"""Canned responses with placeholders; the monthly time report for billing."""
import csv
import io
from datetime import date

from app.tickets import canned, relations
from tests.factories import make_ticket
from tests.helpers import text


def test_canned_response_fills_its_placeholders_on_the_ticket_page(login, users, team):
    manager = login("manager")
    manager.submit("/canned/new", {"title": "Need logs", "team": str(team.id), "active": "y",
                                   "body": "Hello {requester}, about {ticket}: please send the logs. — {agent}"})
    ticket = make_ticket(users["client_user"])
    page = text(login("agent").get(f"/tickets/{ticket.number}"))
    assert f"Hello User, about {ticket.number}: please send the logs. — Agent" in page
    assert canned.available_to(users["client_user"]) == []  # not in the team: sees only answers for everyone


def test_canned_responses_are_managed_by_managers_only(login):
    assert login("agent").get("/canned/").status_code == 403
    response = login("manager").submit("/canned/new", {"title": "", "body": ""})
    assert "This field is required." in text(response)


def test_monthly_time_report_as_csv(login, users, org_a, org_b):
    first = make_ticket(users["agent"], organization=org_a)
    second = make_ticket(users["agent"], organization=org_b)
    relations.log_time(users["agent"], first, minutes=90, work_date=date(2026, 10, 3))
    relations.log_time(users["agent"], first, minutes=30, billable=False, work_date=date(2026, 10, 4))
    relations.log_time(users["agent"], second, minutes=15, work_date=date(2026, 9, 30))
    manager = login("manager")
    response = manager.get("/reports/time?month=2026-10&format=csv")
    rows = list(csv.DictReader(io.StringIO(text(response))))
    assert rows == [{"month": "2026-10", "organization_code": "ACME", "organization": "Acme Hosting Clients",
                     "tickets": "1", "billable_minutes": "90", "total_minutes": "120"}]
    assert "attachment" in response.headers["Content-Disposition"]
    assert login("agent").get("/reports/time").status_code == 403
    assert manager.get("/reports/time?month=2026-13").status_code == 422
