"""Admins manage organizations, contacts, users and teams; nobody is ever deleted."""
import sqlalchemy as sa

from app.auth.models import User
from app.orgs.models import Organization, Team
from tests import factories
from tests.factories import PASSWORD
from tests.helpers import run_jobs, text


def count(db, model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


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


# -- users ---------------------------------------------------------------------------------

def test_admin_creates_an_agent_in_a_team(login, team, db):
    admin = login("admin")
    response = admin.submit("/users/new", {"name": "Nina", "email": "nina@provider.test", "role": "agent",
                                           "organization": "", "teams": [str(team.id)]})
    assert response.status_code == 302
    nina = db.session.scalar(sa.select(User).where(User.email == "nina@provider.test"))
    assert [t.name for t in nina.teams] == ["Service Desk L1"]


def test_duplicate_email_is_refused(login, users, db):
    admin = login("admin")
    before = count(db, User)
    response = admin.submit("/users/new", {"name": "Twin", "email": "AGENT@provider.test", "role": "agent",
                                           "organization": ""})
    assert "A user with this e-mail address already exists." in text(response)
    assert count(db, User) == before


def test_client_role_needs_an_organization_and_staff_none(login, org_a, db):
    admin = login("admin")
    response = admin.submit("/users/new", {"name": "X", "email": "x@acme.test", "role": "client_user", "organization": ""})
    assert "A client contact must belong to an organization." in text(response)
    response = admin.submit("/users/new", {"name": "Y", "email": "y@acme.test", "role": "agent",
                                           "organization": str(org_a.id)})
    assert "Staff do not belong to a client organization." in text(response)
    assert db.session.scalar(sa.select(User).where(User.email.in_(["x@acme.test", "y@acme.test"]))) is None


def test_user_list_filters_by_role_and_text(login, users):
    admin = login("admin")
    agents = text(admin.get("/users/?role=agent"))
    assert "agent@provider.test" in agents and "boss@acme.test" not in agents
    found = text(admin.get("/users/?q=globex"))
    assert "boss@globex.test" in found and "agent@provider.test" not in found


def test_deactivate_and_reactivate_a_user(app, login, users, db):
    admin = login("admin")
    agent_id = users["agent"].id
    admin.submit(f"/users/{agent_id}/deactivate", page=f"/users/{agent_id}/edit")
    assert not db.session.get(User, agent_id).active
    assert app.test_client().login(users["agent"].email, PASSWORD).status_code == 200
    admin.submit(f"/users/{agent_id}/activate", page=f"/users/{agent_id}/edit")
    assert app.test_client().login(users["agent"].email, PASSWORD).status_code == 302


def test_only_admins_manage_users(login):
    for who in ("manager", "agent", "client_admin"):
        assert login(who).get("/users/").status_code == 403


def test_role_change_ends_the_users_sessions(login, users, db):
    agent = login("agent")
    admin = login("admin")
    admin.submit(f"/users/{users['agent'].id}/edit", {"name": "Agent", "email": users["agent"].email,
                                                      "role": "manager", "organization": ""})
    assert db.session.get(User, users["agent"].id).role == "manager"
    assert agent.get("/").status_code == 302


# -- teams -----------------------------------------------------------------------------------

def test_admin_creates_a_team_with_members(login, users, db):
    admin = login("admin")
    admin.submit("/teams/new", {"name": "Network", "email": "noc@provider.test",
                                "members": [str(users["agent"].id), str(users["manager"].id)]})
    team = db.session.scalar(sa.select(Team).where(Team.name == "Network"))
    assert sorted(m.email for m in team.members) == ["agent@provider.test", "manager@provider.test"]
    page = text(login("agent").get(f"/teams/{team.id}"))
    assert "Network" in page and "agent@provider.test" in page


def test_clients_cannot_be_team_members(login, users, team, db):
    admin = login("admin")
    response = admin.submit(f"/teams/{team.id}/edit", {"name": team.name, "members": [str(users["client_user"].id)]})
    assert "not a valid choice" in text(response).lower()
    assert users["client_user"].id not in [m.id for m in db.session.get(Team, team.id).members]


def test_duplicate_team_name_is_refused(login, team, db):
    response = login("admin").submit("/teams/new", {"name": "service desk l1"})
    assert "A team with this name already exists." in text(response)
    assert count(db, Team) == 1


def test_team_deactivation_keeps_the_team(login, team, db):
    login("admin").submit(f"/teams/{team.id}/deactivate", page=f"/teams/{team.id}")
    assert not db.session.get(Team, team.id).active
    assert count(db, Team) == 1


def test_admin_cannot_change_their_own_role(login, users, db):
    admin = login("admin")
    response = admin.submit(f"/users/{users['admin'].id}/edit", {"name": "Admin", "email": users["admin"].email,
                                                                 "role": "agent", "organization": ""})
    assert "You cannot change your own role." in text(response)
    assert db.session.get(User, users["admin"].id).role == "admin"


def test_admin_forms_without_csrf_token_change_nothing(login, org_a, db):
    admin = login("admin")
    before = count(db, Organization)
    response = admin.post("/organizations/new", data={"code": "NOCSRF", "name": "No token"})
    assert response.status_code == 400
    response = admin.post(f"/organizations/{org_a.id}/deactivate")
    assert response.status_code == 400
    assert count(db, Organization) == before
    assert db.session.get(Organization, org_a.id).active
