"""`flask users …`: accounts from the command line."""
import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.auth import services
from app.auth.models import User
from app.auth.permissions import SHELL
from app.auth.roles import Role
from app.errors import ValidationError
from app.extensions import db
from app.orgs import queries as org_queries
from app.orgs.models import Team

users = AppGroup("users", help="Manage user accounts.")


def fail_with(error: ValidationError):
    lines = [f"{field}: {' '.join(map(str, messages))}" for field, messages in error.errors.items()]
    raise click.ClickException("\n".join(lines))


@users.command("create")
@click.argument("email")
@click.option("--name", help="Full name (default: the part of the e-mail before @).")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--org", "org_code", help="Organization code, for client roles.")
@click.option("--team", "team_names", multiple=True, help="Team name, for staff; may be repeated.")
@click.password_option(prompt_required=True, help="Prompted for when not given.")
def create(email, name, role, org_code, team_names, password):
    """Create a user with a password."""
    org = None
    if org_code:
        org = org_queries.get_organization_by_code(org_code)
        if org is None:
            raise click.ClickException(f"no organization with code {org_code}")
    teams = []
    for team_name in team_names:
        team = db.session.scalar(sa.select(Team).where(Team.name == team_name))
        if team is None:
            raise click.ClickException(f"no team named {team_name!r}")
        teams.append(team)
    try:
        user = services.create_user(SHELL, email=email, name=name or email.split("@")[0], role=role,
                                    organization=org, teams=teams, password=password)
    except ValidationError as error:
        fail_with(error)
    click.echo(f"created {user.email} ({user.role})")


@users.command("list")
def list_users():
    """List every account: e-mail, role, organization, teams, active."""
    for user in db.session.scalars(sa.select(User).order_by(User.role, User.email)):
        org = user.organization.code if user.organization else "-"
        teams = ",".join(t.name for t in user.teams) or "-"
        state = "active" if user.active else "inactive"
        click.echo(f"{user.email}\t{user.role}\t{org}\t{teams}\t{state}")
