"""`flask cmdb …`: the catalog, import and export, and matching old tickets' affected systems."""
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from app.auth.permissions import SHELL
from app.errors import ValidationError
from cmdb import links, services, transfer


@click.group("cmdb")
def cmdb_cli() -> None:
    """The CMDB: configuration items and what depends on what."""


@cmdb_cli.command("seed")
@with_appcontext
def seed() -> None:
    """Add the shipped CI classes and relation types that are missing."""
    click.echo(f"{services.seed_catalog(SHELL)} classes and relation types added.")


@cmdb_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row and report; write nothing.")
@with_appcontext
def import_command(path: Path, dry_run: bool) -> None:
    """Import CIs, relations and groups from a CSV or XLSX file, all or nothing."""
    rows = transfer.read_rows(path.name, path.read_bytes())
    try:
        with click.progressbar(length=len(rows), label="Rows", file=sys.stderr) as bar:
            counts = transfer.import_file(SHELL, path.name, path.read_bytes(), dry_run=dry_run, progress=bar.update)
    except ValidationError as error:
        for messages in error.errors.values():
            for message in messages:
                click.echo(message, err=True)
        raise SystemExit(1) from None
    said = ", ".join(f"{n} {record}s" for record, n in counts.items())
    click.echo(f"Dry run: {said} would be imported; nothing written." if dry_run else f"Imported {said}.")


@cmdb_cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def export_command(path: Path) -> None:
    """Export every live CI, relation and group as CSV or XLSX (by the file's extension)."""
    rows = transfer.export_rows()
    path.write_bytes(transfer.write_file(path.name, rows))
    click.echo(f"{len(rows)} rows written to {path}.")


@cmdb_cli.command("link-affected")
@click.option("--dry-run", is_flag=True, help="Report what would be linked; write nothing.")
@with_appcontext
def link_affected(dry_run: bool) -> None:
    """Link tickets to the CI their affected system names (once, for tickets older than the CMDB)."""
    done = links.link_affected(SHELL, dry_run=dry_run)
    for number, name in done:
        click.echo(f"{number} → {name}")
    click.echo(f"{len(done)} tickets {'would be linked' if dry_run else 'linked'}.")
