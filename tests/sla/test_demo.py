"""The demo's service levels: calendars with Ukraine's holidays, the default and premium policies,
and clocks on the demo tickets."""
from datetime import date

import sqlalchemy as sa

from app.demo import seed
from app.demo_sla import ukrainian_holidays
from app.tickets.models import Ticket
from app.timeutil import utcnow
from sla.models import SlaCalendar, SlaCalendarDay, SlaPolicy, TicketClock


def test_ukrainian_holidays_are_written_even_when_the_package_knows_none():
    found = ukrainian_holidays([2026, 2027])
    assert found[date(2026, 8, 24)] == "Independence Day" and found[date(2027, 1, 1)] == "New Year"
    assert found[date(2026, 4, 13)] == "Easter Monday" and found[date(2026, 6, 1)] == "Trinity Monday"
    assert found[date(2027, 5, 3)] == "Easter Monday"


def test_the_demo_has_calendars_policies_and_clocks(app, db):
    assert seed() > 0
    calendars = {c.name: c for c in db.session.scalars(sa.select(SlaCalendar))}
    assert set(calendars) == {"Kyiv office hours", "24×7"}
    office = calendars["Kyiv office hours"]
    assert office.weekly["mon"] == [["09:00", "18:00"]] and office.weekly["sat"] == []
    days = set(db.session.scalars(sa.select(SlaCalendarDay.day).where(SlaCalendarDay.calendar_id == office.id)))
    assert date(utcnow().year, 8, 24) in days and date(utcnow().year + 1, 1, 1) in days
    policies = {p.name: p for p in db.session.scalars(sa.select(SlaPolicy))}
    assert policies["Standard"].is_default and policies["Standard"].targets["1"]["first_response"] == 30
    assert policies["Premium 24×7"].calendar.name == "24×7"

    def clock_of(title):
        ticket = db.session.scalar(sa.select(Ticket).where(Ticket.title == title))
        return db.session.get(TicketClock, ticket.id)

    assert clock_of("Packet loss on the Kyiv core uplink").policy.name == "Premium 24×7"  # Kyiv Media Group
    vpn = clock_of("VPN to the lab drops every hour")
    assert vpn.policy.name == "Standard" and vpn.first_response_met_at is not None
    assert vpn.segments[-1]["state"] == "paused" and vpn.segments[-1]["why"] == "pending"
    server = db.session.scalar(sa.select(Ticket).where(Ticket.kind == "request", Ticket.title.contains("app-04")))
    assert server is not None and server.status == "third_party"  # the vendor's licences are awaited
    assert [s["state"] for s in db.session.get(TicketClock, server.id).segments] == ["running"]  # Standard runs on
    assert server.resolution_due is not None
    assert clock_of("WAL archiving breaks after failover") is None  # a problem has no clock
    clocks = db.session.scalar(sa.select(sa.func.count()).select_from(TicketClock))
    assert seed() == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TicketClock)) == clocks
