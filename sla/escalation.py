"""Escalations: a periodic sweep finds the thresholds whose time has come; a job per threshold
fires it.

Every minute (app/jobs/worker.py PERIODIC) one worker runs ``sweep_job``. The sweep is set-based
and does no calendar arithmetic: per batch of tickets due for a look (``next_sla_check_at <= now``,
through its index), one query reads their unfired thresholds with ``at <= now``, one
INSERT … ON CONFLICT DO NOTHING puts one outbox job per threshold with a deterministic key
(``sla:<ticket>:<target>:<level>:<at>``). A second sweep, or two racing, find the keys taken and
enqueue nothing. The sweep writes no ticket that has a job coming: the job moves the ticket's next
check when it fires (it locks and writes the ticket anyway; writing 10,000 wide, much-indexed
ticket rows cost the sweep seconds at a million tickets); only a ticket due for a look that has
nothing due (its clock moved meanwhile) gets its next check moved by the sweep. The batches walk
the due tickets by (next check, id), so tickets left due are not read twice in one sweep.

The job (``fire``) locks the ticket, recomputes its clock under the current time (the threshold
may have moved: a pause, a reply, a new priority), and fires every threshold of the ticket that is
still due, in order, with a conditional UPDATE (``fired_at = now WHERE id = … AND fired_at IS
NULL``); only the call whose UPDATE hit the row writes the event, marks a breach (at 100 %) and
asks for the mails. A threshold no longer due is left for a later sweep (refresh moved it)."""
import logging
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql

from app import timeutil
from app.auth.models import User
from app.auth.permissions import SHELL
from app.auth.roles import Role
from app.extensions import db
from app.jobs import enqueue_after_commit, enqueue_unique_after_commit, job
from app.mail import outbound
from app.orgs.models import Team
from app.tickets.models import Ticket
from app.tickets.numbering import subject_tag
from app.tickets.services import record, update_ticket
from app.tickets.workflow import levels_for
from app.transactions import transactional, unit_of_work
from sla import clock as clocks
from sla import policy as policies
from sla.models import SlaDeferredMail, SlaThreshold, TicketClock

BATCH = 5000
log = logging.getLogger(__name__)


def due_tickets(now, after=None, limit: int = BATCH) -> list[tuple]:
    """(next check, id) of tickets due for a look, in that order, after the pair ``after``."""
    query = sa.select(Ticket.next_sla_check_at, Ticket.id).where(Ticket.next_sla_check_at <= now)
    if after is not None:  # (compared column by column, so each value is bound with its column's type)
        moment, last_id = after
        query = query.where(sa.or_(Ticket.next_sla_check_at > moment,
                                   sa.and_(Ticket.next_sla_check_at == moment, Ticket.id > last_id)))
    return list(db.session.execute(query.order_by(Ticket.next_sla_check_at, Ticket.id).limit(limit)))


def due_ticket_ids(now, limit: int = BATCH) -> list[int]:
    return [row.id for row in due_tickets(now, limit=limit)]


def job_key(ticket_id: int, target: str, level: int, at: datetime) -> str:
    """One job per ticket, target, level and due instant: asked for again, it is the same job."""
    return f"sla:{ticket_id}:{target}:{level}:{int(at.astimezone(UTC).timestamp())}"


def _among(column, ids: list[int]):
    """``column IN ids``; on PostgreSQL ``= ANY(array)``, one parameter instead of thousands."""
    if db.session.get_bind().dialect.name == "postgresql":
        return column == sa.any_(sa.bindparam("ids", ids, type_=postgresql.ARRAY(sa.Integer)))
    return column.in_(ids)


def _enqueue_batch(ticket_ids: list[int], now) -> int:
    """One unit of work: the jobs of these tickets' due thresholds, and their next check moved on."""
    with unit_of_work():
        due = db.session.execute(
            sa.select(SlaThreshold.id, SlaThreshold.ticket_id, SlaThreshold.target, SlaThreshold.level,
                      SlaThreshold.at)
            .where(_among(SlaThreshold.ticket_id, ticket_ids), SlaThreshold.fired_at.is_(None),
                   SlaThreshold.at <= now)
            .order_by(SlaThreshold.ticket_id, SlaThreshold.at, SlaThreshold.target, SlaThreshold.level)).all()
        added = enqueue_unique_after_commit(
            "sla.escalation.fire",
            [(job_key(r.ticket_id, r.target, r.level, r.at), [r.id, now.isoformat()]) for r in due])
        idle = sorted(set(ticket_ids) - {r.ticket_id for r in due})
        if idle:
            later = (sa.select(sa.func.min(SlaThreshold.at))
                     .where(SlaThreshold.ticket_id == Ticket.id, SlaThreshold.fired_at.is_(None),
                            SlaThreshold.at > now)
                     .scalar_subquery())
            db.session.execute(sa.update(Ticket).where(_among(Ticket.id, idle), Ticket.next_sla_check_at <= now)
                               .values(next_sla_check_at=later).execution_options(synchronize_session=False))
        return added


