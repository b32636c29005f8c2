"""Services that change organizations, teams, accounts and canned answers check their actor,
like the ticket services: whatever channel calls them (a view, a job, the CLI), a refused actor
gets Forbidden and nothing is written."""
import pytest
import sqlalchemy as sa

from app.auth import services as accounts
from app.auth.models import User
from app.auth.permissions import SHELL
from app.errors import Forbidden
from app.orgs import services as orgs
from app.orgs.models import Organization, Team
from app.tickets import canned
from app.tickets.models import CannedResponse


def rows(db):
    db.session.rollback()
    return [db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Organization, Team, User,
                                                                                   CannedResponse)]


@pytest.mark.parametrize("who", ["agent", "manager", "client_admin"])
def test_only_admins_and_the_shell_manage_organizations_and_teams(users, org_a, team, db, who):
    before = rows(db)
    actor = users[who]
    for action in (lambda: orgs.create_organization(actor, code="NEW", name="New Co"),
                   lambda: orgs.update_organization(actor, org_a, code="ACME", name="Renamed"),
                   lambda: orgs.set_organization_active(actor, org_a, False),
                   lambda: orgs.create_team(actor, name="Night shift"),
                   lambda: orgs.set_team_active(actor, team, False)):
        with pytest.raises(Forbidden):
            action()
    assert rows(db) == before
    assert orgs.create_organization(SHELL, code="NEW", name="New Co").code == "NEW"
    assert orgs.create_team(users["admin"], name="Night shift").name == "Night shift"


def test_a_client_admin_manages_only_their_own_organizations_contacts(users, org_a, org_b, db):
    boss, before = users["client_admin"], rows(db)
    for action in (lambda: accounts.create_user(boss, email="x@acme.test", name="X", role="agent"),
                   lambda: accounts.create_user(boss, email="y@globex.test", name="Y", role="client_user",
                                                organization=org_b),
                   lambda: accounts.set_user_active(users["other_user"], False, actor=boss),
                   lambda: accounts.update_user(users["client_user"], email="user@acme.test", name="User", role="admin",
                                                organization=None, actor=boss)):
        with pytest.raises(Forbidden):
            action()
    assert rows(db) == before
    colleague = accounts.create_user(boss, email="new@acme.test", name="New Colleague", role="client_user",
                                     organization=org_a)
    assert colleague.organization == org_a


def test_canned_answers_are_a_managers_to_write(users, db):
    before = rows(db)
    with pytest.raises(Forbidden):
        canned.save(users["agent"], None, title="Reboot", body="Please reboot.")
    assert rows(db) == before
    assert canned.save(users["manager"], None, title="Reboot", body="Please reboot.").title == "Reboot"
