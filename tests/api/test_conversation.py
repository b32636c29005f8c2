"""A ticket's conversation, files, links and time through the API."""
import io

import pytest
import sqlalchemy as sa

from app.tickets import services
from app.tickets.models import Attachment, Link, Message, Worklog
from app.uploads import Upload
from tests.factories import ELF, PNG, make_ticket


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def files(*named) -> dict:
    """A multipart body: each (name, bytes) as a repeat of the field "file"."""
    return {"file": [(io.BytesIO(data), name) for name, data in named]}


# -- messages ------------------------------------------------------------------------------

def test_replies_and_notes_and_who_sees_them(api, ticket, users, db):
    agent, client = api("agent"), api("client_user")
    url = f"/api/v1/tickets/{ticket.number}/messages"
    response = agent.post(url, json={"body": "Cleaning up `/var/log` now.", "internal": False})
    assert response.status_code == 201, response.json
    assert response.json["author"] == {"id": users["agent"].id, "name": users["agent"].name}
    assert response.json["body_html"] == "<p>Cleaning up <code>/var/log</code> now.</p>\n"
    note = agent.post(url, json={"body": "Root cause: logrotate disabled", "internal": True})
    assert note.status_code == 201 and note.json["internal"] is True
    assert client.post(url, json={"body": "Thanks!"}).status_code == 201
    assert [m["body_text"] for m in agent.get(url).json["items"]] == [
        "Cleaning up /var/log now.", "Root cause: logrotate disabled", "Thanks!"]
    assert [m["body_text"] for m in client.get(url).json["items"]] == ["Cleaning up /var/log now.", "Thanks!"]


def test_a_client_posting_an_internal_note_gets_403_and_nothing_is_saved(api, ticket, db):
    response = api("client_user").post(f"/api/v1/tickets/{ticket.number}/messages",
                                       json={"body": "Let me in on the secrets", "internal": True})
    assert response.status_code == 403
    assert response.json["error"]["message"] == "Only the provider's staff can write internal notes."
    assert count(db, Message) == 0


@pytest.mark.parametrize("payload,fields", [
    ({}, {"body"}), ({"body": "   "}, {"body"}), ({"body": 7}, {"body"}), ({"body": "hi", "internal": "perhaps"},
                                                                         {"internal"}),
    ({"body": "hi", "cc": "boss@acme.test"}, {"cc"}),
])
def test_bad_messages_are_a_422_and_save_nothing(api, ticket, db, payload, fields):
    response = api("client_user").post(f"/api/v1/tickets/{ticket.number}/messages", json=payload)
    assert response.status_code == 422 and set(response.json["error"]["fields"]) == fields
    assert count(db, Message) == 0


def test_a_closed_ticket_takes_no_reply(api, ticket, users, db):
    services.transition(users["client_user"], ticket, "closed")
    response = api("client_user").post(f"/api/v1/tickets/{ticket.number}/messages", json={"body": "One more thing"})
    assert response.status_code == 422 and "closed" in response.json["error"]["fields"]["body"][0]


# -- files ---------------------------------------------------------------------------------

def test_files_are_uploaded_listed_and_downloaded(api, ticket, users, db):
    client = api("client_user")
    url = f"/api/v1/tickets/{ticket.number}/attachments"
    response = client.post(url, data={"body": "Screenshot and log attached", **files(("df.png", PNG),
                                                                                     ("df.log", b"/dev/sda1 100%"))})
    assert response.status_code == 201, response.json
    uploaded = response.json["items"]
    assert [(a["filename"], a["content_type"], a["size"]) for a in uploaded] == [
        ("df.png", "image/png", len(PNG)), ("df.log", "text/plain", 14)]
    message = api("agent").get(f"/api/v1/tickets/{ticket.number}/messages").json["items"][0]
    assert message["body_text"] == "Screenshot and log attached" and len(message["attachments"]) == 2
    assert [a["id"] for a in client.get(url).json["items"]] == [a["id"] for a in uploaded]
    download = client.get(f"{url}/{uploaded[0]['id']}")
    assert download.status_code == 200 and download.data == PNG and download.mimetype == "image/png"
    assert download.headers["Content-Disposition"].endswith("filename=df.png")
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_an_executable_renamed_png_is_a_422_and_nothing_is_saved(api, ticket, db):
    response = api("client_user").post(f"/api/v1/tickets/{ticket.number}/attachments",
                                       data=files(("cat.png", ELF)))
    assert response.status_code == 422
    assert "is a file of a kind that is not accepted" in response.json["error"]["fields"]["attachments"][0]
    assert count(db, Attachment) == 0 and count(db, Message) == 0


def test_an_oversize_upload_is_a_413_and_nothing_is_saved(app, api, ticket, db, monkeypatch):
    client = api("client_user")
    url = f"/api/v1/tickets/{ticket.number}/attachments"
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", 1024 * 1024)
    response = client.post(url, data=files(("small.log", b"ok"), ("big.log", b"x" * (1024 * 1024 + 1))))
    assert response.status_code == 413
    assert response.json["error"]["message"] == "big.log is larger than 1 MB."
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", 1024)
    response = client.post(url, data=files(("huge.log", b"x" * (2 * 1024 * 1024))))
    assert response.status_code == 413  # the whole body is over any allowed size: refused before it is read
    assert response.json["error"]["message"] == "What you sent is larger than allowed."
    assert count(db, Attachment) == 0 and count(db, Message) == 0


