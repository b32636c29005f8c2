"""The SLA report page, its exports and drill-downs, and the manager's dashboard, as a manager
sees them (and nobody else)."""
import csv
import io

from openpyxl import load_workbook

from app.auth.models import User
from app.reports import rollup
from app.tickets import services as tickets
from sla import escalation
from tests.helpers import run_jobs, text

MARCH = "/reports/sla?period=month&month=2026-03"


def _as(login, users, who, zone="Europe/Kyiv", locale="en"):
    from app.extensions import db

    users[who].timezone, users[who].locale = zone, locale
    db.session.commit()
    return login(who)


def test_the_report_page_shows_the_months_numbers_and_links_them(dataset, login, users):
    manager = _as(login, users, "manager")
    page = text(manager.get(MARCH + "&group=organization"))
    assert "Acme Hosting Clients" in page and "Globex Corporation" in page
    assert "66.7 %" in page and "50 %" in page and "1,242" in page  # the total, ACME's first response, the p90
    assert "T3" in page.split('id="breaches"')[1] and "T5" not in page.split('id="breaches"')[1]
    html = manager.get(MARCH + "&group=organization").get_data(as_text=True)
    april = text(manager.get("/reports/sla?month=2026-04&group=month"))
    assert "Oldest open, days" in april and "19.4" in april  # T4 opened 19 days 10.5 hours before 20 April noon
    assert "/reports/sla/tickets?measure=first_response_breached" in html
    drill = text(manager.get("/reports/sla/tickets?measure=first_response_breached&period=month&month=2026-03"))
    assert "1 ticket" in drill and "T2 slow site" in drill and "T1 mail down" not in drill
    assert "<svg" in html and 'class="bar bar-0"' in html  # the trend, drawn on the server
    assert 'href="/reports/monthly/ACME?month=2026-03"' in html  # the client's report, before it goes out


def test_the_same_page_in_ukrainian_and_utc(dataset, login, users):
    manager = _as(login, users, "manager", zone="UTC", locale="uk")
    page = text(manager.get(MARCH + "&group=month"))
    assert "75 %" in page  # T4 belongs to March in UTC
    assert "1 242" in page.replace("\u00a0", " ")  # the Ukrainian thousands separator


def test_exports_hold_the_same_numbers(dataset, login, users):
    manager = _as(login, users, "manager")
    rows = list(csv.DictReader(io.StringIO(manager.get(MARCH + "&group=organization&format=csv").get_data(as_text=True))))
    assert [r["key"] for r in rows] == ["ACME", "GLOBEX", "total"]
    assert rows[2]["first_response_compliance"] == "66.7" and rows[2]["p90_resolution_minutes"] == "1242.0"
    book = load_workbook(io.BytesIO(manager.get(MARCH + "&group=organization&format=xlsx").data))
    assert book.sheetnames == ["organization", "month", "breaches"]
    sheet = [list(r) for r in book["organization"].iter_rows(values_only=True)]
    header = sheet[0]
    assert sheet[3][header.index("first_response_compliance")] == 66.7
    assert sheet[1][header.index("median_first_response_minutes")] == 50.0
    assert [r[0] for r in book["breaches"].iter_rows(values_only=True)][1:] == ["INC-3", "INC-2"]
    breaches = manager.get(MARCH + "&format=csv&table=breaches").get_data(as_text=True)
    assert "INC-3" in breaches and "resolution" in breaches


def test_bad_input_is_named_and_only_managers_read(dataset, login, users):
    manager = _as(login, users, "manager")
    response = manager.get("/reports/sla?month=2026-13&priority=9&group=nope", headers={"Accept": "application/json"})
    assert response.status_code == 422
    assert {"month", "priority", "group"} <= set(response.get_json()["error"]["fields"])
    assert manager.get("/reports/sla?from=2026-03-05&to=2026-03-01").status_code == 422
    for who in ("agent", "client_admin"):
        assert login(who).get("/reports/sla").status_code == 403
        assert login(who).get("/reports/").status_code == 403


def test_the_dashboard_counts_and_drills(app, dataset, login, users, clock, db, mailbox):
    manager = _as(login, users, "manager")
    acme, globex = users["client_user"].id, users["other_user"].id
    escalation.sweep(clock.now)  # 20 April: T4's and T5's resolution, overdue since early April
    run_jobs(app)  # the sweep enqueues, the jobs fire
    clock.at(2026, 4, 21, 9, 0)
    tickets.create_ticket(db.session.get(User, acme), kind="incident", title="T6 nobody answers")
    clock.at(2026, 4, 21, 10, 0)
    tickets.create_ticket(db.session.get(User, globex), kind="incident", title="T7 due at eleven")
    clock.at(2026, 4, 21, 10, 30)
    escalation.sweep(clock.now)  # T6's first response is 30 minutes late
    run_jobs(app)
    rollup.refresh(clock.now)
    html = manager.get("/reports/").get_data(as_text=True)
    page = text(manager.get("/reports/"))
    assert "Breached today" in page and "Open backlog by team and priority" in page
    assert 'href="/reports/dashboard/tickets?tile=breached_today">1</a>' in html
    assert 'href="/reports/dashboard/tickets?tile=soon">1</a>' in html
    drill = text(manager.get("/reports/dashboard/tickets?tile=breached_today"))
    assert "1 ticket" in drill and "T6 nobody answers" in drill
    assert "T7 due at eleven" in text(manager.get("/reports/dashboard/tickets?tile=soon"))
    assert 'href="/reports/dashboard/tickets?tile=breached_today&amp;priority=3">1</a>' in html  # T6 is a P3
    assert "1 ticket" in text(manager.get("/reports/dashboard/tickets?tile=breached_today&priority=3"))
    assert "0 tickets" in text(manager.get("/reports/dashboard/tickets?tile=breached_today&priority=1"))
    backlog = text(manager.get("/reports/dashboard/tickets?tile=backlog&team=none"))
    assert "4 tickets" in backlog  # T4, T5, T6, T7
    assert "T6 nobody answers" in text(manager.get("/reports/dashboard/tickets?tile=created&day=2026-04-21"))
    assert manager.get("/reports/dashboard/tickets?tile=created").status_code == 422

