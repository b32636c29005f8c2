"""What a problem's status follows beyond its workflow table (called by the ticket core's
transition()): a known error needs its workaround, and raises the known-error flag."""
from flask_babel import gettext as _

from app import timeutil
from app.tickets.workflow import STAFF, workflow


def side(ticket, status: str, who: str) -> str:
    return who


def check(ticket, status: str, errors: dict) -> None:
    detail = ticket.problem_detail
    if status == "known_error" and (detail is None or not detail.workaround.strip()):
        errors.setdefault("workaround", []).append(_("A known error needs its workaround: write it first."))


def after(actor, ticket, status: str, who: str) -> None:
    detail = ticket.problem_detail
    if status == "known_error" and detail is not None and not detail.known_error:
        detail.known_error, detail.known_error_at = True, timeutil.utcnow()


def targets(ticket) -> list[str]:
    return workflow(ticket.kind).targets(ticket.status, STAFF)
