"""What the ticket page shows of a change, and the window as the reader's local time (the forms'
datetime-local fields carry no zone)."""
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask_babel import get_timezone
from flask_login import current_user

from app.auth.permissions import can_approve_changes
from app.changes import queries
from app.changes.forms import DecisionForm, ResolveProblemsForm, ReviewForm
from app.changes.rules import APPROVAL_LABELS, OUTCOME_LABELS, RISK_LABELS, TYPE_LABELS
from app.problems import queries as problem_queries


def reader_zone() -> ZoneInfo:
    return ZoneInfo(str(get_timezone()))


def to_utc(local: datetime | None) -> datetime | None:
    """A naive local time from a form, in the reader's zone, as aware UTC."""
    return local.replace(tzinfo=reader_zone()).astimezone(UTC) if local else None


def to_local(moment: datetime | None) -> datetime | None:
    """Aware UTC as the naive local time a datetime-local field shows."""
    return moment.astimezone(reader_zone()).replace(tzinfo=None) if moment else None


def labels() -> dict:
    return {"type_labels": TYPE_LABELS, "risk_labels": RISK_LABELS, "outcome_labels": OUTCOME_LABELS,
            "approval_labels": APPROVAL_LABELS}


def context(ticket) -> dict:
    if ticket.kind != "change":
        return {}
    policy = queries.policy()
    detail = queries.details(ticket)
    return {
        "change": detail, "change_entry": queries.entry_for(ticket), "approvals": queries.approvals_of(ticket),
        "approvals_needed": policy.required(detail.risk),
        "may_decide": can_approve_changes(current_user, policy.cab_team)
                      and queries.decision_of(ticket, current_user) is None
                      and ticket in queries.approval_queue(current_user),
        "decision_form": DecisionForm(formdata=None, prefix="decision"),
        "review_form": ReviewForm(formdata=None, prefix="review", outcome=detail.outcome or "", lessons=detail.lessons),
        "caused": queries.caused_links(ticket), "fixes": problem_queries.open_problems_fixed_by(ticket),
        "resolve_form": ResolveProblemsForm(formdata=None, prefix="resolve"),
        **labels(),
    }
