"""`flask mail …`: the MTA's pipe into the desk (like rt-mailgate), and the IMAP poll by hand."""
import json
import sys

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.extensions import db
from app.mail import gateway, imap

mail_cli = AppGroup("mail", help="The e-mail channel.")
EX_TEMPFAIL = 75  # sysexits.h: the MTA keeps the mail and tries again later


@mail_cli.command("ingest")
@click.argument("source", type=click.File("rb"), default="-")
def ingest(source):
    """Read one RFC 822 mail from SOURCE (default: standard input), store it and place it.

    Prints one JSON line; exits 0 once the mail is stored, 75 when the database cannot be reached."""
    raw = source.read()
    try:
        result = gateway.ingest(raw, mailbox="pipe")
    except (sa.exc.OperationalError, sa.exc.InterfaceError) as error:
        db.session.rollback()
        click.echo(json.dumps({"error": "database unreachable", "detail": str(error.orig)[:200]}), err=True)
        sys.exit(EX_TEMPFAIL)
    click.echo(json.dumps(result.as_json(), ensure_ascii=False))


@mail_cli.command("poll")
def poll():
    """Fetch the unseen mail of every mailbox in MAIL_IMAP now."""
    for name, count in imap.poll_all().items():
        click.echo(f"{name}: {count}")
