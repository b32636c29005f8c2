"""Admins manage teams of staff; a team is deactivated, never deleted."""
import sqlalchemy as sa

from app.orgs.models import Team
from tests.helpers import count, text


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
