"""What a change's status follows beyond its workflow table, answered at the ticket core's
doors (app/tickets/doors.py): which side makes a step (an emergency change starts work
before its approval; a standard change is approved by its template), what a step needs
(a window before the CAB sees it or it is scheduled, an outcome before it closes), and
what follows it (the approval asked for, the mails enqueued)."""
from flask_babel import gettext as _

from app import jobs
from app.changes.models import ChangeDetail
from app.i18n import lazy_gettext as _l
from app.tickets import doors
from app.tickets.workflow import CAB, EMERGENCY, STAFF, STANDARD, Kind, workflow

TYPE_LABELS = {"standard": _l("Standard"), "normal": _l("Normal"), "emergency": _l("Emergency")}
RISK_LABELS = {"low": _l("Low"), "medium": _l("Medium"), "high": _l("High")}
OUTCOME_LABELS = {"successful": _l("Successful"), "failed": _l("Failed"), "backed_out": _l("Backed out")}
APPROVAL_LABELS = {"pending": _l("Waiting for approval"), "approved": _l("Approved"), "rejected": _l("Rejected")}

BEFORE_APPROVAL = ("draft", "submitted", "assessment")
RETRO_APPROVAL = ("implementing", "review", "closed")  # an emergency change's approval comes in these


def details(ticket) -> ChangeDetail:
    """The change's details, or the defaults of a change nobody described yet (not added to the session)."""
    if ticket.change_detail is not None:
        return ticket.change_detail
    return ChangeDetail(change_type="normal", risk="low", risk_answers={}, implementation_plan="", backout_plan="",
                        test_plan="", client_summary="", lessons="")


class ChangeRules(doors.KindRules):
    def side(self, ticket, status: str, who: str) -> str:
        kind = details(ticket).change_type
        if who == STAFF and status == "implementing" and kind == "emergency" and ticket.status != "scheduled":
            return EMERGENCY
        if who == STAFF and status == "approved" and kind == "standard":
            return STANDARD
        return who

    def targets(self, ticket) -> list[str]:
        flow = workflow(ticket.kind)
        found = flow.targets(ticket.status, STAFF)
        for special in (EMERGENCY, STANDARD):
            found += [t for t in flow.targets(ticket.status, special) if self.side(ticket, t, STAFF) == special]
        return found


def check(ticket, *, actor, status: str, side: str, errors: dict) -> None:
    if ticket.kind != Kind.CHANGE:
        return
    change = details(ticket)
    needs_window = status in ("awaiting_approval", "scheduled") or (status == "approved" and change.change_type == "standard")
    if needs_window and (change.planned_start is None or change.planned_end is None):
        errors.setdefault("planned_start", []).append(_("Plan the change's window first."))
    if status == "awaiting_approval" and (not change.implementation_plan.strip() or not change.backout_plan.strip()):
        errors.setdefault("implementation_plan", []).append(
            _("The CAB needs the implementation and backout plans."))
    if status == "closed" and ticket.status == "review" and not change.outcome:
        errors.setdefault("outcome", []).append(_("Record the review's outcome before closing the change."))


def after(ticket, *, actor, old: str, new: str, side: str) -> None:
    """In the transition's transaction: the approval it asks for, and the mails that follow it."""
    if ticket.kind != Kind.CHANGE:
        return
    status, who = new, side
    if status == "awaiting_approval" or who == EMERGENCY:
        ticket.approval_status = "pending"
        jobs.enqueue_after_commit("app.changes.jobs.notify_approvers", ticket.id, queue="mail")
    elif status == "approved":
        ticket.approval_status = "approved"
        jobs.enqueue_after_commit("app.changes.jobs.tell_affected_contacts", ticket.id, queue="mail")
    elif status == "rejected" and who == CAB:
        ticket.approval_status = "rejected"


def init_app(app) -> None:
    doors.register_kind_rules(Kind.CHANGE, ChangeRules())
    doors.status_changing.connect(check)
    doors.status_changed.connect(after)
