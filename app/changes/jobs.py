"""Mail about changes: the CAB asked for its decision, and the affected organizations' contacts
told of an approved change's window, each in their own language and time zone."""
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from babel import dates
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from app import timeutil
from app.auth.models import User
from app.auth.roles import CLIENT_ROLES, Role
from app.changes import queries
from app.changes.rules import RISK_LABELS, TYPE_LABELS
from app.extensions import db
from app.jobs import job
from app.mail import outbound
from app.tickets.models import Ticket


def _locale(user) -> str:
    return user.locale or current_app.config["DEFAULT_LOCALE"]


def window_text(start, end, user) -> str:
    """The window in the reader's zone and language, e.g. "Sun, 6 Dec 2026, 02:00 – 04:00 (Europe/Kyiv)"."""
    zone = user.timezone or current_app.config["DEFAULT_TIMEZONE"]
    tz, locale = ZoneInfo(zone), _locale(user)
    first = dates.format_datetime(start, "EEE, d MMM y, HH:mm", tzinfo=tz, locale=locale)
    same_day = start.astimezone(tz).date() == end.astimezone(tz).date()
    last = dates.format_datetime(end, "HH:mm" if same_day else "EEE, d MMM y, HH:mm", tzinfo=tz, locale=locale)
    return f"{first} – {last} ({zone})"


def approvers(change: Ticket) -> list[User]:
    cab = queries.policy().cab_team
    if cab is not None:
        people = [m for m in cab.members if m.active and m.is_staff]
    else:
        people = list(db.session.scalars(sa.select(User).where(User.role.in_((Role.MANAGER, Role.ADMIN)),
                                                               User.active.is_(True)).order_by(User.id)))
    decided = {a.approver_id for a in queries.approvals_of(change)}
    return [p for p in people if p.id not in decided]


@job
def notify_approvers(change_id: int) -> None:
    """Each CAB member who has not decided yet gets the change to decide on."""
    change = db.session.get(Ticket, change_id)
    if change is None or change.approval_status != "pending":
        return
    detail = queries.details(change)
    link = outbound.external_url("changes.approvals")
    for person in approvers(change):
        with force_locale(_locale(person)):
            subject = _("Your approval is needed: %(number)s %(title)s", number=change.number, title=change.title)
            window = window_text(detail.planned_start, detail.planned_end, person) if detail.planned_start else "—"
            message = outbound.build(person.email, subject, "change_approval", user=person, change=change,
                                     detail=detail, window=window, link=link,
                                     risk=str(RISK_LABELS[detail.risk]), kind=str(TYPE_LABELS[detail.change_type]))
        outbound.deliver(message, ticket=change, automatic=outbound.AUTO_GENERATED)


@job
def tell_affected_contacts(change_id: int) -> None:
    """Once per change (contacts_told_at): every active contact of the affected organizations."""
    change = db.session.get(Ticket, change_id)
    detail = change.change_detail if change is not None else None
    if detail is None or detail.contacts_told_at is not None or detail.planned_start is None:
        return
    org_ids = [o.id for o in detail.organizations]
    contacts = db.session.scalars(sa.select(User).where(User.organization_id.in_(org_ids), User.role.in_(CLIENT_ROLES),
                                                        User.active.is_(True)).order_by(User.id))
    link = outbound.external_url("home.index")
    for person in contacts:
        with force_locale(_locale(person)):
            subject = _("Planned work on your servers: %(when)s",
                        when=window_text(detail.planned_start, detail.planned_end, person))
            message = outbound.build(person.email, subject, "planned_work", user=person, change=change, detail=detail,
                                     window=window_text(detail.planned_start, detail.planned_end, person), link=link)
        # The contacts are not on the change: their mails thread together, and a reply joins no ticket.
        outbound.deliver(message, automatic=outbound.AUTO_GENERATED, thread_key=f"planned-work.{change.number}")
    detail.contacts_told_at = timeutil.utcnow()
    db.session.commit()
