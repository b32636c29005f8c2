"""Mail about major incidents, and the reminder that an update is due. Jobs are functions of ids,
asked for through the outbox (app.jobs.enqueue_after_commit) once the action committed; every mail
is written in its reader's language, with times in the reader's zone."""
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from babel import dates
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from app import timeutil
from app.auth.models import User
from app.auth.roles import CLIENT_ROLES
from app.extensions import db
from app.incidents import queries
from app.incidents.models import IncidentDetail, StatusUpdate
from app.jobs import job
from app.mail import outbound
from app.tickets.models import Ticket
from app.tickets.numbering import subject_tag


def _locale(user) -> str:
    return user.locale or current_app.config["DEFAULT_LOCALE"]


def when(moment, user) -> str:
    """A moment in the reader's zone and language, e.g. "6 Dec 2026, 07:30 (Europe/Kyiv)"."""
    if moment is None:
        return "—"
    zone = user.timezone or current_app.config["DEFAULT_TIMEZONE"]
    return f"{dates.format_datetime(moment, 'd MMM y, HH:mm', tzinfo=ZoneInfo(zone), locale=_locale(user))} ({zone})"


def _usable(people) -> list:
    chosen, seen = [], set()
    for person in people:
        if person is None or person.id in seen or not person.active or not person.email:
            continue
        seen.add(person.id)
        chosen.append(person)
    return chosen


def public_readers(ticket: Ticket) -> list[User]:
    """Every active contact of the affected organizations, and the requesters of the children."""
    org_ids = sorted(queries.affected_ids(ticket))
    contacts = list(db.session.scalars(sa.select(User).where(
        User.organization_id.in_(org_ids), User.role.in_(CLIENT_ROLES), User.active.is_(True)).order_by(User.id)))
    requesters = [child.requester for child in queries.children_of(ticket)]
    return _usable(contacts + requesters)


def people_on(ticket: Ticket) -> list[User]:
    """The incident manager, the engineers on it and the assignee."""
    detail = ticket.incident_detail
    people = [detail.manager, *detail.engineers] if detail is not None else []
    return [p for p in _usable([*people, ticket.assignee]) if p.is_staff]


@job
def send_update(update_id: int) -> None:
    """A public update to its readers (clients see the portal's status page), an internal one to
    the people on it. Once: ``mailed_at`` is set in the job's own commit."""
    update = db.session.get(StatusUpdate, update_id)
    if update is None or update.mailed_at is not None:
        return
    ticket = update.ticket
    detail = ticket.incident_detail
    readers = public_readers(ticket) if update.public else people_on(ticket)
    for person in readers:
        staff = person.is_staff
        link = outbound.external_url("incidents.detail", number=ticket.number) if staff else \
            outbound.external_url("status.portal")
        with force_locale(_locale(person)):
            title = ticket.title if staff else (detail.public_summary if detail and detail.public_summary
                                                else _("Service disruption"))
            subject = _("Incident update: %(title)s", title=title)
            if staff:
                subject = f"{subject_tag(ticket.number)} {subject}"
            message = outbound.build(person.email, subject, "incident_update", user=person, update=update,
                                     body=update.body(_locale(person)), title=title, staff=staff, link=link,
                                     posted=when(update.created_at, person),
                                     next_due=when(detail.next_update_due, person) if detail and ticket.is_open
                                     and update.public else None)
        # Staff mail is the incident's own thread; clients' updates thread together and join no ticket.
        outbound.deliver(message, ticket=ticket if staff else None, automatic=outbound.AUTO_GENERATED,
                         thread_key=None if staff else f"status.{ticket.number}")
    update.mailed_at = timeutil.utcnow()
    db.session.commit()


@job
def remind_managers() -> int:
    """Periodic: each incident manager whose next public update is due is told once per due time."""
    now = timeutil.utcnow()
    told = 0
    for ticket_id in queries.due_reminders(now):
        detail = db.session.get(IncidentDetail, ticket_id)
        ticket = detail.ticket
        person = detail.manager if detail.manager is not None and detail.manager.active else ticket.assignee
        if person is not None and person.email:
            with force_locale(_locale(person)):
                message = outbound.build(
                    person.email, f"{subject_tag(ticket.number)} " + _("A status update is due: %(title)s",
                                                                       title=ticket.title),
                    "incident_reminder", user=person, ticket=ticket, due=when(detail.next_update_due, person),
                    link=outbound.external_url("incidents.detail", number=ticket.number))
            outbound.deliver(message, ticket=ticket, automatic=outbound.AUTO_GENERATED)
            told += 1
        detail.reminded_for = detail.next_update_due
        db.session.commit()
    return told
