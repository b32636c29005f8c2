"""Changing a calendar or a policy never rewrites a running clock's past: a clock keeps the
calendar version and the policy terms it started on until `flask sla recompute` applies the new
ones (to open tickets only); and the yearly job extends imported holidays, idempotently."""
from datetime import date

import sqlalchemy as sa

from app import jobs
from app.auth.permissions import SHELL
from app.extensions import db as _db
from app.tickets import services as tickets
from app.tickets.models import Event, Ticket
from sla import jobs as sla_jobs
from sla import services
from sla.models import SlaCalendar, SlaCalendarDay, SlaCalendarVersion, SlaPolicy, TicketClock
from tests.helpers import run_jobs
from tests.sla.conftest import TARGETS, kyiv


def test_a_calendar_or_policy_change_leaves_running_clocks_on_their_version(app, db, users, policy, calendar, clock):
    client = users["client_user"]
    clock.at(2026, 3, 9, 9, 0)  # Monday
    before = tickets.create_ticket(client, kind="incident", title="Printer jams")
    number, due = before.number, before.resolution_due
    assert due == kyiv(2026, 3, 10, 16, 0)  # 960 min: 540 Monday, 420 Tuesday

    clock.at(2026, 3, 9, 12, 0)
    services.set_day(SHELL, calendar, date(2026, 3, 10), kind="holiday", name="Tuesday off")
    services.save_policy(SHELL, policy, name="Standard", calendar=calendar, kind=None, is_default=True,
                         targets={p: {**t, "resolution": 480} for p, t in TARGETS.items()})
    versions = db.session.scalars(sa.select(SlaCalendarVersion.version).order_by(SlaCalendarVersion.version)).all()
    assert versions == [1, 2]

    tickets.reply(client, before, "Still jams.")  # an event: the clock is refreshed on its own terms
    db.session.refresh(before)
    assert before.resolution_due == due
    state = db.session.get(TicketClock, before.id)
    assert state.calendar_version == 1 and state.terms["targets"]["3"]["resolution"] == 960

    after = tickets.create_ticket(client, kind="incident", title="Scanner jams")  # Monday 12:00, on v2
    assert after.resolution_due == kyiv(2026, 3, 11, 11, 0)  # 480: 360 Monday, Tuesday off, 120 Wednesday

    result = app.test_cli_runner().invoke(args=["sla", "recompute", "--ticket", number])
    assert result.exit_code == 0
    _db.session.expire_all()
    recomputed = _db.session.scalar(sa.select(Ticket).where(Ticket.number == number))
    assert recomputed.resolution_due == kyiv(2026, 3, 9, 17, 0)  # the new terms: 480 from Monday 09:00
    event = _db.session.scalars(sa.select(Event).where(Event.ticket_id == recomputed.id, Event.field == "sla")).one()
    assert (event.old_value, event.new_value) == ("Standard (Kyiv office v1)", "Standard (Kyiv office v2)")


def test_recompute_leaves_closed_tickets_as_they_closed(app, db, users, policy, calendar, clock):
    agent, client = users["agent"], users["client_user"]
    clock.at(2026, 3, 9, 9, 0)
    done = tickets.create_ticket(client, kind="incident", title="Old and done")
    tickets.reply(agent, done, "Fixed.")
    tickets.transition(agent, done, "resolved", resolution_code="fixed", resolution="Fixed.")
    tickets.transition(agent, done, "closed")
    done_id = done.id
    services.set_day(SHELL, calendar, date(2026, 3, 9), kind="holiday", name="Retroactive holiday")
    result = app.test_cli_runner().invoke(args=["sla", "recompute"])
    assert result.exit_code == 0 and "0 clocks recomputed" in result.output
    assert _db.session.get(TicketClock, done_id).calendar_version == 1


def test_the_yearly_job_extends_imported_holidays_once(app, db, calendar, mailbox):
    added, found = services.import_country_holidays(SHELL, calendar, country="DE", subdivision="BY",
                                                    first_year=2026, last_year=2026)
    assert added == found > 0
    calendar = _db.session.get(SlaCalendar, calendar.id)
    assert (calendar.holiday_country, calendar.holiday_subdivision) == ("DE", "BY")

    def years():
        return sorted({d.year for d in _db.session.scalars(sa.select(SlaCalendarDay.day))})

    assert sla_jobs.extend_all(2026) > 0
    assert years() == [2026, 2027, 2028]
    assert sla_jobs.extend_all(2026) == 0  # idempotent
    services.remove_day(SHELL, _db.session.get(SlaCalendar, calendar.id), date(2027, 1, 1))
    assert sla_jobs.extend_all(2026) == 0  # a year an admin edited stays as edited
    assert _db.session.scalar(sa.select(SlaCalendarDay).where(SlaCalendarDay.day == date(2027, 1, 1))) is None

    with app.app_context():
        jobs.get_queue("default").enqueue("sla.jobs.extend_holidays_job")  # as PERIODIC does, on a worker
    run_jobs(app)
    _db.session.expire_all()
    assert max(years()) >= 2028
    assert date(2028, 12, 25) in set(_db.session.scalars(sa.select(SlaCalendarDay.day)))


def test_a_calendar_without_an_import_is_not_extended(db, calendar):
    assert sla_jobs.extend_all(2026) == 0
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(SlaCalendarDay)) == 0
    assert _db.session.scalar(sa.select(SlaPolicy)) is None
