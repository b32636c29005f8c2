"""Escalations: a periodic sweep fires the thresholds whose time has come.

Every minute (app/jobs/worker.py PERIODIC) one worker runs ``sweep_job``: it reads, through the
index on tickets.next_sla_check_at, the tickets due for a look, in batches, and fires each due
threshold with a conditional UPDATE (``fired_at = now WHERE id = … AND fired_at IS NULL``). Only
the sweep whose UPDATE hit the row writes the event, marks a breach (at 100 %) and asks for the
mails (through the outbox, after the commit): two sweeps racing fire a level once. Then the
ticket's next check moves to its next unfired threshold."""
import logging
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from app import timeutil
from app.auth.models import User
from app.auth.roles import Role
from app.extensions import db
from app.jobs import enqueue_after_commit, job
from app.mail import outbound
from app.tickets.models import Ticket
from app.tickets.numbering import subject_tag
from app.tickets.services import record
from app.transactions import transactional
from sla import clock as clocks
from sla.models import SlaThreshold, TicketClock

BATCH = 200
log = logging.getLogger(__name__)


def due_ticket_ids(now, limit: int = BATCH) -> list[int]:
    return list(db.session.scalars(sa.select(Ticket.id).where(Ticket.next_sla_check_at <= now)
                                   .order_by(Ticket.next_sla_check_at, Ticket.id).limit(limit)))


@transactional
def fire_due(ticket_ids: list[int], now) -> list[int]:
    """Fire the due thresholds of these tickets; returns the ids of the thresholds this call fired."""
    fired = []
    for ticket in db.session.scalars(sa.select(Ticket).where(Ticket.id.in_(ticket_ids)).order_by(Ticket.id)).all():
        with db.session.no_autoflush:  # one UPDATE of the ticket per sweep
            _fire(ticket, now, fired)
    return fired


def _fire(ticket, now, fired: list) -> None:
    clock = db.session.get(TicketClock, ticket.id)
    if clock is None:
        ticket.next_sla_check_at = None
        return
    due = db.session.scalars(sa.select(SlaThreshold).where(
        SlaThreshold.ticket_id == ticket.id, SlaThreshold.fired_at.is_(None), SlaThreshold.at <= now)
        .order_by(SlaThreshold.at, SlaThreshold.target, SlaThreshold.level)).all()
    for row in due:
        hit = db.session.execute(
            sa.update(SlaThreshold).where(SlaThreshold.id == row.id, SlaThreshold.fired_at.is_(None))
            .values(fired_at=now).execution_options(synchronize_session=False)).rowcount
        if hit != 1:
            continue  # another sweep fired it
        db.session.refresh(row)
        record(ticket, None, "escalation", None, f"{row.target} {row.percent}%")
        if row.percent >= 100:
            setattr(clock, f"{row.target}_breached", True)
        enqueue_after_commit("sla.escalation.notify", row.id, queue="mail")
        fired.append(row.id)
    clocks.refresh(clock, ticket, now)
    if ticket.next_sla_check_at is not None and ticket.next_sla_check_at <= now:
        ticket.next_sla_check_at = None  # nothing can fire any more before now: never loop


def sweep(now=None) -> int:
    """Fire everything due at ``now`` (default: the clock); returns how many thresholds fired."""
    now = now or timeutil.utcnow()
    total = 0
    while True:
        ids = due_ticket_ids(now)
        if not ids:
            return total
        total += len(fire_due(ids, now))
        db.session.remove()
        if len(ids) < BATCH:
            return total


@job
def sweep_job() -> int:
    fired = sweep()
    if fired:
        log.info("sla sweep fired %d thresholds", fired)
    return fired


# -- the mails -----------------------------------------------------------------------------

def _active_staff(people) -> list:
    chosen, seen = [], set()
    for person in people:
        if person is None or person.id in seen or not person.is_staff or not person.active or not person.email:
            continue
        seen.add(person.id)
        chosen.append(person)
    return chosen


def recipients(ticket, action: str) -> list:
    """Who hears of a level: its assignee (else its team), its team, or the managers."""
    if action == "notify_assignee" and ticket.assignee is not None:
        return _active_staff([ticket.assignee])
    if action in ("notify_assignee", "notify_team") and ticket.team is not None:
        return _active_staff(ticket.team.members)
    from_roles = db.session.scalars(sa.select(User).where(User.role.in_((Role.MANAGER, Role.ADMIN)))
                                    .order_by(User.id))
    return _active_staff(from_roles)


TARGET_NAMES = {"first_response": lambda: _("first response"), "next_response": lambda: _("next response"),
                "resolution": lambda: _("resolution")}


@job
def notify(threshold_id: int) -> None:
    row = db.session.get(SlaThreshold, threshold_id)
    if row is None:
        return
    ticket = db.session.get(Ticket, row.ticket_id)
    link = outbound.external_url("tickets.detail", number=ticket.number)
    for person in recipients(ticket, row.action):
        with force_locale(person.locale or current_app.config["DEFAULT_LOCALE"]):
            target = TARGET_NAMES[row.target]()
            if row.percent >= 100:
                subject = _("SLA breached (%(target)s): %(title)s", target=target, title=ticket.title)
            else:
                subject = _("%(percent)d%% of the %(target)s time used: %(title)s", percent=row.percent,
                            target=target, title=ticket.title)
            zone = person.timezone or current_app.config.get("DEFAULT_TIMEZONE") or "UTC"
            reached = row.at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")
            message = outbound.build(person.email, f"{subject_tag(ticket.number)} {subject}", "sla/escalation",
                                     ticket=ticket, person=person, link=link, row=row, target=target,
                                     reached=f"{reached} ({zone})")
        outbound.send(message)
