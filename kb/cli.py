"""`flask kb …`: articles as Markdown files with front matter, in and out."""
from pathlib import Path

import click
from flask.cli import with_appcontext

from app.auth.permissions import SHELL
from app.errors import ValidationError
from kb import transfer


@click.group("kb")
def kb_cli() -> None:
    """The knowledge base."""


@kb_cli.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def export_command(directory: Path) -> None:
    """Write every article to DIRECTORY as <id>-<slug>.md."""
    click.echo(f"{transfer.export_articles(directory)} articles written to {directory}.")


@kb_cli.command("import")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@with_appcontext
def import_command(directory: Path) -> None:
    """Read DIRECTORY's *.md files into articles, all or nothing."""
    try:
        counts = transfer.import_articles(SHELL, directory)
    except ValidationError as error:
        for messages in error.errors.values():
            for message in messages:
                click.echo(message, err=True)
        raise SystemExit(1) from None
    click.echo(", ".join(f"{n} {what}" for what, n in counts.items()) + ".")
