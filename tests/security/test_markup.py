"""What people write is shown as text or as sanitized HTML, never as the page's own HTML;
images from other hosts do not load by themselves."""
import sqlalchemy as sa

from app.extensions import db as _db
from app.requests.models import RequestItem
from app.tickets import services
from app.tickets.models import Message
from tests.factories import make_ticket
from tests.helpers import run_jobs, text

PIXEL = "http://tracker.example/p.gif?u=42"


def test_catalog_field_help_is_shown_as_text_on_both_order_forms(login, users, db):
    help_text = "<b id=x>bold</b><script>alert(1)</script>"
    response = login("admin").submit("/requests/catalog/new", {
        "name": "New mailbox", "fields": f"address | Address | text | required | | {help_text}", "active": "y"})
    assert response.status_code == 302
    item = db.session.scalar(sa.select(RequestItem))
    for who, url in (("client_user", f"/portal/services/{item.id}"), ("agent", f"/requests/catalog/{item.id}/order")):
        page = text(login(who).get(url))
        assert "<script>alert(1)</script>" not in page and "<b id=x>" not in page, who
        assert "&lt;b id=x&gt;bold&lt;/b&gt;&lt;script&gt;" in page, who


def test_remote_images_in_a_clients_message_become_links(login, users, db):
    client = login("client_user")
    ticket = make_ticket(users["client_user"])
    body = (f'Look: <img src="{PIXEL}" alt="graph"> and ![x](//cdn.example/y.png) '
            f'and <img src="/\\\\evil.example/z.png">')
    response = client.submit(f"/portal/tickets/{ticket.number}/reply", {"body": body},
                             page=f"/portal/tickets/{ticket.number}")
    assert response.status_code == 302
    stored = db.session.scalar(sa.select(Message.body_html).order_by(Message.id.desc()))
    assert "<img" not in stored
    page = text(login("agent").get(f"/tickets/{ticket.number}"))
    assert f'<img src="{PIXEL}' not in page and "<img" not in page.split("message-body", 1)[1].split("</div>", 1)[0]
    assert 'class="remote-image" href="http://tracker.example/p.gif?u=42"' in page.replace("&amp;", "&")
    assert "🖼 graph" in page and 'href="//cdn.example/y.png"' in page


def test_rows_stored_before_the_rule_are_shown_without_remote_images(login, users, db):
    ticket = make_ticket(users["client_user"])
    ticket.description = f'<p>old <img src="{PIXEL}"> and <img src="/static/logo.png" alt="local"></p>'
    _db.session.commit()
    page = text(login("agent").get(f"/tickets/{ticket.number}"))
    assert f'<img src="{PIXEL}"' not in page.replace("&amp;", "&")
    assert "🖼 " + PIXEL in page.replace("&amp;", "&")
    assert '<img src="/static/logo.png" alt="local">' in page  # this site's own images still show


def test_the_engineers_mail_carries_no_remote_image(app, login, users, team, db, mailbox):
    ticket = make_ticket(users["client_user"])
    services.assign(users["manager"], ticket, team=team, assignee=users["agent"])
    login("client_user").submit(f"/portal/tickets/{ticket.number}/reply", {"body": f"![pixel]({PIXEL})"},
                                page=f"/portal/tickets/{ticket.number}")
    run_jobs(app)
    mails = [m for m in mailbox.messages if users["agent"].email in m["To"]]
    assert mails, "the assignee was mailed"
    html = mails[-1].get_body(preferencelist=("html",)).get_content()
    assert "<img" not in html and "remote-image" in html
