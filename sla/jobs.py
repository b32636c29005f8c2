"""The SLA engine's periodic work besides the sweep: holidays for the coming years.

``extend_holidays_job`` (app/jobs/worker.py PERIODIC, looked at once a day) gives every calendar
whose holidays were imported from a country (``holiday_country``) that country's holidays for
each of this year and the next two that has no holiday row yet. So in effect it acts once a
year, when a new year comes into that window; run again, it adds nothing, and a year an admin
has already edited is never touched. The ``holidays`` package is asked only here and at an
admin's import, never when a clock is computed."""
import logging

import sqlalchemy as sa

from app import timeutil
from app.auth.permissions import SHELL
from app.errors import ValidationError
from app.extensions import db
from app.jobs import job
from sla import services
from sla.models import SlaCalendar

log = logging.getLogger(__name__)


def extend_all(this_year: int) -> int:
    """Extend every imported calendar; returns how many holiday rows were added."""
    ids = list(db.session.scalars(sa.select(SlaCalendar.id).where(SlaCalendar.holiday_country.is_not(None))
                                  .order_by(SlaCalendar.id)))
    added = 0
    for calendar_id in ids:
        calendar = db.session.get(SlaCalendar, calendar_id)
        try:
            added += services.extend_holidays(SHELL, calendar, this_year)
        except ValidationError as error:  # the package no longer knows the country: the others go on
            log.warning("holidays of calendar %s not extended: %s", calendar.name, error.errors)
            db.session.rollback()
    return added


@job
def extend_holidays_job() -> int:
    added = extend_all(timeutil.utcnow().year)
    if added:
        log.info("sla: %d holidays added for the coming years", added)
    return added
