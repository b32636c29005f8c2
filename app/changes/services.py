"""The write path of changes: describe and plan a change, raise one from a problem or a
template, the CAB's decisions, the post-implementation review, the approval policy and the
organizations' maintenance windows. Status moves go through the ticket core, whose
transition() applies app.changes.rules."""
from datetime import datetime, time
from zoneinfo import available_timezones

import sqlalchemy as sa
from flask_babel import gettext as _

from app import validation
from app.auth.permissions import can_approve_changes, can_manage_change_policy, can_work_problems_and_changes
from app.changes import queries
from app.changes.models import (
    CHANGE_TYPES,
    DECISIONS,
    OUTCOMES,
    RISKS,
    ChangeApproval,
    ChangeDetail,
    ChangePolicy,
    ChangeTemplate,
    MaintenanceWindow,
)
from app.changes.risk import suggest_risk
from app.changes.rules import BEFORE_APPROVAL, RETRO_APPROVAL
from app.errors import Forbidden, ValidationError
from app.extensions import db
from app.tickets import relations
from app.tickets import services as tickets
from app.tickets.models import Ticket
from app.tickets.workflow import CAB, Kind
from app.transactions import transactional

TEXT_LIMIT = 20_000
PLANS = ("implementation_plan", "backout_plan", "test_plan")
FIELDS = ("change_type", "risk", "risk_answers", "planned_start", "planned_end", *PLANS, "client_summary", "organizations")


def _require_staff(actor) -> None:
    if not can_work_problems_and_changes(actor):
        raise Forbidden()


def _require_change(actor, ticket: Ticket) -> None:
    _require_staff(actor)
    if ticket.kind != Kind.CHANGE:
        raise ValidationError.single("ticket", _("%(number)s is not a change.", number=ticket.number))


def _window_text(start: datetime | None, end: datetime | None) -> str | None:
    """A window as the history keeps it: in UTC, said so."""
    return f"{start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M} UTC" if start and end else None


def _checked(values: dict, errors: dict, template=None) -> dict:
    """The change's fields checked: ValidationError-ready messages land in ``errors``."""
    if "change_type" in values:
        if values["change_type"] not in CHANGE_TYPES:
            errors["change_type"] = [_("Choose standard, normal or emergency.")]
        elif values["change_type"] == "standard" and template is None:
            errors["change_type"] = [_("A standard change is raised from a pre-approved template.")]
    if "risk_answers" in values:
        values["risk_answers"] = {k: bool(v) for k, v in (values["risk_answers"] or {}).items()}
    if "risk" in values and not values["risk"]:
        values["risk"] = suggest_risk(values.get("risk_answers") or {})
    if values.get("risk") is not None and values["risk"] not in RISKS:
        errors["risk"] = [_("Choose low, medium or high.")]
    start, end = values.get("planned_start"), values.get("planned_end")
    if "planned_start" in values or "planned_end" in values:
        if (start is None) != (end is None):
            errors["planned_end" if start else "planned_start"] = [_("Give both the start and the end of the window.")]
        elif any(v is not None and v.tzinfo is None for v in (start, end)):
            errors["planned_start"] = [_("Give the window with its time zone.")]
        elif any(v is not None and not validation.moment_ok(v) for v in (start, end)):
            errors["planned_start"] = [_("Give a date between the years %(first)d and %(last)d.",
                                         first=validation.MIN_YEAR, last=validation.MAX_YEAR)]
        elif start is not None and end <= start:
            errors["planned_end"] = [_("The planned end must come after its start.")]
    for name in PLANS:
        if len(values.get(name) or "") > TEXT_LIMIT:
            errors[name] = [_("At most %(n)d characters.", n=TEXT_LIMIT)]
    if len(values.get("client_summary") or "") > 500:
        errors["client_summary"] = [_("At most %(n)d characters.", n=500)]
    if any(not org.active for org in values.get("organizations") or ()):
        errors["organizations"] = [_("This organization is no longer active.")]
    for name in (*PLANS, "client_summary"):
        if values.get(name) is not None:
            values[name] = values[name].strip()
    return values


