"""The agents' mail quarantine, and a ticket that came by mail as people see it."""
import sqlalchemy as sa

from app.auth.models import User
from app.mail.models import InboundMail
from app.tickets.models import Ticket
from tests.helpers import text
from tests.mail.conftest import fixture, mail


def test_only_staff_open_the_quarantine(app, users, login, client, ingest):
    held = ingest(mail(sender="stranger@nowhere.test", message_id="q1@nowhere.test"))
    for page in ("/mail/quarantine", f"/mail/quarantine/{held.mail_id}"):
        assert client.get(page).status_code == 302  # to the login page
        assert login("client_admin").get(page).status_code == 403
        assert login("agent").get(page).status_code == 200


def test_an_agent_reads_the_raw_source_and_turns_the_mail_into_a_ticket(app, db, users, org_a, login, ingest):
    held = ingest(mail(sender="Stranger <stranger@nowhere.test>", subject="Printer <b>on fire</b>",
                       message_id="q2@nowhere.test"))
    agent = login("agent")
    listing = text(agent.get("/mail/quarantine"))
    assert "stranger@nowhere.test" in listing and "Unknown sender" in listing and "<b>on fire" not in listing
    page = text(agent.get(f"/mail/quarantine/{held.mail_id}"))
    assert "Message-ID: &lt;q2@nowhere.test&gt;" in page and "Printer &lt;b&gt;on fire&lt;/b&gt;" in page
    refused = agent.submit(f"/mail/quarantine/{held.mail_id}/ticket", {"organization": ""},
                           page=f"/mail/quarantine/{held.mail_id}", follow_redirects=True)
    assert "Choose the organization the sender belongs to." in text(refused)
    assert db.session.get(InboundMail, held.mail_id).status == "quarantined"
    done = agent.submit(f"/mail/quarantine/{held.mail_id}/ticket", {"organization": org_a.id},
                        page=f"/mail/quarantine/{held.mail_id}")
    stored = db.session.get(InboundMail, held.mail_id)
    assert stored.status == "ticketed" and stored.decided_by_id == users["agent"].id
    assert done.headers["Location"].endswith(f"/tickets/{stored.ticket.number}")
    contact = db.session.scalar(sa.select(User).where(User.email == "stranger@nowhere.test"))
    assert contact.organization == org_a and stored.ticket.requester == contact
    assert stored.ticket.title == "Printer <b>on fire</b>"


def test_discarding_keeps_the_raw_source_and_needs_the_form_token(app, db, users, login, ingest):
    held = ingest(mail(sender="spam@nowhere.test", message_id="q3@nowhere.test"))
    agent = login("agent")
    assert agent.post(f"/mail/quarantine/{held.mail_id}/discard").status_code == 400  # no CSRF token
    agent.submit(f"/mail/quarantine/{held.mail_id}/discard", page=f"/mail/quarantine/{held.mail_id}")
    stored = db.session.get(InboundMail, held.mail_id)
    assert stored.status == "discarded" and stored.raw.startswith(b"From: spam@")
    assert "spam@nowhere.test" not in text(agent.get("/mail/quarantine"))


def test_a_ticket_by_mail_shows_its_files_inline_images_and_folded_quotes(app, db, users, login, ingest):
    created = ingest(fixture("html-only-inline-image.eml"))
    ticket = db.session.scalar(sa.select(Ticket).where(Ticket.number == created.ticket))
    ingest(fixture("quoted-reply.eml", SUBJECT=f"[{ticket.number}] Screenshot"))
    [image] = ticket.attachments
    for who, page in (("agent", f"/tickets/{ticket.number}"), ("client_user", f"/portal/tickets/{ticket.number}")):
        html = text(login(who).get(page))
        assert f'<img src="/mail/inline/{image.sha256}" alt="screenshot">' in html, who
        assert "<details><summary>…</summary>" in html and "It works again" in html, who
