"""The SLA engine at the ticket core's doors: each receiver moves the ticket's clock inside the
unit of work that made the change, so the clock and the change commit or vanish together.

- ticket_created: the policy is chosen and the clock starts;
- message_posted: staff's public reply meets first/next response, a client's starts next response;
- status_changed: pausing statuses pause, final ones stop (resolution met), reopening resumes;
- field_changed (priority): the due times are recomputed from the segments, and an event says so.
"""
import functools

from sqlalchemy.orm.attributes import set_committed_value

from app import timeutil
from app.extensions import db
from app.jobs import watch
from app.tickets import doors
from app.tickets.services import record
from sla import clock as clocks
from sla.models import SlaPolicy, TicketClock
from sla.policy import VERSION, policy_for


def _quietly(receiver):
    """No autoflush while a receiver reads: the core's pending changes to the ticket go out in one
    UPDATE (one version), not one per door."""
    @functools.wraps(receiver)
    def run(*args, **kwargs):
        with db.session.no_autoflush:
            return receiver(*args, **kwargs)
    return run


@_quietly
def on_created(ticket, *, actor) -> None:
    policy = policy_for(ticket)
    if policy is None:
        set_committed_value(ticket, "sla_clock", None)  # a new ticket has none: no look-up to say so
        return
    clock = clocks.start(ticket, policy, ticket.created_at or timeutil.utcnow())
    db.session.add(clock)
    set_committed_value(ticket, "sla_clock", clock)  # the answer of the door that created it reads it
    clocks.refresh(clock, ticket, timeutil.utcnow())


@_quietly
def on_message(message, *, actor) -> None:
    if message.internal:
        return
    clock = db.session.get(TicketClock, message.ticket_id)
    if clock is None:
        return
    clocks.apply_message(clock, message.ticket, by_staff=bool(actor is not None and actor.is_staff),
                         at=message.created_at)
    clocks.refresh(clock, message.ticket, timeutil.utcnow())


@_quietly
def on_status(ticket, *, actor, old: str, new: str, side: str) -> None:
    clock = db.session.get(TicketClock, ticket.id)
    if clock is None:
        return
    now = timeutil.utcnow()
    clocks.apply_status(clock, ticket, new, now)
    clocks.refresh(clock, ticket, now)


def due_summary(ticket) -> str:
    def show(moment):
        return moment.isoformat(timespec="minutes") if moment else "-"
    return f"first response {show(ticket.first_response_due)}, resolution {show(ticket.resolution_due)}"


@_quietly
def on_field(ticket, *, actor, field: str, old, new) -> None:
    if field != "priority":
        return
    clock = db.session.get(TicketClock, ticket.id)
    if clock is None:
        return
    before = due_summary(ticket)
    clocks.refresh(clock, ticket, timeutil.utcnow())
    record(ticket, actor, "sla", before, due_summary(ticket))


def init_app(app) -> None:
    watch(VERSION, SlaPolicy)  # which policy fits a new ticket is kept per version (sla/policy.py)
    doors.ticket_created.connect(on_created)
    doors.message_posted.connect(on_message)
    doors.status_changed.connect(on_status)
    doors.field_changed.connect(on_field)