@pytest.mark.parametrize("data,fields", [
    ({}, {"file"}),
    ({"body": "no file"}, {"file"}),
    ({"photo": (io.BytesIO(PNG), "a.png")}, {"photo", "file"}),
    ({"internal": "perhaps", **files(("a.png", PNG))}, {"internal"}),
])
def test_bad_uploads_are_a_422_and_save_nothing(api, ticket, db, data, fields):
    response = api("agent").post(f"/api/v1/tickets/{ticket.number}/attachments", data=data,
                                 content_type="multipart/form-data")
    assert response.status_code == 422 and set(response.json["error"]["fields"]) == fields
    assert count(db, Attachment) == 0


def test_uploads_must_be_multipart(api, ticket, db):
    response = api("agent").post(f"/api/v1/tickets/{ticket.number}/attachments", json={"file": "aGVsbG8="})
    assert response.status_code == 422 and set(response.json["error"]["fields"]) == {"file"}


def test_a_client_does_not_get_files_of_internal_notes(api, ticket, users, db):
    note = services.add_note(users["agent"], ticket, "Our firewall export", uploads=[Upload("fw.txt", b"permit any")])
    url = f"/api/v1/tickets/{ticket.number}/attachments"
    assert api("client_user").get(url).json["items"] == []
    assert api("client_user").get(f"{url}/{note.attachments[0].id}").status_code == 404
    assert api("agent").get(f"{url}/{note.attachments[0].id}").data == b"permit any"
    response = api("client_user").post(url, data={"internal": "true", **files(("x.png", PNG))})
    assert response.status_code == 403 and count(db, Attachment) == 1


# -- links and time (staff) ------------------------------------------------------------------

def test_staff_link_tickets(api, ticket, users, org_a, db):
    make_ticket(users["agent"], kind="problem", organization=org_a, title="Log rotation broken")
    agent = api("agent")
    response = agent.post(f"/api/v1/tickets/{ticket.number}/links", json={"kind": "caused_by", "target": "prb-1"})
    assert response.status_code == 201, response.json
    assert (response.json["source"], response.json["kind"], response.json["target"]) == ("INC-1", "caused_by", "PRB-1")
    for number in ("INC-1", "PRB-1"):
        listed = agent.get(f"/api/v1/tickets/{number}/links").json["items"]
        assert [(ln["source"], ln["target"]) for ln in listed] == [("INC-1", "PRB-1")]
    again = agent.post(f"/api/v1/tickets/{ticket.number}/links", json={"kind": "caused_by", "target": "PRB-1"})
    assert again.status_code == 422 and "already linked" in again.json["error"]["fields"]["target"][0]
    assert count(db, Link) == 1


@pytest.mark.parametrize("payload,fields", [
    ({"kind": "caused_by"}, {"target"}), ({"kind": "blames", "target": "INC-1"}, {"kind"}),
    ({"kind": "related", "target": "INC-404"}, {"target"}), ({"kind": "related", "target": "INC-1"}, {"target"}),
])
def test_bad_links_are_a_422(api, ticket, db, payload, fields):
    response = api("agent").post(f"/api/v1/tickets/{ticket.number}/links", json=payload)
    assert response.status_code == 422 and set(response.json["error"]["fields"]) == fields
    assert count(db, Link) == 0


def test_staff_log_time(api, ticket, users, db):
    agent, url = api("agent"), f"/api/v1/tickets/{ticket.number}/worklog"
    response = agent.post(url, json={"minutes": 45, "note": "Cleaned /var/log", "work_date": "2026-03-02"})
    assert response.status_code == 201, response.json
    assert (response.json["minutes"], response.json["work_date"], response.json["billable"]) == (45, "2026-03-02", True)
    agent.post(url, json={"minutes": 15, "billable": False})
    listed = agent.get(url).json
    assert listed["total_minutes"] == 60 and [e["minutes"] for e in listed["items"]] == [45, 15]


@pytest.mark.parametrize("payload,fields", [
    ({}, {"minutes"}), ({"minutes": 0}, {"minutes"}), ({"minutes": "30"}, {"minutes"}),
    ({"minutes": 30, "work_date": "yesterday"}, {"work_date"}), ({"minutes": 30, "rate": 90}, {"rate"}),
])
def test_bad_time_entries_are_a_422(api, ticket, db, payload, fields):
    response = api("agent").post(f"/api/v1/tickets/{ticket.number}/worklog", json=payload)
    assert response.status_code == 422 and set(response.json["error"]["fields"]) == fields
    assert count(db, Worklog) == 0


@pytest.mark.parametrize("method,suffix,payload", [
    ("get", "links", None), ("post", "links", {"kind": "related", "target": "INC-1"}),
    ("get", "worklog", None), ("post", "worklog", {"minutes": 5}),
])
def test_links_and_time_are_for_staff_only(api, ticket, db, method, suffix, payload):
    response = getattr(api("client_admin"), method)(f"/api/v1/tickets/{ticket.number}/{suffix}", json=payload)
    assert response.status_code == 403
    assert response.json["error"]["message"] == "This is for the provider's staff only."
    assert count(db, Link) == 0 and count(db, Worklog) == 0
