"""Admins manage organizations and client admins their contacts; nobody is ever deleted."""
import sqlalchemy as sa

from app.auth.models import User
from app.orgs.models import Organization
from tests import factories
from tests.helpers import count, run_jobs, text

# -- organizations ----------------------------------------------------------------------

def test_admin_creates_and_edits_an_organization(login, db):
    admin = login("admin")
    response = admin.submit("/organizations/new", {"code": "initech", "name": "Initech", "email": "it@initech.test",
                                                   "phone": "+1 555", "notes": "Gold contract"})
    org = db.session.scalar(sa.select(Organization).where(Organization.code == "INITECH"))
    assert response.headers["Location"] == f"/organizations/{org.id}"
    assert "Gold contract" in text(admin.get(f"/organizations/{org.id}"))
    admin.submit(f"/organizations/{org.id}/edit", {"code": "INITECH", "name": "Initech Ltd"})
    assert db.session.get(Organization, org.id).name == "Initech Ltd"


def test_duplicate_or_malformed_code_is_refused(login, org_a, db):
    admin = login("admin")
    before = count(db, Organization)
    response = admin.submit("/organizations/new", {"code": "acme", "name": "Another Acme"})
    assert "An organization with this code already exists." in text(response)
    response = admin.submit("/organizations/new", {"code": "bad code!", "name": "Bad"})
    assert "2–20 letters" in text(response)
    assert count(db, Organization) == before


def test_organization_list_searches_and_pages(app, login, db):
    for i in range(30):
        factories.make_org(f"ORG{i:02d}", f"Client number {i:02d}")
    factories.make_org("ZETA", "Zeta Storage")
    admin = login("admin")
    page1 = text(admin.get("/organizations/"))
    assert "Client number 00" in page1 and "Client number 29" not in page1
    assert "33 items" in page1  # and the fixture organizations A and B
    page2 = text(admin.get("/organizations/?page=2"))
    assert "Client number 29" in page2
    found = text(admin.get("/organizations/?q=zeta"))
    assert "Zeta Storage" in found and "Client number 01" not in found
    assert "No organizations found." in text(admin.get("/organizations/?q=%25"))  # LIKE wildcards are literal


def test_deactivating_an_organization_locks_out_its_contacts(login, users, org_a, db):
    contact = login("client_user")
    admin = login("admin")
    admin.submit(f"/organizations/{org_a.id}/deactivate", page=f"/organizations/{org_a.id}")
    assert not db.session.get(Organization, org_a.id).active
    assert contact.get("/").status_code == 302
    assert count(db, Organization) == 2  # kept, not deleted


def test_agents_and_managers_may_read_but_not_change_organizations(login, org_a):
    for who in ("agent", "manager"):
        client = login(who)
        assert client.get(f"/organizations/{org_a.id}").status_code == 200
        assert client.get(f"/organizations/{org_a.id}/edit").status_code == 403
        assert client.get("/organizations/new").status_code == 403


def test_admin_forms_without_csrf_token_change_nothing(login, org_a, db):
    admin = login("admin")
    before = count(db, Organization)
    response = admin.post("/organizations/new", data={"code": "NOCSRF", "name": "No token"})
    assert response.status_code == 400
    response = admin.post(f"/organizations/{org_a.id}/deactivate")
    assert response.status_code == 400
    assert count(db, Organization) == before
    assert db.session.get(Organization, org_a.id).active


# -- contacts ----------------------------------------------------------------------------

def test_client_admin_adds_a_colleague_who_is_invited_by_mail(app, login, org_a, users, mailbox, db):
    boss = login("client_admin")
    response = boss.submit(f"/organizations/{org_a.id}/contacts/new",
                           {"name": "New Colleague", "email": "new@acme.test", "role": "client_user"})
    assert response.status_code == 302
    new = db.session.scalar(sa.select(User).where(User.email == "new@acme.test"))
    assert new.organization_id == org_a.id and new.password_hash is None
    run_jobs(app)
    assert mailbox.messages[0]["Subject"] == "Welcome to Zayavka: choose your password"
    assert mailbox.messages[0]["To"] == "new@acme.test"


def test_client_admin_cannot_create_staff(login, org_a, db):
    boss = login("client_admin")
    response = boss.submit(f"/organizations/{org_a.id}/contacts/new",
                           {"name": "Sneaky", "email": "sneaky@acme.test", "role": "admin"})
    assert "not a valid choice" in text(response).lower()
    assert db.session.scalar(sa.select(User).where(User.email == "sneaky@acme.test")) is None


def test_client_admin_deactivates_a_colleague_but_not_themself(login, org_a, users, db):
    boss = login("client_admin")
    victim = login("client_user")
    boss.submit(f"/organizations/{org_a.id}/contacts/{users['client_user'].id}/deactivate", page="/")
    assert not db.session.get(User, users["client_user"].id).active
    assert victim.get("/").status_code == 302  # their session ended
    response = boss.submit(f"/organizations/{org_a.id}/contacts/{users['client_admin'].id}/deactivate",
                           page="/", follow_redirects=True)
    assert "You cannot deactivate your own account." in text(response)
    assert db.session.get(User, users["client_admin"].id).active
