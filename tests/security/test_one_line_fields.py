"""Names, titles and every other one-line field refuse line breaks and other control
characters, in the forms and in the services (the CLI's way in)."""
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from app.auth import services as accounts
from app.auth.models import User
from app.auth.permissions import SHELL
from app.errors import ValidationError
from app.orgs import services as orgs
from app.orgs.models import Organization
from app.text import clean_line, has_control_chars
from app.tickets.models import Ticket
from tests.helpers import run_jobs, text

ONE_LINE = "Please write this on one line, without control characters."


@pytest.mark.parametrize("value", ["Evil\r\nBcc: all@example.test", "tab\there", "nul\x00", "bidi\u202eevil",
                                   "line\u2028sep", "lone \ud800 surrogate"])
def test_clean_line_refuses_control_characters(value):
    assert has_control_chars(value)
    with pytest.raises(ValueError):
        clean_line(value)


def test_clean_line_keeps_ordinary_text():
    assert clean_line("  Олена Коваленко 👩‍💻 — O'Brien  ") == "Олена Коваленко 👩‍💻 — O'Brien"
    assert not has_control_chars("Ünïcödé, emoji 👍🏽 and a soft\u00adhyphen")


def test_a_client_cannot_put_a_line_break_in_their_name(app, login, users, db, mailbox):
    client = login("client_user")
    response = client.submit("/profile", {"name": "Mallory\r\nBcc: everyone@example.test", "phone": "",
                                          "locale": "", "timezone": ""})
    assert response.status_code == 200 and ONE_LINE in text(response)
    assert db.session.get(User, users["client_user"].id).name == users["client_user"].name
    # Surrounding whitespace is only trimmed.
    assert client.submit("/profile", {"name": "  Mallory  ", "phone": "", "locale": "", "timezone": ""}).status_code == 302
    assert db.session.get(User, users["client_user"].id).name == "Mallory"


@pytest.mark.parametrize("url,fields", [
    ("/portal/new", {"title": "web-01: disk\nfull", "description": "The disk of web-01 is full since 10:00.",
                     "category": "", "urgency": "2"}),
    ("/tickets/new", {"kind": "incident", "organization": "ACME", "title": "Disk\x00full", "impact": "2",
                      "urgency": "2"}),
])
def test_ticket_titles_refuse_control_characters(login, org_a, db, url, fields):
    who = "client_user" if url.startswith("/portal") else "agent"
    if who == "agent":
        fields = {**fields, "organization": str(org_a.id)}
    response = login(who).submit(url, fields)
    assert response.status_code == 200 and ONE_LINE in text(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == 0


def test_a_client_admin_cannot_invite_a_name_with_a_line_break(login, db):
    response = login("client_admin").submit("/portal/colleagues", {"name": "New\nPerson", "email": "new@acme.test"})
    assert ONE_LINE in text(response)
    assert db.session.scalar(sa.select(User).where(User.email == "new@acme.test")) is None


def test_an_organization_name_refuses_control_characters(login, db):
    response = login("admin").submit("/organizations/new", {"code": "EVIL", "name": "Evil\r\nCorp"})
    assert ONE_LINE in text(response)
    assert db.session.scalar(sa.select(Organization).where(Organization.code == "EVIL")) is None


def test_a_lone_surrogate_is_a_form_error_not_a_500(login, users, db):
    client = login("agent")
    # Percent-encoded it arrives as text; as raw (invalid UTF-8) bytes the body is refused whole (400).
    for name, status in (("A%ED%A0%80B", 302), ("\ud800", 400)):
        body = f"csrf_token={client.csrf_token('/profile')}&phone=&locale=&timezone=&name={name}"
        response = client.post("/profile", data=body.encode("utf-8", "surrogatepass"),
                               content_type="application/x-www-form-urlencoded")
        assert response.status_code == status, name
        assert "\ud800" not in db.session.get(User, users["agent"].id).name
    response = client.submit("/profile", {"name": "\ufffd\ufffd\ufffd", "phone": "", "locale": "", "timezone": ""})
    assert response.status_code == 302  # what a browser's decoder makes of it is ordinary text


def test_a_form_refuses_a_lone_surrogate_however_it_arrives(app):
    from werkzeug.datastructures import MultiDict

    from app.auth.forms import TokenForm

    with app.test_request_context():
        form = TokenForm(formdata=MultiDict({"name": "script \ud800"}), meta={"csrf": False})
        assert not form.validate() and form.name.errors == [ONE_LINE]


def test_the_services_refuse_control_characters_too(users, org_a, db):
    with pytest.raises(ValidationError) as error:
        accounts.create_user(SHELL, email="cli@acme.test", name="CLI\nUser", role="client_user", organization=org_a)
    assert error.value.errors["name"] == [ONE_LINE]
    with pytest.raises(ValidationError):
        accounts.update_profile(users["agent"], name="Agent", phone="+380\r\n99")
    with pytest.raises(ValidationError):
        orgs.create_organization(SHELL, code="BAD", name="Bad\x1bCorp")
    with pytest.raises(ValidationError):
        orgs.create_team(SHELL, name="Team\nX")


def test_the_cli_refuses_a_name_with_a_line_break(app, db):
    result = CliRunner().invoke(app.cli, ["users", "create", "x@provider.test", "--role", "agent",
                                          "--name", "X\r\nY", "--password", "long enough password"])
    assert result.exit_code != 0 and ONE_LINE in result.output


def test_the_engineers_mail_about_a_client_keeps_working(app, login, users, team, db, mailbox):
    from app.tickets import services
    from tests.factories import make_ticket

    ticket = make_ticket(users["client_user"])
    services.assign(users["manager"], ticket, team=team, assignee=users["agent"])
    login("client_user").submit("/profile", {"name": "Petro\r\nX-Evil: 1", "phone": "", "locale": "", "timezone": ""})  # refused
    login("client_user").submit(f"/portal/tickets/{ticket.number}/reply", {"body": "any news?"},
                                page=f"/portal/tickets/{ticket.number}")
    run_jobs(app)  # fails the test if a job failed
    assert any(m["To"] == users["agent"].email for m in mailbox.messages)
