"""`flask token …`: API tokens from the command line, for scripts and their installers."""
import click
from flask.cli import AppGroup

from app.auth import queries, tokens
from app.auth.cli import fail_with
from app.errors import NotFound, ValidationError

token = AppGroup("token", help="Manage API tokens.")


def _user(email: str):
    user = queries.get_user_by_email(email)
    if user is None:
        raise click.ClickException(f"no user with e-mail {email}")
    return user


@token.command("create")
@click.argument("email")
@click.option("--name", default="command line", show_default=True, help="What the token is for.")
def create(email, name):
    """Create an API token for a user. The token is printed alone on the last line, once."""
    user = _user(email)
    try:
        row, raw = tokens.create_token(user, name)
    except ValidationError as error:
        fail_with(error)
    click.echo(f"created token {row.prefix}… \"{row.name}\" for {user.email}; it is shown only this once:")
    click.echo(raw)


@token.command("list")
@click.argument("email")
def list_tokens(email):
    """List a user's tokens: id, prefix, name, created, last used, state."""
    for row in tokens.tokens_of(_user(email)):
        used = row.last_used_at.isoformat(timespec="seconds") if row.last_used_at else "never"
        state = "active" if row.active else "revoked"
        click.echo(f"{row.id}\t{row.prefix}…\t{row.name}\t{row.created_at.isoformat(timespec='seconds')}\t{used}\t{state}")


@token.command("revoke")
@click.argument("email")
@click.argument("token_id", type=int)
def revoke(email, token_id):
    """Revoke a user's token by its id (see `flask token list`)."""
    user = _user(email)
    try:
        row = tokens.revoke_token(user, token_id)
    except NotFound:
        raise click.ClickException(f"{email} has no token {token_id}") from None
    click.echo(f"revoked token {row.prefix}… \"{row.name}\" of {user.email}")
