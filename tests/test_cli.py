"""The admin's command line: flask orgs, flask users, flask seed-demo."""
import sqlalchemy as sa

from app.auth.models import User
from app.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from app.jobs import QUEUES, get_queue
from app.orgs.models import Organization, Team


def test_orgs_create(app, db):
    result = app.test_cli_runner().invoke(args=["orgs", "create", "umbrella", "Umbrella Corp", "--email", "it@umbrella.test"])
    assert result.exit_code == 0, result.output
    assert "created UMBRELLA Umbrella Corp" in result.output
    org = db.session.scalar(sa.select(Organization).where(Organization.code == "UMBRELLA"))
    assert org.email == "it@umbrella.test"


def test_orgs_create_refuses_a_duplicate(app, org_a, db):
    result = app.test_cli_runner().invoke(args=["orgs", "create", "ACME", "Acme again"])
    assert result.exit_code != 0
    assert "code: An organization with this code already exists." in result.output


def test_users_create_with_org_and_team(app, org_a, team, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "c@acme.test", "--role", "client_user", "--org", "acme",
                                 "--password", "long enough pw"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["users", "create", "a@provider.test", "--role", "agent", "--team", "Service Desk L1",
                                 "--password", "long enough pw"])
    assert result.exit_code == 0, result.output
    client = db.session.scalar(sa.select(User).where(User.email == "c@acme.test"))
    agent = db.session.scalar(sa.select(User).where(User.email == "a@provider.test"))
    assert client.organization_id == org_a.id
    assert [t.name for t in agent.teams] == ["Service Desk L1"]


def test_users_create_prompts_for_the_password(app, db):
    result = app.test_cli_runner().invoke(args=["users", "create", "p@provider.test", "--role", "admin"],
                                          input="typed in secret\ntyped in secret\n")
    assert result.exit_code == 0, result.output
    assert app.test_client().login("p@provider.test", "typed in secret").status_code == 302


def test_users_create_explains_bad_input(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "c@acme.test", "--role", "client_user", "--password", "long enough pw"])
    assert result.exit_code != 0 and "organization: A client contact must belong to an organization." in result.output
    result = runner.invoke(args=["users", "create", "x@provider.test", "--role", "agent", "--password", "short"])
    assert result.exit_code != 0 and "at least 10 characters" in result.output
    result = runner.invoke(args=["users", "create", "x@provider.test", "--role", "agent", "--org", "NOPE",
                                 "--password", "x" * 12])
    assert result.exit_code != 0 and "no organization with code NOPE" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_users_list(app, users):
    result = app.test_cli_runner().invoke(args=["users", "list"])
    assert result.exit_code == 0
    assert "boss@acme.test\tclient_admin\tACME\t-\tactive" in result.output
    assert "agent@provider.test\tagent\t-\tService Desk L1\tactive" in result.output


def test_seed_demo_is_idempotent_and_every_account_logs_in(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert sum(get_queue(name).count for name in QUEUES) == 0  # the made-up people are not mailed
    counts = [db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (User, Organization, Team)]
    assert counts == [len(DEMO_ACCOUNTS), 3, 4]  # three teams and the Change Advisory Board
    assert "0 rows added" in runner.invoke(args=["seed-demo"]).output
    assert "already has users" in runner.invoke(args=["seed-demo", "--if-empty"]).output
    roles = {role for _, role in DEMO_ACCOUNTS}
    assert roles == {"admin", "manager", "agent", "client_admin", "client_user"}
    for email, _ in DEMO_ACCOUNTS:
        assert app.test_client().login(email, DEMO_PASSWORD).status_code == 302, email
