"""An organization's contract hours per month: set on its edit form (checked, nothing changes on
bad input), shown against the billable time logged on the monthly report, its mail, the
organization's page and the managers' dashboard — and over-use called out."""
import re

import pytest

from app.extensions import db
from app.orgs import services as orgs
from app.orgs.models import Organization
from app.orgs.overview import contract_use
from app.reports import monthly
from tests.helpers import form_values, text


def _contract(org, minutes):
    org.contract_minutes = minutes
    db.session.commit()


def test_contract_use_counts_what_is_left_and_over():
    assert contract_use(None, 90) is None
    assert contract_use(600, 450) == {"included_minutes": 600, "used_minutes": 450, "left_minutes": 150,
                                      "over_minutes": 0, "over": False, "percent": 75.0}
    over = contract_use(600, 690)
    assert (over["over"], over["over_minutes"], over["left_minutes"], over["percent"]) == (True, 90, 0, 115.0)
    assert contract_use(0, 0)["percent"] is None and contract_use(0, 5)["over"]


def test_the_edit_form_saves_hours_as_minutes(login, org_a):
    admin = login("admin")
    page = f"/organizations/{org_a.id}/edit"
    values = form_values(admin.get(page).get_data(as_text=True), having="code")
    assert values["contract_hours"] == ""
    response = admin.post(page, data={**values, "contract_hours": "12.5"})
    assert response.status_code in (302, 303)
    db.session.expire_all()
    assert db.session.get(Organization, org_a.id).contract_minutes == 750
    shown = form_values(admin.get(page).get_data(as_text=True), having="code")
    assert shown["contract_hours"] == "12.50"
    admin.post(page, data={**shown, "contract_hours": ""})
    db.session.expire_all()
    assert db.session.get(Organization, org_a.id).contract_minutes is None


@pytest.mark.parametrize("bad", ["-1", "many", "100001"])
def test_bad_hours_are_a_form_error_and_change_nothing(login, org_a, bad):
    _contract(org_a, 600)
    admin = login("admin")
    page = f"/organizations/{org_a.id}/edit"
    values = form_values(admin.get(page).get_data(as_text=True), having="code")
    response = admin.post(page, data={**values, "contract_hours": bad, "name": "Renamed"})
    assert response.status_code in (200, 422)
    assert "is-invalid" in response.get_data(as_text=True)
    db.session.expire_all()
    org = db.session.get(Organization, org_a.id)
    assert (org.contract_minutes, org.name) == (600, "Acme Hosting Clients")


def test_the_service_checks_the_minutes_and_keeps_them_when_not_given(users, org_a):
    _contract(org_a, 600)
    orgs.update_organization(users["admin"], org_a, code="ACME", name="Acme Hosting Clients")
    assert org_a.contract_minutes == 600
    with pytest.raises(orgs.ValidationError) as error:
        orgs.update_organization(users["admin"], org_a, code="ACME", name="Acme", contract_minutes=-5)
    assert "contract_hours" in error.value.errors
    db.session.rollback()
    assert db.session.get(Organization, org_a.id).contract_minutes == 600


def test_the_monthly_report_shows_used_against_included(dataset, login, users, mailbox, org_a):
    _contract(org_a, 30)  # half an hour; March's billable time is T1's hour
    page = text(login("client_admin").get("/portal/reports/monthly?month=2026-03"))
    contract = page.split('id="monthly-contract"')[1]
    assert "1 h used of 0.5 h included (200 %)" in contract and "Over by 0.5 h" in contract
    _contract(org_a, 600)
    contract = text(login("client_admin").get("/portal/reports/monthly?month=2026-03")).split('id="monthly-contract"')[1]
    assert "1 h used of 10 h included (10 %)" in contract and "9 h left" in contract
    other = text(login("other_admin").get("/portal/reports/monthly?month=2026-03"))
    assert "included" not in other.split('id="monthly-time"')[1]  # Globex has no contract hours
    _contract(org_a, 30)
    monthly.mail_monthly_report(org_a.id, "2026-03-01")  # a job: the session ends with it
    acme = mailbox.body(next(m for m in mailbox.messages if m["To"] == "boss@acme.test"))
    assert "Time used: 1.0 h of 0.5 h included (over by 0.5 h)" in acme


def test_the_organization_page_and_the_dashboard_show_over_use(dataset, login, users, org_a, org_b):
    _contract(org_a, 15)  # April (the fixture's today): T5's 45 billable minutes
    _contract(org_b, 600)
    page = text(login("manager").get(f"/organizations/{org_a.id}"))
    assert "0.8 h used of 0.2 h included (300 %)" in page.split('id="org-contract"')[1]
    assert "No contract hours set." not in page
    html = login("manager").get("/reports/").get_data(as_text=True)
    tile = " ".join(re.sub(r"<[^>]+>", " ", html.split('id="tile-contracts"')[1]).split())  # as read
    assert "1 of 2 organizations are over their hours" in tile
    assert tile.index("Acme Hosting Clients") < tile.index("Globex Corporation")  # the most used first
    assert "Over by 0.5 h" in tile and "0 h used of 10 h included (0 %)" in tile
    assert 'href="/reports/monthly/ACME?month=2026-04"' in html
    _contract(org_a, None)
    _contract(org_b, None)
    assert "No organization has contract hours set." in text(login("manager").get("/reports/"))
