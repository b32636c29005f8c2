"""Files accepted as text are kept and downloaded as text, whatever name they came with."""
import io

import pytest
import sqlalchemy as sa

from app.tickets.models import Attachment
from tests.factories import PNG, make_ticket
from tests.helpers import text

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'


@pytest.mark.parametrize("name,content,kept_as", [
    ("x.html", HTML, "x.html.txt"),
    ("evil.svg", SVG, "evil.svg.txt"),
    ("a.exe", b"@echo off\r\nformat c: /q\r\n", "a.exe.txt"),
    ("boot.log", b"kernel: oops", "boot.log"),
    ("hosts.csv", b"name,ip\nweb-01,10.0.0.1\n", "hosts.csv"),
])
def test_a_text_file_keeps_a_text_extension(login, users, db, name, content, kept_as):
    ticket = make_ticket(users["client_user"])
    client = login("client_user")
    response = client.submit(f"/portal/tickets/{ticket.number}/reply",
                             {"body": "file attached", "attachments": (io.BytesIO(content), name)},
                             page=f"/portal/tickets/{ticket.number}", content_type="multipart/form-data")
    assert response.status_code == 302
    item = db.session.scalar(sa.select(Attachment))
    assert item.filename == kept_as and item.content_type.startswith("text/")
    for who, url in (("client_user", f"/portal/tickets/{ticket.number}/attachments/{item.id}"),
                     ("agent", f"/tickets/{ticket.number}/attachments/{item.id}")):
        download = login(who).get(url)
        assert download.status_code == 200 and download.data == content
        assert download.mimetype in ("text/plain", "text/csv")
        assert download.headers["Content-Disposition"] == f"attachment; filename={kept_as}"
        assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert kept_as in text(login("agent").get(f"/tickets/{ticket.number}"))


def test_an_image_is_shown_inline_under_its_own_extension(login, users, db):
    ticket = make_ticket(users["client_user"])
    login("agent").submit(f"/tickets/{ticket.number}/reply",
                          {"body": "screenshot", "attachments": (io.BytesIO(PNG), "shot.html")},
                          page=f"/tickets/{ticket.number}", content_type="multipart/form-data")
    item = db.session.scalar(sa.select(Attachment))
    assert item.filename == "shot.html.png"
    download = login("agent").get(f"/tickets/{ticket.number}/attachments/{item.id}")
    assert download.mimetype == "image/png"
    assert download.headers["Content-Disposition"].startswith("inline")
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_files_stored_before_the_rule_are_downloaded_under_a_text_name(login, users, db):
    ticket = make_ticket(users["client_user"])
    login("client_user").submit(f"/portal/tickets/{ticket.number}/reply",
                                {"body": "x", "attachments": (io.BytesIO(HTML), "page.txt")},
                                page=f"/portal/tickets/{ticket.number}", content_type="multipart/form-data")
    db.session.execute(sa.update(Attachment).values(filename="page.html"))  # as an older version stored it
    db.session.commit()
    item = db.session.scalar(sa.select(Attachment))
    download = login("agent").get(f"/tickets/{ticket.number}/attachments/{item.id}")
    assert download.headers["Content-Disposition"] == "attachment; filename=page.html.txt"
