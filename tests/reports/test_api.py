"""GET /api/v1/reports/sla: the issue's shape, the same numbers as the page, CSV and XLSX; staff
read every organization, a client administrator only their own, a client user nothing."""
import csv
import io

from openpyxl import load_workbook

from app.extensions import db

URL = "/api/v1/reports/sla?from=2026-03-01&to=2026-04-01"


def _zone(users, who, zone):
    users[who].timezone = zone
    db.session.commit()


def test_staff_read_every_organization_in_the_issues_shape(dataset, api, users):
    _zone(users, "agent", "Europe/Kyiv")
    answer = api("agent").get(URL + "&group=organization")
    assert answer.status_code == 200
    body = answer.json
    acme, globex = body["rows"]
    assert (acme["key"], acme["label"], acme["tickets"]) == ("ACME", "Acme Hosting Clients", 2)
    assert acme["first_response"] == {"met": 1, "breached": 1, "compliance": 50.0}
    assert acme["median_first_response_minutes"] == 50.0 and globex["p90_resolution_minutes"] == 1500.0
    assert (globex["reopened"], globex["csat"]) == (1, 2.0)
    assert body["total"]["resolution"] == {"met": 2, "breached": 1, "compliance": 66.7}
    assert "key" not in body["total"]
    months = api("agent").get("/api/v1/reports/sla?from=2026-03-01&to=2026-05-01&group=month").json
    assert [(r["key"], r["tickets"]) for r in months["rows"]] == [("2026-03", 3), ("2026-04", 2)]
    _zone(users, "manager", "UTC")
    utc = api("manager").get("/api/v1/reports/sla?from=2026-03-01&to=2026-05-01&group=month").json
    assert [(r["key"], r["tickets"]) for r in utc["rows"]] == [("2026-03", 4), ("2026-04", 1)]
    assert api("agent").get(URL + "&team=0&group=priority").json["total"]["tickets"] == 0
    assert api("agent").get(URL + "&kind=incident&priority=2").json["total"]["tickets"] == 1


def test_csv_and_xlsx_hold_the_json_numbers(dataset, api, users):
    client = api("manager")
    rows = list(csv.DictReader(io.StringIO(client.get(URL + "&format=csv").get_data(as_text=True))))
    assert [r["key"] for r in rows] == ["ACME", "GLOBEX", "total"]
    assert rows[0]["first_response_compliance"] == "50.0" and rows[2]["tickets"] == "3"
    answer = client.get(URL + "&format=xlsx&group=priority")
    assert answer.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = list(load_workbook(io.BytesIO(answer.data))["priority"].iter_rows(values_only=True))
    assert [row[0] for row in sheet[1:]] == [2, 3, "total"]


def test_a_client_admin_reads_only_their_organization(dataset, api, users):
    client = api("client_admin")  # ACME's
    own = client.get(URL + "&group=organization").json
    assert [row["key"] for row in own["rows"]] == ["ACME"] and own["total"]["tickets"] == 2
    assert client.get(URL + "&organization=ACME").json["total"]["tickets"] == 2
    foreign, missing = client.get(URL + "&organization=GLOBEX"), client.get(URL + "&organization=NOPE")
    assert (foreign.status_code, foreign.json) == (404, missing.json)
    assert api("client_user").get(URL).status_code == 403
    assert api("client_user").get(URL + "&organization=GLOBEX").status_code == 403


def test_bad_input_names_the_fields(dataset, api):
    answer = api("agent").get("/api/v1/reports/sla?from=2026-04-01&to=2026-03-01&group=nope&priority=7")
    assert answer.status_code == 422
    assert set(answer.json["error"]["fields"]) == {"group", "priority"}
    backwards = api("agent").get("/api/v1/reports/sla?from=2026-04-01&to=2026-03-01")
    assert set(backwards.json["error"]["fields"]) == {"to"}
    assert set(api("agent").get("/api/v1/reports/sla").json["error"]["fields"]) == {"from", "to"}
