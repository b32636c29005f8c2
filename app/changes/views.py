"""Changes: the change form, the CAB's queue and decisions, the review, the change calendar,
maintenance windows, standard-change templates and the approval policy. Staff only."""
from datetime import date, datetime, timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import validation
from app.auth import permissions
from app.changes import calendar, pages, queries, services
from app.changes.forms import (
    QUESTIONS,
    WEEKDAYS,
    ChangeForm,
    DecisionForm,
    PolicyForm,
    ResolveProblemsForm,
    ReviewForm,
    TemplateForm,
    WindowForm,
)
from app.changes.models import RISKS, ChangeTemplate
from app.errors import NotFound, ValidationError
from app.forms import acted, flash_errors, submitted, timezone_groups
from app.i18n import labels
from app.i18n import lazy_gettext as _l
from app.orgs import queries as org_queries
from app.problems import services as problems
from app.problems.forms import numbers
from app.tickets import queries as tickets
from app.tickets import workspace
from app.tickets.workflow import STATUS_LABELS
from app.timeutil import timezone_choices

bp = Blueprint("changes", __name__)

VIEWS = {"week": _l("Week"), "month": _l("Month")}


@bp.before_request
@login_required
@permissions.staff_required
def require_staff():
    pass


def _back(ticket):
    return redirect(url_for("tickets.detail", number=ticket.number))


def _change_form(**kwargs) -> ChangeForm:
    form = ChangeForm(**kwargs)
    form.organization.choices = workspace.organization_choices()
    form.organizations.choices = workspace.organization_choices(blank=False)
    form.team.choices = workspace.team_choices()
    return form


def _values(form: ChangeForm) -> dict:
    orgs = org_queries.organizations_with_ids(current_user, form.organizations.data)
    return dict(change_type=form.change_type.data, risk=form.risk.data or "",
                risk_answers={name: getattr(form, name).data for name in QUESTIONS},
                planned_start=pages.to_utc(form.planned_start.data), planned_end=pages.to_utc(form.planned_end.data),
                implementation_plan=form.implementation_plan.data or "", backout_plan=form.backout_plan.data or "",
                test_plan=form.test_plan.data or "", client_summary=form.client_summary.data or "", organizations=orgs)


def _template():
    template_id = request.args.get("template", type=validation.id_or_none)
    template = queries.template(template_id) if template_id else None
    if template_id and template is None:
        raise NotFound()
    return template


@bp.route("/new", methods=["GET", "POST"])
def create():
    template = _template()
    form = _change_form(organization=request.args.get("organization", type=validation.id_or_none))
    if template is not None and request.method == "GET":
        form.title.data, form.implementation_plan.data = template.title, template.implementation_plan
        form.backout_plan.data, form.client_summary.data = template.backout_plan, template.client_summary
    done = submitted(form, lambda: services.create_change(
        current_user, organization=org_queries.organization_or_none(current_user, form.organization.data),
        title=form.title.data, description=form.description.data or "",
        team=org_queries.team_or_none(current_user, form.team.data),
        template=template, **_values(form)),
        lambda change: _("Change %(number)s created.", number=change.number),
        lambda change: url_for("tickets.detail", number=change.number))
    return done or render_template("changes/form.html", form=form, template=template, change=None, questions=QUESTIONS)


@bp.route("/<number>/edit", methods=["GET", "POST"])
def edit(number):
    change = tickets.get_ticket(current_user, number)
    if change.kind != "change":
        raise NotFound()
    detail = queries.details(change)
    form = _change_form()
    if request.method == "GET":
        form.process(formdata=None, organization=change.organization_id, title=change.title,
                     change_type=detail.change_type, risk=detail.risk, planned_start=pages.to_local(detail.planned_start),
                     planned_end=pages.to_local(detail.planned_end), implementation_plan=detail.implementation_plan,
                     backout_plan=detail.backout_plan, test_plan=detail.test_plan, client_summary=detail.client_summary,
                     organizations=[o.id for o in detail.organizations], **(detail.risk_answers or {}))
    done = submitted(form, lambda: services.update_change(current_user, change, **_values(form)), _("Change saved."),
                     url_for("tickets.detail", number=change.number))
    return done or render_template("changes/form.html", form=form, template=detail.template, change=change,
                           questions=QUESTIONS)


