"""Demo service levels for `flask seed-demo`: a Kyiv office-hours calendar with Ukraine's public
holidays, a 24×7 calendar, the provider's default policy and a premium one for Kyiv Media Group.
Through the SLA services, like an admin's work; what exists (by name) is left as it is."""
from datetime import date, timedelta

import sqlalchemy as sa
from dateutil.easter import EASTER_ORTHODOX, easter

from app.auth.permissions import SHELL
from app.extensions import db
from app.orgs.models import Organization
from app.tickets.models import Ticket
from app.timeutil import utcnow
from sla import services
from sla.models import SlaCalendar, SlaPolicy, TicketClock

OFFICE = "Kyiv office hours"
ROUND_THE_CLOCK = "24×7"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
ALL_DAYS = (*WEEKDAYS, "sat", "sun")

# Ukraine's public holidays (Labour Code, art. 73, as amended in 2023). The `holidays` package of
# some releases knows none for these years, so the demo writes them itself when it finds nothing.
UA_FIXED = (("01-01", "New Year"), ("03-08", "International Women's Day"), ("05-01", "Labour Day"),
            ("05-08", "Day of Remembrance and Victory"), ("06-28", "Constitution Day"),
            ("07-15", "Ukrainian Statehood Day"), ("08-24", "Independence Day"),
            ("10-01", "Day of the Defenders of Ukraine"), ("12-25", "Christmas Day"))

# Business minutes a hosting provider would promise: (first response, next response, resolution).
STANDARD = {"1": (30, 60, 240), "2": (60, 120, 540), "3": (240, 480, 1620), "4": (540, 960, 4860)}
PREMIUM = {"1": (15, 30, 240), "2": (30, 60, 480), "3": (120, 240, 1440), "4": (480, 480, 4320)}
PREMIUM_ORGANIZATION = "KYIVMEDIA"


def ukrainian_holidays(years) -> dict[date, str]:
    """Public holidays of Ukraine: from the `holidays` package where it knows them, else the
    fixed dates above and the Mondays after Orthodox Easter and Trinity (the Sundays are off)."""
    found: dict[date, str] = {}
    for year in years:
        known = services.holidays_of("UA", None, year, year)
        if known:
            found.update(known)
            continue
        for month_day, name in UA_FIXED:
            found[date.fromisoformat(f"{year}-{month_day}")] = name
        sunday = easter(year, EASTER_ORTHODOX)
        found[sunday + timedelta(days=1)] = "Easter Monday"
        found[sunday + timedelta(days=50)] = "Trinity Monday"
    return found


def _targets(table) -> dict:
    return {p: {"first_response": fr, "next_response": nr, "resolution": res} for p, (fr, nr, res) in table.items()}


def seed_sla() -> int:
    """Calendars and policies that are missing; returns how many were added. Tickets made before
    (an older demo database) get their clocks replayed from their history."""
    added = 0
    calendars = {c.name: c for c in db.session.scalars(sa.select(SlaCalendar))}
    if OFFICE not in calendars:
        office = services.save_calendar(SHELL, None, name=OFFICE, timezone="Europe/Kyiv",
                                        weekly={day: [["09:00", "18:00"]] for day in WEEKDAYS})
        this = utcnow().year
        services.import_holidays(SHELL, office, ukrainian_holidays(range(this - 1, this + 3)))
        calendars[OFFICE] = office
        added += 1
    if ROUND_THE_CLOCK not in calendars:
        calendars[ROUND_THE_CLOCK] = services.save_calendar(
            SHELL, None, name=ROUND_THE_CLOCK, timezone="Europe/Kyiv", weekly={day: [["00:00", "24:00"]] for day in ALL_DAYS})
        added += 1
    policies = set(db.session.scalars(sa.select(SlaPolicy.name)))
    if "Standard" not in policies:
        services.save_policy(SHELL, None, name="Standard", calendar=calendars[OFFICE], kind=None,
                             targets=_targets(STANDARD), is_default=True)
        added += 1
    if "Premium 24×7" not in policies:
        premium = services.save_policy(SHELL, None, name="Premium 24×7", calendar=calendars[ROUND_THE_CLOCK],
                                       kind=None, targets=_targets(PREMIUM))
        organization = db.session.scalar(sa.select(Organization).where(Organization.code == PREMIUM_ORGANIZATION))
        if organization is not None:
            services.set_policy_organizations(SHELL, premium, [organization])
        added += 1
    if added:
        without_clock = list(db.session.scalars(
            sa.select(Ticket.id).outerjoin(TicketClock).where(TicketClock.ticket_id.is_(None),
                                                              Ticket.kind.in_(("incident", "request")))))
        if without_clock:
            services.recompute(SHELL, without_clock)
    return added
