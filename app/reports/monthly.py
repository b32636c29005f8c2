"""The monthly report a provider sends each client: compliance per priority, the breaches with
their explanations, incidents per CI, changes on their infrastructure, time used — one
organization and one month, in the reader's zone; mailed to the client administrators at the
start of each month (``deliver_due``, a periodic job, through the outbox)."""
import logging
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from babel import dates
from flask import current_app
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from app import timeutil
from app.auth.models import User
from app.auth.roles import Role
from app.extensions import db
from app.jobs import enqueue_after_commit, job
from app.mail import outbound
from app.orgs.models import Organization
from app.orgs.overview import contract_use
from app.reports import sla as report
from app.reports.models import MonthlyDelivery
from app.reports.params import next_month
from app.tickets.models import Ticket, Worklog
from app.transactions import transactional
from cmdb.models import CI, TicketCI

log = logging.getLogger(__name__)


def monthly(organization: Organization, month: date, zone: str, now=None) -> dict:
    """Everything the client's page shows for ``month`` (its first day)."""
    scope = report.month_scope(month, zone=zone, organization_id=organization.id)
    first, after = scope.bounds()
    of_org = sa.and_(Ticket.organization_id == organization.id, Ticket.created_at >= first, Ticket.created_at < after)
    per_ci = db.session.execute(
        sa.select(CI.id, CI.name, CI.organization_id, sa.func.count(sa.distinct(Ticket.id)))
        .select_from(TicketCI).join(CI, CI.id == TicketCI.ci_id).join(Ticket, Ticket.id == TicketCI.ticket_id)
        .where(of_org, Ticket.kind == "incident", TicketCI.impact != "not_impacted")
        .group_by(CI.id, CI.name, CI.organization_id).order_by(sa.func.count(sa.distinct(Ticket.id)).desc(), CI.name))
    changes = db.session.scalars(
        sa.select(Ticket).where(Ticket.organization_id == organization.id, Ticket.kind == "change",
                                sa.or_(sa.and_(Ticket.created_at >= first, Ticket.created_at < after),
                                       sa.and_(Ticket.resolved_at >= first, Ticket.resolved_at < after)))
        .order_by(Ticket.created_at))
    billable, total = db.session.execute(
        sa.select(sa.func.sum(sa.case((Worklog.billable.is_(True), Worklog.minutes), else_=0)),
                  sa.func.sum(Worklog.minutes))
        .join(Ticket, Ticket.id == Worklog.ticket_id)
        .where(Ticket.organization_id == organization.id, Worklog.work_date >= month,
               Worklog.work_date < next_month(month))).one()
    return {"organization": organization, "month": month, "zone": zone,
            "sla": report.report(scope, "priority"), "breaches": report.breaches(scope, now),
            "incidents": [{"ci": name if org_id == organization.id else None, "incidents": count}
                          for _id, name, org_id, count in per_ci],
            "incidents_total": db.session.scalar(sa.select(sa.func.count()).where(of_org, Ticket.kind == "incident")),
            "changes": list(changes), "billable_minutes": int(billable or 0), "total_minutes": int(total or 0),
            "contract": contract_use(organization.contract_minutes, int(billable or 0))}


def previous_month(now: datetime, zone: str) -> date:
    local = now.astimezone(ZoneInfo(zone or "UTC")).date().replace(day=1)
    return date(local.year - 1, 12, 1) if local.month == 1 else date(local.year, local.month - 1, 1)


def _admins(organization_id: int) -> list[User]:
    return list(db.session.scalars(sa.select(User).where(
        User.organization_id == organization_id, User.role == Role.CLIENT_ADMIN, User.active.is_(True),
        User.email != "").order_by(User.id)))


@transactional
def queue_deliveries(now: datetime, zone: str) -> int:
    """Ask for last month's mail of every active organization with a client administrator, once
    (a delivery row per organization and month, written with the outbox row)."""
    month = previous_month(now, zone)
    done = sa.select(MonthlyDelivery.organization_id).where(MonthlyDelivery.month == month)
    with_admins = sa.select(User.organization_id).where(User.role == Role.CLIENT_ADMIN, User.active.is_(True))
    due = db.session.scalars(sa.select(Organization.id).where(
        Organization.active.is_(True), Organization.id.in_(with_admins), Organization.id.not_in(done))).all()
    for organization_id in due:
        db.session.add(MonthlyDelivery(organization_id=organization_id, month=month, queued_at=now))
        enqueue_after_commit("app.reports.monthly.mail_monthly_report", organization_id, month.isoformat(),
                             queue="mail")
    return len(due)


@job
def deliver_due() -> int:
    """The periodic job: the first hours of a month mail the month before."""
    queued = queue_deliveries(timeutil.utcnow(), current_app.config["DEFAULT_TIMEZONE"])
    if queued:
        log.info("monthly reports: %d organization(s) queued", queued)
    return queued


@job
def mail_monthly_report(organization_id: int, month_iso: str) -> None:
    """One mail per client administrator, in their language and zone, with the month's
    headline numbers and a link to the page in the portal."""
    organization = db.session.get(Organization, organization_id)
    if organization is None:
        return
    month = date.fromisoformat(month_iso)
    link = outbound.external_url("client_reports.monthly", month=month.strftime("%Y-%m"))
    provider = current_app.config.get("PROVIDER_NAME", "Zayavka")
    for person in _admins(organization_id):
        zone = person.timezone or current_app.config["DEFAULT_TIMEZONE"]
        found = monthly(organization, month, zone)
        with force_locale(person.locale or current_app.config["DEFAULT_LOCALE"]):
            label = month_label(month)
            message = outbound.build(person.email, _("Your service report for %(month)s", month=label),
                                     "reports/monthly", person=person, report=found, link=link, month_label=label,
                                     provider=provider)
        outbound.deliver(message, automatic=outbound.AUTO_GENERATED)


def month_label(month: date) -> str:
    """"March 2026" in the current language (the nominative, as a heading)."""
    return dates.format_date(month, "LLLL y", locale=get_locale())