@bp.route("/<number>/decision", methods=["POST"])
def decide(number):
    change = tickets.get_ticket(current_user, number)
    form = DecisionForm(prefix="decision")
    back = request.form.get("next") == "queue" and url_for("changes.approvals") or url_for("tickets.detail",
                                                                                          number=change.number)
    return acted(lambda: services.decide(current_user, change, "approve" if form.approve.data else "reject",
                                         form.comment.data or ""),
                 _("%(number)s: your approval is recorded.", number=change.number) if form.approve.data
                 else _("%(number)s: your rejection is recorded.", number=change.number), back, form=form)


@bp.route("/<number>/review", methods=["POST"])
def review(number):
    change = tickets.get_ticket(current_user, number)
    form = ReviewForm(prefix="review")
    return acted(lambda: services.record_review(current_user, change, outcome=form.outcome.data or "",
                                                lessons=form.lessons.data or "",
                                                caused=tickets.find_tickets(current_user, numbers(form.caused.data),
                                                                            field_name="caused")),
                 _("Review saved."), url_for("tickets.detail", number=change.number), form=form)


@bp.route("/<number>/resolve-problems", methods=["POST"])
def resolve_problems(number):
    change = tickets.get_ticket(current_user, number)
    form = ResolveProblemsForm(prefix="resolve")
    return acted(lambda: problems.resolve_with_change(current_user, change, form.message.data or ""),
                 lambda done: _("Resolved: %(numbers)s.", numbers=", ".join(done)),
                 url_for("tickets.detail", number=change.number), form=form)


@bp.route("/approvals")
def approvals():
    return render_template("changes/approvals.html", changes=queries.approval_queue(current_user),
                           form=DecisionForm(prefix="decision"), policy=queries.policy(), **pages.labels())


# -- the calendar ----------------------------------------------------------------------------

def _day(value: str | None) -> date:
    """The day a calendar shows: the one asked for, or today (for a day that is no date, or one
    too far away to draw)."""
    try:
        day = date.fromisoformat(value) if value else None
    except ValueError:
        day = None
    return day if day is not None and validation.date_ok(day) else datetime.now(pages.reader_zone()).date()


@bp.route("/calendar")
def calendar_view():
    view = request.args.get("view") if request.args.get("view") in VIEWS else "week"
    day = _day(request.args.get("day"))
    weeks = [calendar.week_of(day)] if view == "week" else calendar.month_grid(day)
    zone = str(pages.reader_zone())
    start, end = calendar.local_span(weeks[0][0], zone)[0], calendar.local_span(weeks[-1][-1], zone)[1]
    risk = request.args.get("risk") if request.args.get("risk") in RISKS else None
    entries = queries.calendar_entries(start, end, team_id=request.args.get("team", type=validation.id_or_none),
                                       organization_id=request.args.get("organization", type=validation.id_or_none), risk=risk)
    cells = {}
    for week in weeks:
        for d in week:
            begins, ends = calendar.local_span(d, zone)
            cells[d] = [e for e in entries if calendar.overlaps(e.detail.planned_start, e.detail.planned_end, begins, ends)]
    step = timedelta(days=7) if view == "week" else timedelta(days=31)
    previous_day = day - step if view == "week" else (day.replace(day=1) - timedelta(days=1)).replace(day=1)
    next_day = day + step if view == "week" else (day.replace(day=1) + step).replace(day=1)
    args = {k: v for k, v in request.args.items() if k in ("team", "organization", "risk") and v}
    return render_template("changes/calendar.html", view=view, views=VIEWS, day=day, weeks=weeks, cells=cells,
                           entries=entries, args=args, previous_day=previous_day, next_day=next_day,
                           today=datetime.now(pages.reader_zone()).date(), teams=workspace.team_choices(),
                           organizations=workspace.organization_choices(), risks=RISKS, zone=zone,
                           weekday_labels=[str(label)[:3] for _, label in WEEKDAYS],
                           status_labels=labels(STATUS_LABELS), **pages.labels())


