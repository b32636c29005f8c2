"""What a problem's status follows beyond its workflow table, answered at the ticket core's
doors (app/tickets/doors.py): a known error needs its workaround, and raises the known-error flag."""
from flask_babel import gettext as _

from app import timeutil
from app.tickets import doors
from app.tickets.workflow import Kind


def check(ticket, *, actor, status: str, side: str, errors: dict) -> None:
    if ticket.kind != Kind.PROBLEM:
        return
    detail = ticket.problem_detail
    if status == "known_error" and (detail is None or not detail.workaround.strip()):
        errors.setdefault("workaround", []).append(_("A known error needs its workaround: write it first."))


def after(ticket, *, actor, old: str, new: str, side: str) -> None:
    if ticket.kind != Kind.PROBLEM:
        return
    detail = ticket.problem_detail
    if new == "known_error" and detail is not None and not detail.known_error:
        detail.known_error, detail.known_error_at = True, timeutil.utcnow()


def init_app(app) -> None:
    doors.status_changing.connect(check)
    doors.status_changed.connect(after)
