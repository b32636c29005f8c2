"""`flask sla …`: replay clocks, compute a deadline, import holidays."""
from datetime import date, datetime

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.auth.cli import fail_with
from app.auth.permissions import SHELL
from app.errors import ValidationError
from app.extensions import db
from app.tickets.models import Ticket
from sla import services
from sla.models import SlaCalendar
from sla.policy import working_calendar

sla_cli = AppGroup("sla", help="Service levels: calendars, deadlines and ticket clocks.")


def _calendar(name: str) -> SlaCalendar:
    calendar = db.session.scalar(sa.select(SlaCalendar).where(SlaCalendar.name == name))
    if calendar is None:
        raise click.ClickException(f"no calendar called {name!r}")
    return calendar


@sla_cli.command("recompute")
@click.option("--ticket", "number", help="Only this ticket (its number, e.g. INC-42).")
def recompute(number):
    """Replay the clocks of open tickets (or one) from their history, on today's policies and
    calendar versions. Closed tickets keep the clocks they closed with."""
    if number:
        ids = list(db.session.scalars(sa.select(Ticket.id).where(Ticket.number == number.upper())))
        if not ids:
            raise click.ClickException(f"no ticket {number}")
    else:
        ids = list(db.session.scalars(sa.select(Ticket.id).where(Ticket.is_open.is_(True)).order_by(Ticket.id)))
    done = 0
    for start in range(0, len(ids), 500):
        done += services.recompute(SHELL, ids[start:start + 500])
        db.session.remove()
    click.echo(f"{done} clocks recomputed")


@sla_cli.command("deadline")
@click.option("--calendar", "name", required=True)
@click.option("--start", required=True, help="ISO date and time with its offset, e.g. 2026-03-06T17:30+02:00.")
@click.option("--minutes", required=True, type=float, help="Business minutes.")
def deadline(name, start, minutes):
    """When MINUTES business minutes from START are over on the calendar NAME."""
    try:
        moment = datetime.fromisoformat(start)
        due = working_calendar(_calendar(name)).add(moment, minutes)
    except (ValueError, TypeError) as problem:
        raise click.ClickException(str(problem)) from None
    click.echo(due.isoformat())


@sla_cli.command("import-holidays")
@click.option("--calendar", "name", required=True)
@click.option("--country", required=True, help="ISO code: UA, DE, PL, US …")
@click.option("--subdivision", default=None)
@click.option("--years", default=None, help="e.g. 2026-2028 (default: this year and the next two)")
@click.option("--category", "categories", multiple=True, default=("public",), show_default=True)
def import_holidays(name, country, subdivision, years, categories):
    """Add holiday rows from the `holidays` package (never asked when clocks are computed)."""
    this = date.today().year
    first, _, last = (years or f"{this}-{this + 2}").partition("-")
    try:
        added, found = services.import_country_holidays(
            SHELL, _calendar(name), country=country, subdivision=subdivision, first_year=int(first),
            last_year=int(last or first), categories=categories)
    except ValueError:
        raise click.ClickException(f"bad years {years!r} (e.g. 2026-2028)") from None
    except ValidationError as error:
        fail_with(error)
    click.echo(f"{added} holidays added ({found} found)")