# -- maintenance windows, templates, policy (managers) ----------------------------------------------

def _window_form() -> WindowForm:
    form = WindowForm(prefix="window")
    form.organization.choices = workspace.organization_choices()
    form.timezone.choices = timezone_groups(timezone_choices())
    return form


@bp.route("/windows", methods=["GET", "POST"])
def windows():
    permissions.require(permissions.can_manage_change_policy(current_user))
    form = _window_form()
    done = submitted(form, lambda: services.add_window(
        current_user, org_queries.organization_or_none(current_user, form.organization.data), weekday=form.weekday.data,
        start_time=form.start_time.data, duration_minutes=form.hours.data * 60, timezone=form.timezone.data),
        _("Maintenance window added."), url_for("changes.windows"))
    return done or render_template("changes/windows.html", form=form, windows=queries.windows(),
                           weekdays=dict(WEEKDAYS))


@bp.route("/windows/<int:window_id>/retire", methods=["POST"])
def retire_window(window_id):
    permissions.require(permissions.can_manage_change_policy(current_user))
    services.retire_window(current_user, queries.get_window(window_id))
    flash(_("Maintenance window removed."), "success")
    return redirect(url_for("changes.windows"))


@bp.route("/templates", methods=["GET", "POST"])
def templates():
    can_manage = permissions.can_manage_change_policy(current_user)
    editing = _editable_template() if can_manage else None
    form = TemplateForm(prefix="template", obj=editing)
    done = submitted(form, lambda: services.save_template(
        current_user, editing, name=form.name.data, title=form.title.data, risk=form.risk.data,
        implementation_plan=form.implementation_plan.data or "", backout_plan=form.backout_plan.data or "",
        client_summary=form.client_summary.data or ""),
        _("Template saved.") if editing else _("Template added."), url_for("changes.templates"))
    return done or render_template("changes/templates.html", form=form, templates=queries.templates(), editing=editing,
                           can_manage=can_manage, **pages.labels())


def _editable_template() -> ChangeTemplate | None:
    template_id = request.args.get("edit", type=validation.id_or_none)
    template = queries.template(template_id) if template_id else None
    if template_id and (template is None or not template.active):
        raise NotFound()
    return template


@bp.route("/templates/<int:template_id>/retire", methods=["POST"])
def retire_template(template_id):
    permissions.require(permissions.can_manage_change_policy(current_user))
    template = queries.get_template(template_id)
    services.retire_template(current_user, template)
    flash(_("“%(name)s” is no longer offered.", name=template.name), "success")
    return redirect(url_for("changes.templates"))


@bp.route("/policy", methods=["GET", "POST"])
def policy():
    permissions.require(permissions.can_manage_change_policy(current_user))
    current = queries.policy()
    form = PolicyForm(obj=current)
    form.cab_team.choices = workspace.team_choices()
    done = submitted(form, lambda: services.save_policy(
        current_user, approvals_low=form.approvals_low.data, approvals_medium=form.approvals_medium.data,
        approvals_high=form.approvals_high.data, self_approval=form.self_approval.data,
        cab_team=org_queries.team_or_none(current_user, form.cab_team.data)),
        _("Approval policy saved."), url_for("changes.policy"))
    return done or render_template("changes/policy.html", form=form)


@bp.route("/from-problem/<number>", methods=["POST"])
def raise_from_problem(number):
    problem = tickets.get_ticket(current_user, number)
    try:
        change = services.raise_from_problem(current_user, problem)
    except ValidationError as error:
        flash_errors(error)
        return _back(problem)
    flash(_("Change %(number)s raised: plan it and submit it.", number=change.number), "success")
    return redirect(url_for("changes.edit", number=change.number))
