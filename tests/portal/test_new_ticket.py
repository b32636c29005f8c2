"""A client writes a ticket in the portal: the guided form, its checks, the
"already reported?" suggestion and the acknowledgement mail."""
import io

import sqlalchemy as sa

from app.tickets import services
from app.tickets.models import Attachment, Link, Message, Ticket
from tests.factories import ELF, PNG, make_ticket
from tests.helpers import run_jobs, text

GOOD = {"affected_system": "web-01", "title": "web-01: nginx answers 502 since 10:00", "category": "network",
        "urgency": "2", "description": "Since 10:00 every page of shop.example.com answers 502. Ping is fine."}


def post_new(client, files=(), **overrides):
    data = {**GOOD, **overrides}
    data["attachments"] = [(io.BytesIO(content), name) for name, content in files]
    data["csrf_token"] = client.csrf_token("/portal/new")
    return client.post("/portal/new", data=data, content_type="multipart/form-data")


def count(model) -> int:
    return Ticket.query.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_client_opens_a_ticket_with_two_files_and_gets_the_acknowledgement(app, login, users, mailbox, db):
    client = login("client_user")
    response = post_new(client, files=[("screen.png", PNG), ("mtr.txt", b"HOST: web-01  Loss%  Snt\n 1. gw  0.0%  10\n")])
    assert response.status_code == 302
    ticket = db.session.scalar(sa.select(Ticket))
    assert response.headers["Location"].endswith(f"/portal/tickets/{ticket.number}")
    assert (ticket.kind, ticket.via, ticket.category, ticket.affected_system) == ("incident", "portal", "network", "web-01")
    assert ticket.requester == users["client_user"] and ticket.organization == users["client_user"].organization
    assert sorted(a.filename for a in ticket.attachments) == ["mtr.txt", "screen.png"]

    page = text(client.get(f"/portal/tickets/{ticket.number}"))
    assert "screen.png" in page and "nginx answers 502" in page
    assert f"Your ticket {ticket.number} has been received" in page  # the number, told from what was written

    run_jobs(app)
    [mail] = mailbox.messages
    assert mail["To"] == users["client_user"].email
    assert mail["Subject"] == f"[{ticket.number}] We received your ticket: {ticket.title}"
    assert f"/portal/tickets/{ticket.number}" in mailbox.body(mail)


def test_the_portal_refuses_a_vague_ticket_and_keeps_what_was_typed(login, db):
    client = login("client_user")
    cases = [
        ({"title": ""}, "title", "a few words"),
        ({"title": "Help"}, "title", "a few words"),
        ({"description": "Broken."}, "description", "at least 20 characters"),
        ({"category": ""}, "category", "Choose what the problem is about"),
    ]
    for overrides, field, message in cases:
        response = post_new(client, **overrides)
        assert response.status_code == 200, field
        page = text(response)
        assert message in page, field
        assert "shop.example.com" in page  # nothing typed is lost
    response = post_new(client, files=[("tool.png", ELF)])
    assert "tool.png is a file of a kind that is not accepted" in text(response)
    assert count(Ticket) == 0 and count(Attachment) == 0


def test_a_too_large_file_is_refused(app, login, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", 1024)
    response = post_new(login("client_user"), files=[("big.log", b"x" * 2048)])
    assert "big.log is larger than" in text(response)
    assert count(Ticket) == 0


def test_similar_open_tickets_of_the_own_organization_are_suggested(login, users, db):
    ours = make_ticket(users["client_admin"], title="web-01 nginx returns 502 errors",
                       description="The shop on web-01 gives 502 Bad Gateway.")
    closed = make_ticket(users["client_admin"], title="web-01 nginx 502 errors last year")
    services.transition(users["client_admin"], closed, "closed")
    theirs = make_ticket(users["other_user"], title="web-01 nginx returns 502 errors")
    unrelated = make_ticket(users["client_admin"], title="Backup of db-02 failed")

    client = login("client_user")
    found = client.get("/portal/similar", query_string={"title": "nginx on web-01: 502", "description": "Bad Gateway"}).json
    assert [t["number"] for t in found] == [ours.number]
    assert {closed.number, theirs.number, unrelated.number}.isdisjoint(t["number"] for t in found)
    assert client.get("/portal/similar", query_string={"title": "help"}).json == []


def test_add_my_message_to_the_existing_ticket_instead(login, users, db):
    existing = make_ticket(users["client_admin"], title="web-01 nginx returns 502 errors")
    response = post_new(login("client_user"), files=[("screen.png", PNG)], add_to=existing.number)
    assert response.status_code == 302 and existing.number in response.headers["Location"]
    assert count(Ticket) == 1
    message = db.session.scalar(sa.select(Message).where(Message.ticket_id == existing.id))
    assert "nginx answers 502" in message.body_text and message.author == users["client_user"]
    assert [a.filename for a in message.attachments] == ["screen.png"]


def test_add_to_a_ticket_of_another_organization_is_refused(login, users, db):
    theirs = make_ticket(users["other_user"], title="Globex web-01 is down")
    response = post_new(login("client_user"), add_to=theirs.number)
    assert "no longer open" in text(response)
    assert count(Message) == 0 and count(Ticket) == 1


def test_a_new_ticket_can_continue_an_old_one(login, users, db):
    old = make_ticket(users["client_user"], title="web-01 disk full again")
    services.transition(users["client_user"], old, "closed")
    client = login("client_user")
    assert "web-01 disk full again" in text(client.get(f"/portal/new?follow_up={old.number}"))
    assert post_new(client, follow_up=old.number).status_code == 302
    new = db.session.scalar(sa.select(Ticket).where(Ticket.id != old.id))
    link = db.session.scalar(sa.select(Link))
    assert (link.source_id, link.target_id, link.kind) == (new.id, old.id, "related")


def test_category_hints_are_shown_in_the_clients_language(login, users, db):
    users["client_user"].locale = "uk"
    db.session.commit()
    page = text(login("client_user").get("/portal/new"))
    assert "Вставте вивід ping, traceroute або mtr" in page and "Шість коротких кроків" in page


def test_a_client_orders_from_the_services_offered_to_the_organization(login, users, org_a, org_b, db):
    from app.requests import catalog
    from app.requests import services as ordering

    fields = catalog.parse_fields("hostname | Server name | text | required\ncores | CPU cores | number | required")
    ours = ordering.save_item(users["admin"], None, name="New virtual server", fields=fields, needs_approval=True)
    theirs = ordering.save_item(users["admin"], None, name="Globex-only backup", fields=[], organizations=[org_b])
    client = login("client_user")
    page = text(client.get("/portal/services"))
    assert "New virtual server" in page and "Globex-only backup" not in page
    assert client.get(f"/portal/services/{theirs.id}").status_code == 404

    missing = client.submit(f"/portal/services/{ours.id}", {"field_hostname": "app-05"})
    assert missing.status_code == 200 and count(Ticket) == 0
    response = client.submit(f"/portal/services/{ours.id}", {"field_hostname": "app-05", "field_cores": "4",
                                                             "note": "For the new shop"})
    assert response.status_code == 302
    ticket = db.session.scalar(sa.select(Ticket))
    assert (ticket.kind, ticket.status, ticket.via) == ("request", "awaiting_approval", "portal")
    assert ticket.request_data == {"Server name": "app-05", "CPU cores": "4"}
    assert "Awaiting approval" in text(client.get(f"/portal/tickets/{ticket.number}"))
