"""A client admin cannot learn whether an e-mail address has an account elsewhere.

What we chose, as a serious product does with invitations: inviting an address that
already belongs to another organization (or to the provider's staff) answers exactly
like a real invitation, writes nothing and mails nobody; the attempt is logged for
support. Changing a contact's address to one in use elsewhere is refused with a
neutral message that names no organization and does not say "exists". Admins, who
see every account anyway, keep the precise message."""
import pytest
import sqlalchemy as sa

from app.auth.models import User
from tests.helpers import run_jobs, text

EXISTS = "A user with this e-mail address already exists."
NEUTRAL = "This e-mail address cannot be used here. If it is right, please ask our support."


def count_users(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User))


@pytest.mark.parametrize("address", ["user@globex.test", "agent@provider.test", "nobody-yet@acme.test"])
def test_inviting_answers_alike_whoever_owns_the_address(app, login, users, db, mailbox, address):
    boss = login("client_admin")
    before = count_users(db)
    response = boss.submit("/portal/colleagues", {"name": "New Colleague", "email": address}, follow_redirects=True)
    assert response.status_code == 200
    page = text(response)
    assert "New Colleague has been invited by e-mail to choose a password." in page
    assert EXISTS not in page and "Globex" not in page
    run_jobs(app)
    invented = address.endswith("@acme.test")
    assert count_users(db) == before + (1 if invented else 0)
    assert [m["To"] for m in mailbox.messages] == ([address] if invented else [])  # the owner hears nothing
    owner = db.session.scalar(sa.select(User).where(User.email == address))
    assert invented or owner.name != "New Colleague"  # nothing about the owner changed


def test_the_organizations_contact_form_answers_alike_too(login, users, org_a, db):
    boss = login("client_admin")
    response = boss.submit(f"/organizations/{org_a.id}/contacts/new", {
        "name": "Globex Person", "email": "boss@globex.test", "role": "client_user"}, follow_redirects=True)
    assert "Globex Person has been added and invited" in text(response) and EXISTS not in text(response)
    assert db.session.scalar(sa.select(User.organization_id).where(User.email == "boss@globex.test")) != org_a.id


def test_a_colleagues_own_address_still_gets_the_plain_message(login, users, db):
    response = login("client_admin").submit("/portal/colleagues", {"name": "Twin", "email": "user@acme.test"})
    assert EXISTS in text(response)  # the client admin sees their colleagues anyway


def test_moving_a_contact_to_a_foreign_address_is_refused_neutrally(login, users, org_a, db):
    contact = users["client_user"]
    response = login("client_admin").submit(f"/organizations/{org_a.id}/contacts/{contact.id}/edit", {
        "name": contact.name, "email": "user@globex.test", "role": "client_user", "phone": "", "job_title": ""})
    page = text(response)
    assert NEUTRAL in page and EXISTS not in page
    assert db.session.get(User, contact.id).email == "user@acme.test"


def test_an_admin_keeps_the_precise_message(login, users, org_a, db):
    response = login("admin").submit(f"/organizations/{org_a.id}/contacts/new", {
        "name": "Twin", "email": "user@globex.test", "role": "client_user"})
    assert EXISTS in text(response)
