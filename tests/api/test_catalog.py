"""Ordering from the service catalog through the API: the same typed checks as the web form."""
import sqlalchemy as sa

from app.requests import catalog, services
from app.tickets.models import Ticket

FIELDS = "hostname | Server name | text | required\ncores | CPU cores | number | required\n" \
         "os | Operating system | choice | optional | Debian 12, Ubuntu 24.04"


def test_client_lists_and_orders_an_item(api, users, org_a, org_b, db):
    item = services.save_item(users["admin"], None, name="Virtual server", fields=catalog.parse_fields(FIELDS),
                              needs_approval=True)
    services.save_item(users["admin"], None, name="Globex only", fields=[], organizations=[org_b])
    client = api("client_user")
    listed = client.get("/api/v1/catalog").json["items"]
    assert [i["name"] for i in listed] == ["Virtual server"]
    assert [f["name"] for f in listed[0]["fields"]] == ["hostname", "cores", "os"]
    response = client.post(f"/api/v1/catalog/{item.id}/orders", json={"values": {"hostname": "web-09", "cores": 4}})
    assert response.status_code == 201
    ticket = db.session.scalar(sa.select(Ticket).where(Ticket.number == response.json["number"]))
    assert (ticket.kind, ticket.status) == ("request", "awaiting_approval")
    assert ticket.request_data == {"Server name": "web-09", "CPU cores": "4"}


def test_bad_values_name_each_field_and_create_nothing(api, users, db):
    item = services.save_item(users["admin"], None, name="Virtual server", fields=catalog.parse_fields(FIELDS))
    response = api("client_user").post(f"/api/v1/catalog/{item.id}/orders",
                                       json={"values": {"cores": "many", "os": "Windows 95", "colour": "red"}})
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"values.hostname", "values.cores", "values.os", "values.colour"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == 0


def test_an_item_not_offered_is_a_404(api, users, org_b):
    item = services.save_item(users["admin"], None, name="Globex only", fields=[], organizations=[org_b])
    assert api("client_user").post(f"/api/v1/catalog/{item.id}/orders", json={}).status_code == 404
    assert api("other_user").post(f"/api/v1/catalog/{item.id}/orders", json={}).status_code == 201
