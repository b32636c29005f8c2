"""Import and export as CSV and XLSX: a dry run reports row errors, a file goes in whole or not at all."""
import io

import pytest
import sqlalchemy as sa

from app.auth.permissions import SHELL
from app.errors import Forbidden, ValidationError
from cmdb import transfer
from cmdb.models import CI, RedundancyGroup, Relation
from tests.helpers import run_jobs

GOOD = """record,class,name,organization,hostname,ip_addresses,attributes,type,target,target_organization,group,min_up
ci,switch,edge-sw-9,,,10.9.0.1,,,,,,
ci,physical_server,db-11,ACME,db-11.acme.test,192.0.2.111,"{""ram_gb"": 128}",,,,,
ci,physical_server,db-12,ACME,db-12.acme.test,192.0.2.112,,,,,,
ci,client_service,Acme DB,ACME,,,,,,,,
relation,,db-11,ACME,,,,connected_to,edge-sw-9,,,
relation,,Acme DB,ACME,,,,uses,db-11,ACME,db,
relation,,Acme DB,ACME,,,,uses,db-12,ACME,db,
group,,Acme DB,ACME,,,,,,,db,1
"""


def count(model):
    return transfer.db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_good_file_goes_in_whole(catalog, users, org_a):
    counts = transfer.import_file(users["agent"], "estate.csv", GOOD.encode())
    assert counts == {"ci": 4, "relation": 3, "group": 1}
    db11 = transfer.db.session.scalar(sa.select(CI).where(CI.name == "db-11"))
    assert db11.organization_id == org_a.id and db11.attributes == {"ram_gb": 128}
    assert count(RedundancyGroup) == 1
    # importing it again changes nothing
    transfer.import_file(users["agent"], "estate.csv", GOOD.encode())
    assert (count(CI), count(Relation)) == (4, 3)


def test_a_dry_run_reports_and_writes_nothing(catalog, users, org_a):
    assert transfer.import_file(users["agent"], "estate.csv", GOOD.encode(), dry_run=True) == {
        "ci": 4, "relation": 3, "group": 1}
    assert (count(CI), count(Relation)) == (0, 0)


def test_row_errors_are_reported_and_nothing_is_written(catalog, users, org_a):
    bad = GOOD + ("ci,toaster,t-1,ACME,,,,,,,,\n"
                  "ci,physical_server,DB-11,ACME,,,,,,,,\n"
                  "relation,,db-11,ACME,,,,uses,nowhere,ACME,,\n"
                  "relation,,db-12,ACME,,,,uses,db-12,ACME,,\n"
                  "group,,Acme DB,ACME,,,,,,,db,5\n"
                  "ci,switch,x,NOPE,,,,,,,,\n")
    with pytest.raises(ValidationError) as caught:
        transfer.import_file(users["agent"], "estate.csv", bad.encode(), dry_run=True)
    rows = caught.value.errors["rows"]
    assert rows == ["row 10: class: There is no CI class toaster.",
                    "row 11: name: DB-11 is in this file twice.",
                    "row 12: target: There is no CI nowhere here.",
                    "row 13: target: A CI cannot depend on itself.",
                    "row 14: min_up: The group db has 2 members: at least 1 and at most 2 must stay up.",
                    "row 15: organization: No organization has the code NOPE."]
    with pytest.raises(ValidationError):
        transfer.import_file(users["agent"], "estate.csv", bad.encode())
    assert (count(CI), count(Relation), count(RedundancyGroup)) == (0, 0, 0)


def test_export_and_import_round_trip_through_xlsx(catalog, users, org_a):
    transfer.import_file(users["agent"], "estate.csv", GOOD.encode())
    data = transfer.write_file("estate.xlsx", transfer.export_rows())
    rows = transfer.read_rows("estate.xlsx", data)
    assert [row["record"] for row in rows] == ["ci"] * 4 + ["relation"] * 3 + ["group"]
    assert rows[1]["attributes"] == '{"ram_gb": 128}' or rows[0]["attributes"] == '{"ram_gb": 128}'
    assert transfer.import_file(users["agent"], "estate.xlsx", data) == {"ci": 4, "relation": 3, "group": 1}
    assert (count(CI), count(Relation)) == (4, 3)
    assert transfer.read_rows("e.csv", transfer.write_file("e.csv", transfer.export_rows())) == rows


