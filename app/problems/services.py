"""The write path of problems: root cause and workaround, incidents gathered, the known
error, and resolving a problem (and its incidents) once the change that fixes it is done.
Status moves go through the ticket core (app.tickets.services.transition)."""
import sqlalchemy as sa
from flask_babel import gettext as _

from app.auth.permissions import can_work_problems_and_changes
from app.errors import Forbidden, ValidationError
from app.extensions import db
from app.problems.models import ProblemDetail
from app.tickets import relations
from app.tickets import services as tickets
from app.tickets.models import Ticket
from app.tickets.queries import linking_to
from app.tickets.workflow import Kind
from app.transactions import transactional

LIMIT = 20_000


def _require(actor, ticket, kind: str = Kind.PROBLEM) -> None:
    if not can_work_problems_and_changes(actor):
        raise Forbidden()
    if ticket.kind != kind:
        raise ValidationError.single("ticket", _("%(number)s is not a problem.", number=ticket.number))


def detail_of(ticket: Ticket) -> ProblemDetail:
    """The problem's details, made when first written."""
    if ticket.problem_detail is None:
        ticket.problem_detail = ProblemDetail(root_cause="", workaround="", known_error=False)
    return ticket.problem_detail


@transactional
def update_problem(actor, problem: Ticket, *, root_cause: str | None = None, workaround: str | None = None) -> list[str]:
    """Write the root cause and the workaround. Returns the fields that changed."""
    _require(actor, problem)
    values = {"root_cause": root_cause, "workaround": workaround}
    errors = {name: [_("At most %(n)d characters.", n=LIMIT)] for name, value in values.items()
              if value is not None and len(value) > LIMIT}
    if problem.problem_detail is not None and problem.problem_detail.known_error and workaround is not None \
            and not workaround.strip():
        errors["workaround"] = [_("A known error keeps its workaround.")]
    if errors:
        raise ValidationError(errors)
    detail, changed = detail_of(problem), []
    for name, value in values.items():
        if value is None or value.strip() == (getattr(detail, name) or ""):
            continue
        tickets.record_detail(problem, actor, name, getattr(detail, name) or None, value.strip())
        setattr(detail, name, value.strip())
        changed.append(name)
    return changed


@transactional
def mark_known_error(actor, problem: Ticket, workaround: str) -> None:
    """The workaround written and the problem a known error, in one step."""
    _require(actor, problem)
    workaround = (workaround or "").strip()
    if not workaround:
        raise ValidationError.single("workaround", _("A known error needs its workaround: write it first."))
    detail = detail_of(problem)
    if workaround != detail.workaround:
        tickets.record_detail(problem, actor, "workaround", detail.workaround or None, workaround)
        detail.workaround = workaround
    tickets.transition(actor, problem, "known_error")


@transactional
def save_problem(actor, problem: Ticket, *, root_cause: str, workaround: str, known_error: bool = False) -> None:
    """The problem panel's form: root cause and workaround, and (ticked) the known error."""
    update_problem(actor, problem, root_cause=root_cause, workaround=workaround)
    if known_error:
        mark_known_error(actor, problem, workaround)


@transactional
def gather_incidents(actor, problem: Ticket, incidents: list[Ticket]) -> list[str]:
    """Link incidents to the problem (INC caused_by PRB). Returns the numbers newly linked;
    an incident linked already is left as it is."""
    _require(actor, problem)
    errors = [_("%(number)s is not an incident.", number=t.number) for t in incidents if t.kind != Kind.INCIDENT]
    if errors:
        raise ValidationError({"incidents": errors})
    return relations.link_all(actor, incidents, problem, "caused_by")


@transactional
def resolve_with_change(actor, change: Ticket, message: str) -> list[str]:
    """After a successful change: resolve the problems it fixes and their open incidents, and
    tell the incidents' requesters (``message``, a public reply). Returns the numbers resolved."""
    _require(actor, change, Kind.CHANGE)
    message = (message or "").strip()
    if not message:
        raise ValidationError.single("message", _("Write the message the requesters will read."))
    if change.change_detail is None or change.change_detail.outcome != "successful":
        raise ValidationError.single("message", _("Only a successful change resolves its problems."))
    problems = list(db.session.scalars(sa.select(Ticket).where(
        linking_to(change, "fixed_by"), Ticket.kind == Kind.PROBLEM, Ticket.is_open.is_(True))
        .order_by(Ticket.id)))
    resolved = []
    for problem in problems:
        for incident in db.session.scalars(sa.select(Ticket).where(
                linking_to(problem, "caused_by"), Ticket.kind == Kind.INCIDENT,
                Ticket.is_open.is_(True)).order_by(Ticket.id)).all():
            tickets.reply(actor, incident, message)
            tickets.transition(actor, incident, "resolved", resolution_code="fixed", resolution=message)
            resolved.append(incident.number)
        tickets.transition(actor, problem, "resolved",
                           resolution=_("Fixed by %(number)s: %(title)s", number=change.number, title=change.title))
        resolved.append(problem.number)
    return resolved
