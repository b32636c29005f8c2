"""Uploads cannot exhaust the server's memory: a whole request over MAX_CONTENT_LENGTH is
refused before it is read (413), each file is read no further than one byte past the
limit, and a form takes at most ATTACHMENT_MAX_FILES files."""
import io

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage, MultiDict

from app.auth import tokens
from app.forms import AttachmentsField, Form
from app.tickets.models import Attachment, Message, Ticket
from tests.factories import make_ticket
from tests.helpers import text


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def post_files(client, url, page, files, **fields):
    data = {**fields, "attachments": [(io.BytesIO(content), name) for name, content in files],
            "csrf_token": client.csrf_token(page)}
    return client.post(url, data=data, content_type="multipart/form-data")


def test_the_default_body_limit_follows_the_attachment_settings(app):
    expected = app.config["ATTACHMENT_MAX_BYTES"] * app.config["ATTACHMENT_MAX_FILES"] + 1024 * 1024
    assert app.config["MAX_CONTENT_LENGTH"] == expected


def test_a_body_over_the_limit_is_a_friendly_413_page_and_nothing_is_saved(app, login, users, db, monkeypatch):
    ticket = make_ticket(users["client_user"])
    before = count(db, Message)
    client = login("client_user")
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4096)
    for url, page in ((f"/portal/tickets/{ticket.number}/reply", f"/portal/tickets/{ticket.number}"),
                      ("/portal/new", "/portal/new")):
        response = post_files(client, url, page, [("big.log", b"x" * 8192)], body="see the log")
        assert response.status_code == 413
        assert "Too large" in text(response) and "What you sent is larger than allowed." in text(response)
        assert "Go to the home page" in text(response)  # the house's error page, not werkzeug's
    agent = login("agent")
    response = post_files(agent, f"/tickets/{ticket.number}/reply", f"/tickets/{ticket.number}",
                          [("big.log", b"x" * 8192)], body="see the log")
    assert response.status_code == 413 and "What you sent is larger than allowed." in text(response)
    assert count(db, Message) == before and count(db, Attachment) == 0 and count(db, Ticket) == 1


def test_a_413_on_the_api_is_the_json_envelope(client, users, db):
    _row, raw = tokens.create_token(users["agent"], "script")
    response = client.post("/api/v1/tickets", json={"kind": "incident", "title": "x" * (1024 * 1024)},
                           headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 413
    assert response.json == {"error": {"code": 413, "message": "What you sent is larger than allowed."}}


def test_a_file_over_the_limit_is_a_form_error(app, login, users, db, monkeypatch):
    ticket = make_ticket(users["client_user"])
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", 1024)
    response = post_files(login("agent"), f"/tickets/{ticket.number}/reply", f"/tickets/{ticket.number}",
                          [("small.log", b"ok"), ("big.log", b"x" * 1025)], body="two logs")
    assert response.status_code == 400
    assert "big.log is larger than 0 MB." in text(response)
    assert count(db, Attachment) == 0


def test_more_files_than_allowed_are_refused_with_a_clear_message(app, login, users, db):
    ticket = make_ticket(users["client_user"])
    most = app.config["ATTACHMENT_MAX_FILES"]
    files = [(f"log{i}.txt", b"line\n") for i in range(most + 1)]
    client = login("client_user")
    response = post_files(client, f"/portal/tickets/{ticket.number}/reply", f"/portal/tickets/{ticket.number}",
                          files, body="many logs")
    assert response.status_code == 400 and f"At most {most} files at a time." in text(response)
    response = post_files(client, "/portal/new", "/portal/new", files, affected_system="web-01",
                          title="web-01: nginx answers 502 since 10:00", category="", urgency="2",
                          description="Since 10:00 every page of shop.example.com answers 502. Ping is fine.")
    assert f"At most {most} files at a time." in text(response)
    assert count(db, Attachment) == 0 and count(db, Ticket) == 1
    response = post_files(client, f"/portal/tickets/{ticket.number}/reply", f"/portal/tickets/{ticket.number}",
                          files[:most], body="just enough logs")
    assert response.status_code == 302 and count(db, Attachment) == most


class CountingStream(io.BytesIO):
    def __init__(self, data):
        super().__init__(data)
        self.handed_out = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.handed_out += len(chunk)
        return chunk


def test_a_file_is_read_no_further_than_one_byte_past_the_limit(app, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", 1000)
    stream = CountingStream(b"x" * 50_000)
    with app.test_request_context():
        class Upload(Form):
            attachments = AttachmentsField()

        form = Upload(formdata=MultiDict([("attachments", FileStorage(stream=stream, filename="huge.log"))]),
                      meta={"csrf": False})
        assert not form.validate() and form.attachments.errors == ["huge.log is larger than 0 MB."]
    assert stream.handed_out == 1001