def test_clients_cannot_import(catalog, users):
    with pytest.raises(Forbidden):
        transfer.import_file(users["client_admin"], "estate.csv", GOOD.encode())


def test_the_command_line(app, catalog, org_a, tmp_path):
    path = tmp_path / "estate.csv"
    path.write_text(GOOD)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["cmdb", "import", str(path), "--dry-run"])
    assert result.exit_code == 0 and "Dry run: 4 cis, 3 relations, 1 groups would be imported" in result.output
    assert runner.invoke(args=["cmdb", "import", str(path)]).exit_code == 0
    out = tmp_path / "out.xlsx"
    assert "8 rows written" in runner.invoke(args=["cmdb", "export", str(out)]).output
    path.write_text(GOOD + "ci,toaster,t-1,ACME,,,,,,,,\n")
    result = runner.invoke(args=["cmdb", "import", str(path)])
    assert result.exit_code == 1 and "row 10: class: There is no CI class toaster." in result.output
    assert SHELL.is_staff


def test_the_import_page_checks_then_imports_and_the_export_downloads(login, catalog, org_a):
    client = login("agent")

    def send(text, dry_run):
        data = {"file": (io.BytesIO(text.encode()), "estate.csv")}
        if dry_run:
            data["dry_run"] = "y"
        return client.submit("/cmdb/import", data, content_type="multipart/form-data").get_data(as_text=True)

    assert "row 10: class: There is no CI class toaster." in send(GOOD + "ci,toaster,t-1,ACME,,,,,,,,\n", False)
    assert count(CI) == 0
    page = send(GOOD, True)
    assert "CIs: 4, relations: 3, groups: 1." in page and "Dry run: nothing was written." in page and count(CI) == 0
    assert "Imported." in send(GOOD, False) and count(CI) == 4
    response = client.get("/cmdb/export.xlsx")
    assert response.status_code == 200 and len(transfer.read_rows("x.xlsx", response.data)) == 8
    assert client.get("/cmdb/export.csv").data.startswith(b"record,class,name,organization")
    assert login("client_admin").get("/cmdb/export.csv").status_code == 403


@pytest.fixture
def small_background(app):
    """Files of more than 3 rows import as a job (the page's progress bar), for these tests."""
    app.config["CMDB_IMPORT_BACKGROUND_ROWS"] = 3
    yield
    app.config.pop("CMDB_IMPORT_BACKGROUND_ROWS")


def test_a_large_file_imports_as_a_job_whose_page_shows_its_progress(app, login, catalog, org_a, small_background):
    client = login("agent")
    response = client.submit("/cmdb/import", {"file": (io.BytesIO(GOOD.encode()), "estate.csv")},
                             content_type="multipart/form-data")
    assert response.status_code == 302 and "/cmdb/import/" in response.headers["Location"]
    page = response.headers["Location"]
    shown = client.get(page).get_data(as_text=True)
    assert "<progress" in shown and "Waiting for a worker" in shown and 'data-progress-url="' in shown
    assert client.get(f"{page}.json").get_json() == {"state": "queued", "done": 0, "total": 8, "percent": 0}
    assert count(CI) == 0
    assert run_jobs(app) == 1
    assert client.get(f"{page}.json").get_json() == {"state": "done", "done": 8, "total": 8, "percent": 100}
    shown = client.get(page).get_data(as_text=True)
    assert "CIs: 4, relations: 3, groups: 1." in shown and "Imported." in shown and "<progress" not in shown
    assert count(CI) == 4


def test_a_large_file_with_a_bad_row_writes_nothing_and_lists_it(app, login, catalog, org_a, small_background):
    client = login("agent")
    bad = GOOD + "ci,toaster,t-1,ACME,,,,,,,,\n"
    page = client.submit("/cmdb/import", {"file": (io.BytesIO(bad.encode()), "estate.csv")},
                         content_type="multipart/form-data").headers["Location"]
    run_jobs(app)
    shown = client.get(page).get_data(as_text=True)
    assert "Nothing was imported" in shown and "row 10: class: There is no CI class toaster." in shown
    assert count(CI) == 0
    assert login("client_admin").get(page).status_code == 403
    assert client.get("/cmdb/import/999999").status_code == 404
