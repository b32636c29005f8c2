"""The service catalog: typed order forms, visibility per organization, approval."""
import sqlalchemy as sa

from app.requests import catalog, services
from app.tickets.models import Ticket
from tests.helpers import text

FIELDS = """hostname | Server name | text | required | | e.g. web-03
cores | CPU cores | number | required
os | Operating system | choice | required | Debian 12, Ubuntu 24.04
needed_by | Needed by | date | optional
"""


def make_item(admin, **overrides):
    values = dict(name="New virtual server", fields=catalog.parse_fields(FIELDS), needs_approval=False)
    values.update(overrides)
    return services.save_item(admin, None, **values)


def test_field_definitions_are_checked_line_by_line():
    assert [f["type"] for f in catalog.parse_fields(FIELDS)] == ["text", "number", "choice", "date"]
    for bad, message in [("Bad Name | x | text", "Line 1"), ("a | A | colour", "the type must be"),
                         ("a | A | choice | required |", "needs its choices")]:
        try:
            catalog.parse_fields(bad)
        except ValueError as error:
            assert message in str(error)
        else:
            raise AssertionError(f"{bad!r} was accepted")


def test_admin_defines_an_item_through_the_form(login, db):
    admin = login("admin")
    response = admin.submit("/requests/catalog/new", {"name": "SSL certificate", "fields": "domain | Domain | text | required",
                                                      "active": "y", "team": ""})
    assert response.status_code == 302
    assert "SSL certificate" in text(admin.get("/requests/catalog"))
    response = admin.submit("/requests/catalog/new", {"name": "Broken", "fields": "x | X | nonsense"})
    assert "the type must be one of" in text(response)


def test_agent_orders_for_a_client_with_typed_fields(login, users, org_a, db):
    item = make_item(users["admin"])
    agent = login("agent")
    url = f"/requests/catalog/{item.id}/order"
    response = agent.submit(url, {"for-organization": str(org_a.id), "for-requester": str(users["client_user"].id),
                                  "field_hostname": "web-07", "field_cores": "many", "field_os": "Debian 12"})
    assert "Not a valid decimal value" in text(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == 0
    response = agent.submit(url, {"for-organization": str(org_a.id), "for-requester": str(users["client_user"].id),
                                  "field_hostname": "web-07", "field_cores": "4", "field_os": "Debian 12"})
    ticket = db.session.scalar(sa.select(Ticket))
    assert response.headers["Location"] == f"/tickets/{ticket.number}"
    assert ticket.kind == "request" and ticket.status == "new"
    assert ticket.request_data == {"Server name": "web-07", "CPU cores": "4", "Operating system": "Debian 12"}


def test_item_offered_to_some_organizations_only(users, org_a, org_b):
    item = make_item(users["admin"], organizations=[org_b])
    try:
        services.order(users["client_user"], item, values={})
    except Exception as error:
        assert "not offered" in str(error.errors)
    else:
        raise AssertionError("ordered an item not offered to org A")


def test_client_admin_approves_or_rejects(login, users, org_a, db):
    item = make_item(users["admin"], needs_approval=True)
    first = services.order(users["client_user"], item, values={"Server name": "db-09"})
    second = services.order(users["client_user"], item, values={"Server name": "db-10"})
    assert first.status == "awaiting_approval" and first.approval_status == "pending"
    assert login("client_user").get("/requests/approvals").status_code == 403
    assert login("other_admin").submit(f"/requests/approvals/{first.number}", {"approve": "Approve"},
                                       page="/profile").status_code == 404
    boss = login("client_admin")
    assert first.number in text(boss.get("/requests/approvals"))
    boss.submit(f"/requests/approvals/{first.number}", {"approve": "Approve"}, page="/requests/approvals")
    boss.submit(f"/requests/approvals/{second.number}", {"reject": "Reject", "comment": "Too expensive"},
                page="/requests/approvals")
    first, second = db.session.get(Ticket, first.id), db.session.get(Ticket, second.id)
    assert (first.status, first.approval_status) == ("new", "approved")
    assert (second.status, second.approval_status, second.resolution) == ("closed", "rejected", "Too expensive")
