"""The agent workspace: ticket lists, the ticket page and what agents do there."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required

from app.auth import permissions
from app.auth.models import User
from app.errors import ValidationError
from app.extensions import db
from app.forms import flash_errors, map_errors, options_html, uploads_from
from app.orgs.models import Organization, Team
from app.tickets import attachments, queries, relations, services, workspace
from app.tickets.forms import (
    BulkForm,
    LinkForm,
    MergeForm,
    NewTicketForm,
    ReplyForm,
    SavedFilterForm,
    TransitionForm,
    UpdateForm,
    WorklogForm,
)
from app.tickets.pages import ticket_page
from app.tickets.workflow import KIND_LABELS, STATUS_LABELS, Kind

bp = Blueprint("tickets", __name__)


@bp.before_request
@login_required
@permissions.staff_required
def require_staff():
    pass


SORT_LABELS = {"priority": _l("Priority, oldest first"), "updated": _l("Last update"),
               "newest": _l("Newest"), "oldest": _l("Oldest")}


@bp.context_processor
def workspace_context():
    # Labels translated once per request, not once per row.
    return {"status_labels": {k: str(v) for k, v in STATUS_LABELS.items()},
            "kind_choices": [(k, str(v)) for k, v in KIND_LABELS.items()],
            "sort_choices": [(k, str(v)) for k, v in SORT_LABELS.items()],
            "major_incidents": workspace.major_incidents()}


@bp.route("/")
def index():
    flt = workspace.filter_from_args(current_user, request.args)
    page = queries.page_of(current_user, flt, request.args.get("cursor"), current_app.config["TICKET_PAGE_SIZE"],
                           with_text=False)
    teams, staff = workspace.team_choices(), workspace.staff_choices()
    bulk = BulkForm()
    bulk.team.choices, bulk.assignee.choices = teams, staff
    bulk.status.choices = [("", "—"), *STATUS_LABELS.items()]
    return render_template("tickets/index.html", page=page, flt=flt, counts=workspace.view_counts(current_user),
                           views=workspace.VIEWS, bulk=bulk, saved=workspace.saved_filters(current_user),
                           save_form=SavedFilterForm(query=workspace.query_string(request.args)),
                           teams=teams, staff=staff,
                           organizations=workspace.organization_choices(), qs=workspace.query_string,
                           options_html=options_html)


@bp.route("/new", methods=["GET", "POST"])
def create():
    form = NewTicketForm(kind=request.args.get("kind", "incident"))
    form.kind.choices = [(k.value, KIND_LABELS[k]) for k in Kind]
    form.organization.choices = workspace.organization_choices()
    form.requester.choices = workspace.requester_choices()
    form.team.choices, form.assignee.choices = workspace.team_choices(), workspace.staff_choices()
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in (
            "kind", "title", "description", "impact", "urgency", "category", "affected_system", "major")}
        try:
            ticket = services.create_ticket(
                current_user, organization=_get(Organization, form.organization.data),
                requester=_get(User, form.requester.data), team=_get(Team, form.team.data),
                assignee=_get(User, form.assignee.data), uploads=uploads_from(form.attachments), **values)
        except ValidationError as error:
            map_errors(form, error.errors)
        else:
            flash(_("Ticket %(number)s created.", number=ticket.number), "success")
            return redirect(url_for("tickets.detail", number=ticket.number))
    return render_template("tickets/new.html", form=form)


def _require_valid(form) -> None:
    """Shape errors are already on the form's fields: only stop here."""
    if not form.validate_on_submit():
        raise ValidationError({})


def _other_ticket(number: str):
    target = queries.find_ticket(current_user, number)
    if target is None:
        raise ValidationError.single("target", _("There is no ticket %(number)s.", number=number))
    return target


def _get(model, pk):
    return db.session.get(model, pk) if pk else None


@bp.route("/bulk", methods=["POST"])
def bulk():
    form = BulkForm()
    form.team.choices, form.assignee.choices = workspace.team_choices(), workspace.staff_choices()
    form.status.choices = [("", "—"), *STATUS_LABELS.items()]
    numbers = request.form.getlist("ticket")
    if not form.validate_on_submit() or not numbers:
        flash(_("Choose some tickets and an action."), "warning")
        return redirect(request.referrer or url_for("tickets.index"))
    tickets = [queries.get_ticket(current_user, n) for n in numbers]
    problem = queries.find_ticket(current_user, form.problem.data) if form.problem.data else None
    try:
        workspace.bulk_apply(current_user, tickets, form.action.data, team=_get(Team, form.team.data),
                             assignee=_get(User, form.assignee.data), status=form.status.data,
                             priority=form.priority.data, problem=problem)
    except ValidationError as error:
        flash_errors(error)
    else:
        flash(ngettext("%(num)d ticket changed.", "%(num)d tickets changed.", len(tickets)), "success")
    return redirect(request.referrer or url_for("tickets.index"))


@bp.route("/filters", methods=["POST"])
def save_filter():
    form = SavedFilterForm()
    if form.validate_on_submit():
        workspace.save_filter(current_user, form.name.data, form.query.data)
        flash(_("View saved."), "success")
    return redirect(url_for("tickets.index") + ("?" + form.query.data if form.query.data else ""))


@bp.route("/filters/<int:filter_id>/delete", methods=["POST"])
def delete_filter(filter_id):
    workspace.delete_filter(current_user, filter_id)
    return redirect(url_for("tickets.index"))


@bp.route("/<number>")
def detail(number):
    return ticket_page(queries.get_ticket(current_user, number))


