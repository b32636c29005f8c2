"""Admins manage users: roles, organizations, teams; nobody is ever deleted."""
import sqlalchemy as sa

from app.auth.models import User
from tests.factories import PASSWORD
from tests.helpers import count, text


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


def test_admin_cannot_change_their_own_role(login, users, db):
    admin = login("admin")
    response = admin.submit(f"/users/{users['admin'].id}/edit", {"name": "Admin", "email": users["admin"].email,
                                                                 "role": "agent", "organization": ""})
    assert "You cannot change your own role." in text(response)
    assert db.session.get(User, users["admin"].id).role == "admin"
