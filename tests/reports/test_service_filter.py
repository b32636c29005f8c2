"""The SLA report narrowed to a service (the tickets linked to a service CI) or to a CI class (the
tickets linked to CIs of that class), through the CMDB's ticket ↔ CI links: on the page, in
its exports and in the API; totals still equal their drill-downs; a filter naming nothing of
the kind is a 422 that names it."""
import csv
import io

import pytest
import sqlalchemy as sa

from app.auth.permissions import SHELL
from app.extensions import db
from app.reports import daily
from app.reports import sla as report
from cmdb import links
from cmdb import services as cmdb
from cmdb.models import CIClass
from tests.reports.test_sla_report import KYIV, MARCH, _scope

API = "/api/v1/reports/sla?from=2026-03-01&to=2026-05-01"


@pytest.fixture
def linked(dataset, users, org_a, org_b):
    cmdb.seed_catalog(SHELL)
    classes = {c.code: c for c in db.session.scalars(sa.select(CIClass))}
    agent = users["agent"]
    shop = cmdb.create_ci(agent, ci_class=classes["client_service"], name="Acme Shop", organization=org_a)
    vm = cmdb.create_ci(agent, ci_class=classes["virtual_machine"], name="mail-01", organization=org_a,
                        attributes={"vcpus": 2, "ram_gb": 4})
    backup = cmdb.create_ci(agent, ci_class=classes["business_service"], name="Backup", organization=org_b)
    links.link_cis(agent, dataset["t1"], [shop, vm])  # March
    links.link_cis(agent, dataset["t2"], [shop], "not_impacted")  # ruled out: not counted
    links.link_cis(agent, dataset["t5"], [shop])  # April
    links.link_cis(agent, dataset["t3"], [backup])  # March, Globex
    return {"shop": shop.id, "vm": vm.id, "backup": backup.id, "vm_class": classes["virtual_machine"].id}


def test_a_service_counts_the_tickets_linked_to_it(linked, dataset):
    scope = _scope(KYIV, service_id=linked["shop"])
    assert not daily.covers(scope)  # a CI filter is counted from the clocks
    found = report.report(scope, "month")
    assert [(row["key"], row["tickets"]) for row in found["rows"]] == [("2026-03", 1), ("2026-04", 1)]
    assert found["total"]["first_response"] == {"met": 1, "breached": 1, "compliance": 50.0}  # T1 met, T5 late
    assert found["total"]["billable_minutes"] == 105
    assert [t.title for t in report.tickets(scope, "tickets")[1]] == ["T1 mail down", "T5 new mailbox"]
    backup = report.report(_scope(KYIV, service_id=linked["backup"]), "organization")
    assert [(row["key"], row["tickets"]) for row in backup["rows"]] == [("GLOBEX", 1)]
    assert report.report(_scope(KYIV, ci_class_id=linked["vm_class"]), "organization")["total"]["tickets"] == 1


@pytest.mark.parametrize("group", report.GROUPS)
def test_totals_under_a_service_equal_their_drill_downs(linked, group):
    found = report.report(_scope(KYIV, service_id=linked["shop"]), group)
    for name in ("tickets", "reopened", "open", "rated", "billable_minutes"):
        assert sum(row[name] for row in found["rows"]) == found["total"][name]
    for target in ("first_response", "resolution"):
        assert sum(row[target]["breached"] for row in found["rows"]) == found["total"][target]["breached"]


def test_the_page_and_its_exports_take_the_service(linked, login, users):
    users["manager"].timezone = KYIV
    db.session.commit()
    manager = login("manager")
    page = manager.get(f"/reports/sla?month=2026-03&service={linked['shop']}").get_data(as_text=True)
    assert f'<option value="{linked["shop"]}" selected>Acme Shop</option>' in page
    assert f"service={linked['shop']}" in page  # the drill-down links keep the filter
    rows = list(csv.DictReader(io.StringIO(manager.get(
        f"/reports/sla?month=2026-03&service={linked['shop']}&format=csv").get_data(as_text=True))))
    assert [(r["key"], r["tickets"]) for r in rows] == [("ACME", "1"), ("total", "1")]
    drill = manager.get(f"/reports/sla/tickets?month=2026-03&service={linked['shop']}&measure=tickets")
    assert "T1 mail down" in drill.get_data(as_text=True) and "T2 slow site" not in drill.get_data(as_text=True)
    bad = manager.get(f"/reports/sla?month=2026-03&service={linked['vm']}", headers={"Accept": "application/json"})
    assert bad.status_code == 422 and "service" in bad.get_json()["error"]["fields"]
    assert manager.get("/reports/sla?month=2026-03&ci_class=999999").status_code == 422


def test_the_api_takes_the_service_and_the_ci_class(linked, api, users):
    users["manager"].timezone = KYIV
    db.session.commit()
    client = api("manager")
    body = client.get(API + f"&service={linked['shop']}&group=month").json
    assert [(r["key"], r["tickets"]) for r in body["rows"]] == [("2026-03", 1), ("2026-04", 1)]
    assert client.get(API + f"&ci_class={linked['vm_class']}").json["total"]["tickets"] == 1
    bad = client.get(API + f"&service={linked['vm']}")
    assert bad.status_code == 422 and "service" in str(bad.json)
    assert client.get(API + "&service=abc").status_code in (400, 422)
    own = api("client_admin").get(API + f"&service={linked['backup']}").json  # Globex's service, ACME's admin
    assert own["total"]["tickets"] == 0 and own["rows"] == []


def test_the_page_filter_lists_only_services(linked, login):
    page = login("manager").get(f"/reports/sla?month={MARCH.strftime('%Y-%m')}").get_data(as_text=True)
    select = page.split('id="f-service"')[1].split("</select>")[0]
    assert "Acme Shop" in select and "Backup" in select and "mail-01" not in select
