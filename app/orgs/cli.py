"""`flask orgs …`: organizations from the command line."""
import click
from flask.cli import AppGroup

from app.auth.cli import fail_with
from app.auth.permissions import SHELL
from app.errors import ValidationError
from app.orgs import services

orgs = AppGroup("orgs", help="Manage client organizations.")


@orgs.command("create")
@click.argument("code")
@click.argument("name")
@click.option("--email", default="")
@click.option("--phone", default="")
def create(code, name, email, phone):
    """Create the organization CODE called NAME."""
    try:
        org = services.create_organization(SHELL, code=code, name=name, email=email, phone=phone)
    except ValidationError as error:
        fail_with(error)
    click.echo(f"created {org.code} {org.name}")