def _apply(actor, change: Ticket, values: dict) -> list[str]:
    """Write checked values onto the change's details, with an event per change."""
    if change.change_detail is None:
        change.change_detail = ChangeDetail(change_type="normal", risk="low", risk_answers={}, implementation_plan="",
                                            backout_plan="", test_plan="", client_summary="", lessons="")
    detail, changed = change.change_detail, []
    for name in ("change_type", "risk", "client_summary"):
        if name in values and values[name] != getattr(detail, name):
            tickets.record_detail(change, actor, name, getattr(detail, name) or None, values[name])
            setattr(detail, name, values[name])
            changed.append(name)
    if "risk_answers" in values:
        detail.risk_answers = values["risk_answers"]
    if "planned_start" in values and (values["planned_start"], values["planned_end"]) != (detail.planned_start,
                                                                                          detail.planned_end):
        tickets.record_detail(change, actor, "planned_window", _window_text(detail.planned_start, detail.planned_end),
                              _window_text(values["planned_start"], values["planned_end"]))
        detail.planned_start, detail.planned_end = values["planned_start"], values["planned_end"]
        changed.append("planned_window")
    for name in PLANS:
        if name in values and values[name] != getattr(detail, name):
            tickets.record_detail(change, actor, name, None, values[name] or None)
            setattr(detail, name, values[name])
            changed.append(name)
    if "organizations" in values:
        new = sorted({org.id: org for org in values["organizations"]}.values(), key=lambda o: o.name)
        if [o.id for o in new] != [o.id for o in detail.organizations]:
            tickets.record_detail(change, actor, "affected_organizations",
                                  ", ".join(o.code for o in detail.organizations) or None,
                                  ", ".join(o.code for o in new) or None)
            detail.organizations = new
            changed.append("organizations")
    return changed


@transactional
def create_change(actor, *, organization, title: str, description: str = "", team=None, assignee=None,
                  impact=2, urgency=2, category: str = "", affected_system: str = "", via: str = "web",
                  template: ChangeTemplate | None = None, problem: Ticket | None = None, **fields) -> Ticket:
    """A change in draft. Normal unless told otherwise; a template makes it a standard one with
    the template's plans and risk (one that leaves them is a normal change: the CAB decides).
    It affects its own organization unless others are named."""
    _require_staff(actor)
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed.")] for name in sorted(unknown)})
    if template is not None:
        fields["change_type"] = "standard"
        fields["risk"] = fields.get("risk") or template.risk
        for name in (*PLANS, "client_summary"):
            fields.setdefault(name, getattr(template, name))
        title, description = title or template.title, description or template.description
    fields.setdefault("change_type", "normal")
    fields.setdefault("risk", None)
    if not fields.get("organizations") and organization is not None:
        fields["organizations"] = [organization]
    errors: dict[str, list[str]] = {}
    values = _checked(dict(fields), errors, template)
    if template is not None and not template.active:
        errors["template"] = [_("This template is no longer offered.")]
    if problem is not None and problem.kind != Kind.PROBLEM:
        errors["problem"] = [_("%(number)s is not a problem.", number=problem.number)]
    if errors:
        raise ValidationError(errors)
    change = tickets.create_ticket(actor, kind=Kind.CHANGE, title=title, description=description,
                                   organization=organization, team=team, assignee=assignee, impact=impact,
                                   urgency=urgency, category=category, affected_system=affected_system, via=via)
    _apply(actor, change, values)
    change.change_detail.template = template
    _leave_template_if_changed(actor, change)
    if problem is not None:
        relations.link(actor, problem, change, "fixed_by")
    return change


@transactional
def raise_from_problem(actor, problem: Ticket) -> Ticket:
    """One click: a normal change in draft that fixes the problem, with its root cause as the description."""
    if problem.kind != Kind.PROBLEM:
        raise ValidationError.single("problem", _("%(number)s is not a problem.", number=problem.number))
    detail = problem.problem_detail
    cause = detail.root_cause if detail is not None and detail.root_cause else problem.title
    return create_change(actor, organization=problem.organization, title=f"Fix {problem.number}: {problem.title}"[:200],
                         description=_("Root cause: %(cause)s", cause=cause), team=problem.team,
                         category=problem.category, affected_system=problem.affected_system, problem=problem)


# What the CAB approves: none of it changes once a change is under approval or approved.
APPROVED_FIELDS = ("change_type", "risk", "planned_window", *PLANS, "organizations")


def _open_for_edits(change: Ticket, detail) -> bool:
    """Before approval anything goes; an emergency change's plan is written while the work goes
    on, until its (retrospective) approval is given."""
    if change.status in BEFORE_APPROVAL:
        return True
    return (detail is not None and detail.change_type == "emergency" and change.is_open
            and change.status != "awaiting_approval" and change.approval_status != "approved")