def _enqueue_deferred(now) -> int:
    """The jobs of the deferred mails whose recipient's working hours have begun."""
    with unit_of_work():
        rows = db.session.scalars(sa.select(SlaDeferredMail.id).where(
            SlaDeferredMail.sent_at.is_(None), SlaDeferredMail.send_at <= now).order_by(SlaDeferredMail.send_at)
            .limit(BATCH)).all()
        return enqueue_unique_after_commit("sla.escalation.send_deferred", [(f"sla-mail:{i}", [i]) for i in rows],
                                           queue="mail")


def sweep(now=None) -> int:
    """Enqueue a job for everything due at ``now`` (default: the clock); returns how many jobs
    were new (a threshold already asked for is not asked for again)."""
    now = now or timeutil.utcnow()
    total = 0
    after = None
    while True:
        rows = due_tickets(now, after)
        db.session.rollback()  # end the read
        if not rows:
            break
        total += _enqueue_batch([row.id for row in rows], now)
        if len(rows) < BATCH:
            break
        after = tuple(rows[-1])
    total += _enqueue_deferred(now)
    db.session.remove()
    return total


@job
def sweep_job() -> int:
    enqueued = sweep()
    if enqueued:
        log.info("sla sweep enqueued %d escalation jobs", enqueued)
    return enqueued


@job
def fire(threshold_id: int, swept_at: str | None = None) -> list[int]:
    """Fire the threshold if it is still due under the current clock, with any earlier one of its
    ticket still due (so the levels fire in order whatever the workers' order). The time is never
    before the sweep's (a worker whose clock lags must not leave the threshold unfired: the same
    key would never be asked for again)."""
    now = timeutil.utcnow()
    if swept_at is not None:
        now = max(now, datetime.fromisoformat(swept_at))
    return fire_due(threshold_id, now)


@transactional
def fire_due(threshold_id: int, now) -> list[int]:
    """Returns the ids of the thresholds this call fired."""
    ticket_id = db.session.scalar(sa.select(SlaThreshold.ticket_id).where(SlaThreshold.id == threshold_id))
    if ticket_id is None:
        return []
    # Racing jobs of one ticket queue here (FOR UPDATE; SQLite's BEGIN IMMEDIATE already holds the
    # write lock), and everything below is read after the lock: fresh.
    ticket = db.session.scalars(sa.select(Ticket).where(Ticket.id == ticket_id).with_for_update()
                                .execution_options(populate_existing=True)).one()
    row = db.session.get(SlaThreshold, threshold_id, populate_existing=True)
    if row.fired_at is not None:
        return []
    clock = db.session.get(TicketClock, ticket.id, populate_existing=True)
    if clock is None:
        return []
    fired = []
    with db.session.no_autoflush:  # one UPDATE of the ticket
        clocks.refresh(clock, ticket, now)  # where the thresholds stand now
    db.session.flush()
    due = db.session.scalars(sa.select(SlaThreshold).where(
        SlaThreshold.ticket_id == ticket.id, SlaThreshold.fired_at.is_(None), SlaThreshold.at <= now)
        .order_by(SlaThreshold.at, SlaThreshold.target, SlaThreshold.level)).all()
    moves = []
    with db.session.no_autoflush:
        for due_row in due:
            hit = db.session.execute(
                sa.update(SlaThreshold).where(SlaThreshold.id == due_row.id, SlaThreshold.fired_at.is_(None))
                .values(fired_at=now).execution_options(synchronize_session=False)).rowcount
            if hit != 1:
                continue  # another job fired it
            db.session.refresh(due_row)
            record(ticket, None, "escalation", None, f"{due_row.target} {due_row.percent}%")
            if due_row.percent >= 100:
                setattr(clock, f"{due_row.target}_breached", True)
            fired.append(due_row.id)
            moves.append(_level_of(clock, due_row))
        if fired:
            clocks.refresh(clock, ticket, now)
            # One mail job for the levels fired together: their mails go out in order.
            enqueue_after_commit("sla.escalation.notify", *fired, queue="mail")
    for level in moves:
        _escalate(ticket, level)
    return fired