@bp.route("/<number>/reply", methods=["POST"])
def reply(number):
    ticket = queries.get_ticket(current_user, number)
    form = ReplyForm()
    if not form.validate_on_submit():
        return ticket_page(ticket, reply_form=form), 400
    write = services.add_note if form.internal.data else services.reply
    try:
        write(current_user, ticket, form.body.data, uploads_from(form.attachments))
    except ValidationError as error:
        map_errors(form, error.errors)
        return ticket_page(ticket, reply_form=form), 422
    flash(_("Internal note added.") if form.internal.data else _("Reply sent."), "success")
    return redirect(url_for("tickets.detail", number=ticket.number) + "#latest")


@bp.route("/<number>/transition", methods=["POST"])
def transition(number):
    ticket = queries.get_ticket(current_user, number)
    form = TransitionForm()
    try:
        _require_valid(form)
        services.transition(current_user, ticket, form.status.data, resolution_code=form.resolution_code.data or None,
                            resolution=form.resolution.data, expected_version=form.version.data or None)
    except ValidationError as error:
        map_errors(form, error.errors)
        return ticket_page(ticket, transition_form=form), 422
    except services.Conflict as conflict:
        return ticket_page(ticket, conflict=conflict), 409
    flash(_("Status changed to “%(status)s”.", status=STATUS_LABELS[ticket.status]), "success")
    return redirect(url_for("tickets.detail", number=ticket.number))


@bp.route("/<number>/update", methods=["POST"])
def update(number):
    ticket = queries.get_ticket(current_user, number)
    form = UpdateForm()
    form.team.choices, form.assignee.choices = workspace.team_choices(), workspace.staff_choices()
    try:
        _require_valid(form)
        changed = services.update_ticket(
            current_user, ticket, expected_version=form.version.data or None, impact=form.impact.data,
            urgency=form.urgency.data, category=form.category.data or "", affected_system=form.affected_system.data or "",
            major=form.major.data, team=_get(Team, form.team.data), assignee=_get(User, form.assignee.data))
    except ValidationError as error:
        map_errors(form, error.errors)
        return ticket_page(ticket, update_form=form), 422
    except services.Conflict as conflict:
        return ticket_page(ticket, update_form=form, conflict=conflict), 409
    flash(_("Ticket saved.") if changed else _("Nothing to change."), "success" if changed else "info")
    return redirect(url_for("tickets.detail", number=ticket.number))


@bp.route("/<number>/links", methods=["POST"])
def add_link(number):
    ticket = queries.get_ticket(current_user, number)
    form = LinkForm(prefix="link")
    try:
        _require_valid(form)
        target = _other_ticket(form.target.data)
        relations.link(current_user, ticket, target, form.kind.data)
    except ValidationError as error:
        map_errors(form, error.errors)
        return ticket_page(ticket, link_form=form), 422
    flash(_("Linked."), "success")
    return redirect(url_for("tickets.detail", number=ticket.number))


@bp.route("/<number>/links/<int:link_id>/delete", methods=["POST"])
def delete_link(number, link_id):
    ticket = queries.get_ticket(current_user, number)
    relation = next((ln for ln in queries.links_of(ticket) if ln.id == link_id), None)
    if relation is None:
        abort(404)
    relations.unlink(current_user, relation)
    flash(_("Link removed."), "success")
    return redirect(url_for("tickets.detail", number=ticket.number))


@bp.route("/<number>/merge", methods=["POST"])
def merge(number):
    ticket = queries.get_ticket(current_user, number)
    form = MergeForm(prefix="merge")
    try:
        _require_valid(form)
        target = _other_ticket(form.target.data)
        relations.merge(current_user, ticket, target)
    except ValidationError as error:
        map_errors(form, error.errors)
        return ticket_page(ticket, merge_form=form), 422
    flash(_("%(number)s was merged into %(target)s.", number=ticket.number, target=target.number), "success")
    return redirect(url_for("tickets.detail", number=target.number))


@bp.route("/<number>/time", methods=["POST"])
def log_time(number):
    ticket = queries.get_ticket(current_user, number)
    form = WorklogForm()
    try:
        _require_valid(form)
        relations.log_time(current_user, ticket, minutes=form.minutes.data, billable=form.billable.data,
                          note=form.note.data, work_date=form.work_date.data)
    except ValidationError as error:
        map_errors(form, error.errors)
        return ticket_page(ticket, worklog_form=form), 422
    flash(_("Time logged."), "success")
    return redirect(url_for("tickets.detail", number=ticket.number))


@bp.route("/<number>/watch", methods=["POST"])
def watch(number):
    ticket = queries.get_ticket(current_user, number)
    relations.watch(current_user, ticket, current_user, watching=current_user not in ticket.watchers)
    return redirect(url_for("tickets.detail", number=ticket.number))


@bp.route("/<number>/watchers", methods=["POST"])
def watchers(number):
    """Add (or, with remove=1, take off) a follower: staff or a contact of the ticket's organization."""
    ticket = queries.get_ticket(current_user, number)
    person = db.session.get(User, request.form.get("user", type=int) or 0)
    if person is None:
        abort(404)
    try:
        relations.watch(current_user, ticket, person, watching=not request.form.get("remove"))
    except ValidationError as error:
        flash(" ".join(error.errors["watcher"]), "danger")
    return redirect(url_for("tickets.detail", number=ticket.number))


@bp.route("/<number>/attachments/<int:attachment_id>")
def attachment(number, attachment_id):
    ticket = queries.get_ticket(current_user, number)
    return attachments.send(queries.get_attachment(current_user, ticket, attachment_id))