def _leave_template_if_changed(actor, change: Ticket) -> None:
    """A standard change is approved by its template: once its plans or risk leave the template's,
    it is a normal change and goes to the CAB."""
    detail = change.change_detail
    template = detail.template if detail is not None else None
    if template is None or detail.change_type != "standard":
        return
    if detail.risk != template.risk or any((getattr(detail, n) or "") != (getattr(template, n) or "") for n in PLANS):
        tickets.record_detail(change, actor, "change_type", "standard", "normal")
        detail.change_type = "normal"


@transactional
def update_change(actor, change: Ticket, **fields) -> list[str]:
    """Describe and plan a change. What the CAB approves (type, risk, window, plans, organizations)
    stays as approved once the CAB has it; an emergency change's plan is written while the work
    goes on, until its approval. A standard change that leaves its template becomes normal."""
    _require_change(actor, change)
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed.")] for name in sorted(unknown)})
    detail = change.change_detail
    if detail is not None and detail.change_type == "standard" and fields.get("change_type") in ("standard", "normal"):
        fields.pop("change_type")  # the form's default: a standard change keeps its type until it leaves its template
    errors: dict[str, list[str]] = {}
    if "planned_start" in fields and "planned_end" not in fields:
        fields["planned_end"] = detail.planned_end if detail else None
    if "planned_end" in fields and "planned_start" not in fields:
        fields["planned_start"] = detail.planned_start if detail else None
    template = detail.template if detail else None
    values = _checked(dict(fields), errors, template)
    if errors:
        raise ValidationError(errors)
    editable = _open_for_edits(change, detail)
    changed = _apply(actor, change, values)
    locked = [name for name in changed if name in APPROVED_FIELDS and not editable]
    if locked:  # raising rolls the whole unit of work back, events included
        raise ValidationError({("planned_start" if n == "planned_window" else n): [
            _("A change under approval or approved keeps what was approved; raise a new change instead.")]
            for n in locked})
    _leave_template_if_changed(actor, change)
    return changed


@transactional
def decide(actor, change: Ticket, decision: str, comment: str = "") -> ChangeApproval:
    """One CAB member's decision. Any rejection rejects; enough approvals for the risk approve.
    An emergency change already at work collects its approval afterwards."""
    _require_change(actor, change)
    policy = queries.policy()
    if not can_approve_changes(actor, policy.cab_team):
        raise Forbidden()
    detail = queries.details(change)
    retro = detail.change_type == "emergency" and change.status in RETRO_APPROVAL and change.approval_status == "pending"
    errors: dict[str, list[str]] = {}
    comment = (comment or "").strip()
    if change.status != "awaiting_approval" and not retro:
        errors["status"] = [_("This change is not waiting for approval.")]
    elif not policy.self_approval and actor.id in (change.created_by_id, change.assignee_id, change.requester_id):
        errors["approver"] = [_("The approval policy does not let you approve your own change.")]
    elif queries.decision_of(change, actor) is not None:
        errors["approver"] = [_("You have already decided on this change.")]
    if decision not in DECISIONS:
        errors["decision"] = [_("Approve or reject.")]
    if not comment:
        errors["comment"] = [_("Say why: the comment goes into the change's history.")]
    elif len(comment) > 1000:
        errors["comment"] = [_("At most %(n)d characters.", n=1000)]
    if errors:
        raise ValidationError(errors)
    approvals = sum(1 for a in queries.approvals_of(change) if a.decision == "approve") + (decision == "approve")
    approval = ChangeApproval(ticket_id=change.id, approver_id=actor.id, decision=decision, comment=comment)
    db.session.add(approval)
    tickets.record_detail(change, actor, "approval", None, f"{'approved' if decision == 'approve' else 'rejected'}: {comment}")
    if decision == "reject" and not retro:
        tickets.transition(actor, change, "rejected", side=CAB)
    elif decision == "approve" and not retro and approvals >= policy.required(detail.risk):
        tickets.transition(actor, change, "approved", side=CAB)
    elif retro and (decision == "reject" or approvals >= policy.required(detail.risk)):
        change.approval_status = "rejected" if decision == "reject" else "approved"
    return approval