def _level_of(clock, row: SlaThreshold) -> dict:
    chosen = policies.levels(policies.clock_terms(clock))
    return chosen[row.level] if row.level < len(chosen) else {}


def _escalate(ticket, level: dict) -> None:
    """A level's moves besides its mails: to the escalation team (its assignee cleared) and one
    priority up, through the ticket core (events, and the clock recomputed at the doors)."""
    changes = {}
    team = db.session.get(Team, level["team_id"]) if level.get("team_id") else None
    if team is not None and team.active and ticket.team_id != team.id:
        changes.update(team=team, assignee=None)
    if level.get("raise_priority") and ticket.priority > 1:
        impact, urgency = levels_for(ticket.priority - 1, current_app.config.get("PRIORITY_MATRIX"))
        changes.update(impact=impact, urgency=urgency)
    if changes:
        update_ticket(SHELL, ticket, **changes)


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


def _zone(person) -> str:
    return person.timezone or current_app.config.get("DEFAULT_TIMEZONE") or "UTC"


def mail_time(policy, person, now: datetime) -> datetime | None:
    """None when the person may be mailed now; else the start of their next working interval —
    when the policy keeps escalation mails to working hours: its calendar's week and dated rows,
    read in the person's own zone (a manager in Berlin is not mailed at 03:00 Berlin time)."""
    if policy is None or not policy.mail_in_working_hours:
        return None
    working = policies.personal_calendar(policy.calendar, _zone(person)).next_working(now)
    return None if working.astimezone(UTC) <= now else working.astimezone(UTC)


def _send(row: SlaThreshold, ticket, person) -> None:
    link = outbound.external_url("tickets.detail", number=ticket.number)
    with force_locale(person.locale or current_app.config["DEFAULT_LOCALE"]):
        target = TARGET_NAMES[row.target]()
        if row.percent >= 100:
            subject = _("SLA breached (%(target)s): %(title)s", target=target, title=ticket.title)
        else:
            subject = _("%(percent)d%% of the %(target)s time used: %(title)s", percent=row.percent,
                        target=target, title=ticket.title)
        zone = _zone(person)
        reached = row.at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")
        message = outbound.build(person.email, f"{subject_tag(ticket.number)} {subject}", "sla/escalation",
                                 ticket=ticket, person=person, link=link, row=row, target=target,
                                 reached=f"{reached} ({zone})")
    outbound.deliver(message, ticket=ticket, automatic=outbound.AUTO_GENERATED)


@job
def notify(*threshold_ids: int) -> None:
    """The mails of fired levels, in order: now, or (policy permitting) at each recipient's next
    working hour — those wait as rows the sweep sends then."""
    for threshold_id in threshold_ids:
        _notify(threshold_id)


def _notify(threshold_id: int) -> None:
    row = db.session.get(SlaThreshold, threshold_id)
    if row is None:
        return
    ticket = db.session.get(Ticket, row.ticket_id)
    clock = db.session.get(TicketClock, ticket.id)
    policy = clock.policy if clock is not None else None
    now = timeutil.utcnow()
    later = []
    for person in recipients(ticket, row.action):
        when = mail_time(policy, person, now)
        if when is None:
            _send(row, ticket, person)
        else:
            later.append((person.id, when))
    if later:
        with unit_of_work():
            for user_id, when in later:
                db.session.add(SlaDeferredMail(threshold_id=row.id, user_id=user_id, send_at=when))


@job
def send_deferred(mail_id: int) -> None:
    """A deferred escalation mail, once: claimed by a conditional UPDATE, then sent."""
    with unit_of_work():
        claimed = db.session.execute(sa.update(SlaDeferredMail).where(
            SlaDeferredMail.id == mail_id, SlaDeferredMail.sent_at.is_(None)).values(
            sent_at=timeutil.utcnow())).rowcount
    if claimed != 1:
        return
    mail = db.session.get(SlaDeferredMail, mail_id)
    person = db.session.get(User, mail.user_id)
    row = db.session.get(SlaThreshold, mail.threshold_id)
    if person is None or row is None or not _active_staff([person]):
        return
    _send(row, db.session.get(Ticket, row.ticket_id), person)