@transactional
def record_review(actor, change: Ticket, *, outcome: str, lessons: str = "", caused: list[Ticket] = ()) -> None:
    """The post-implementation review: how it went, the incidents it caused, what we learned."""
    _require_change(actor, change)
    errors: dict[str, list[str]] = {}
    if change.status != "review":
        errors["status"] = [_("A change is reviewed after its implementation.")]
    if outcome not in OUTCOMES:
        errors["outcome"] = [_("Choose successful, failed or backed out.")]
    if len(lessons or "") > TEXT_LIMIT:
        errors["lessons"] = [_("At most %(n)d characters.", n=TEXT_LIMIT)]
    wrong = [t.number for t in caused if t.kind != Kind.INCIDENT]
    if wrong:
        errors["caused"] = [_("%(number)s is not an incident.", number=", ".join(wrong))]
    if errors:
        raise ValidationError(errors)
    linked = {ln.source_id for ln in queries.caused_links(change)}
    detail = change.change_detail or queries.details(change)
    if change.change_detail is None:
        change.change_detail = detail
    for name, value in (("outcome", outcome), ("lessons", (lessons or "").strip())):
        if value != getattr(detail, name):
            tickets.record_detail(change, actor, name, getattr(detail, name) or None, value)
            setattr(detail, name, value)
    pending = [t for t in caused if t.id not in linked]
    for incident in pending:
        relations.link(actor, incident, change, "caused_by")


# -- the policy, windows and templates (managers) ------------------------------------------------

def _require_manager(actor) -> None:
    if not can_manage_change_policy(actor):
        raise Forbidden()


@transactional
def save_policy(actor, *, approvals_low: int, approvals_medium: int, approvals_high: int, self_approval: bool = False,
                cab_team=None) -> ChangePolicy:
    _require_manager(actor)
    errors = {name: [_("Between 1 and 9 approvals.")] for name, value in (
        ("approvals_low", approvals_low), ("approvals_medium", approvals_medium), ("approvals_high", approvals_high))
        if not isinstance(value, int) or not 1 <= value <= 9}
    if cab_team is not None and not cab_team.active:
        errors["cab_team"] = [_("This team is no longer active.")]
    if errors:
        raise ValidationError(errors)
    policy = db.session.scalar(sa.select(ChangePolicy).order_by(ChangePolicy.id)) or ChangePolicy()
    db.session.add(policy)
    policy.approvals_low, policy.approvals_medium, policy.approvals_high = approvals_low, approvals_medium, approvals_high
    policy.self_approval, policy.cab_team = bool(self_approval), cab_team
    return policy


@transactional
def add_window(actor, organization, *, weekday: int, start_time: time, duration_minutes: int,
               timezone: str = "Europe/Kyiv") -> MaintenanceWindow:
    """A weekly maintenance window of an organization."""
    _require_manager(actor)
    errors: dict[str, list[str]] = {}
    if weekday not in range(7):
        errors["weekday"] = [_("Choose a day of the week.")]
    if not isinstance(start_time, time):
        errors["start_time"] = [_("Give the start as HH:MM.")]
    if not isinstance(duration_minutes, int) or not 15 <= duration_minutes <= 24 * 60:
        errors["duration_minutes"] = [_("Between 15 minutes and 24 hours.")]
    if timezone not in available_timezones():
        errors["timezone"] = [_("Unknown time zone.")]
    if errors:
        raise ValidationError(errors)
    window = MaintenanceWindow(organization=organization, weekday=weekday, start_time=start_time,
                               duration_minutes=duration_minutes, timezone=timezone, active=True)
    db.session.add(window)
    return window


@transactional
def retire_window(actor, window: MaintenanceWindow) -> None:
    _require_manager(actor)
    window.active = False


@transactional
def retire_template(actor, template: ChangeTemplate) -> None:
    """No more changes raised from it; those already raised keep it."""
    _require_manager(actor)
    template.active = False


@transactional
def save_template(actor, template: ChangeTemplate | None, *, name: str, title: str, risk: str = "low",
                  description: str = "", implementation_plan: str = "", backout_plan: str = "", test_plan: str = "",
                  client_summary: str = "", active: bool = True) -> ChangeTemplate:
    _require_manager(actor)
    errors: dict[str, list[str]] = {}
    name, title = (name or "").strip(), (title or "").strip()
    if not name:
        errors["name"] = [_("Please give a name.")]
    clash = db.session.scalar(sa.select(ChangeTemplate.id).where(ChangeTemplate.name == name))
    if clash is not None and (template is None or clash != template.id):
        errors["name"] = [_("A template with this name already exists.")]
    if len(title) < 3:
        errors["title"] = [_("Please give a short title that says what is wrong.")]
    if risk not in RISKS:
        errors["risk"] = [_("Choose low, medium or high.")]
    if errors:
        raise ValidationError(errors)
    template = template or ChangeTemplate()
    db.session.add(template)
    template.name, template.title, template.risk, template.description = name, title[:200], risk, description.strip()
    template.implementation_plan, template.backout_plan = implementation_plan.strip(), backout_plan.strip()
    template.test_plan, template.client_summary, template.active = test_plan.strip(), client_summary.strip()[:500], active
    return template
