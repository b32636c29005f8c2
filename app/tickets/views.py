"""The agent workspace: ticket lists, the ticket page and what agents do there."""
from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from app import validation
from app.auth import permissions
from app.auth import queries as people
from app.forms import acted, answered, options_html, submitted, uploads_from
from app.i18n import labels
from app.i18n import lazy_gettext as _l
from app.orgs import queries as orgs
from app.tickets import attachments, queries, relations, services, workspace
from app.tickets import similar as similar_tickets
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
from app.tickets.pages import banners, ticket_page, tools_context
from app.tickets.workflow import KIND_LABELS, STATUS_LABELS, Kind
from app.transactions import answered_from_memory

bp = Blueprint("tickets", __name__)


@bp.before_request
@login_required
@permissions.staff_required
def require_staff():
    pass


SORT_LABELS = {"priority": _l("Priority, oldest first"), "updated": _l("Last update"),
               "newest": _l("Newest"), "oldest": _l("Oldest"), "due": _l("Nearest due time")}


@bp.context_processor
def workspace_context():
    # Labels translated once per request, not once per row.
    return {"status_labels": labels(STATUS_LABELS),
            "kind_choices": [(k, str(v)) for k, v in KIND_LABELS.items()],
            "sort_choices": [(k, str(v)) for k, v in SORT_LABELS.items()],
            "banners": banners()}


@bp.route("/")
def index():
    flt = workspace.filter_from_args(current_user, request.args)
    page = queries.list_rows(current_user, flt, request.args.get("cursor"), current_app.config["TICKET_PAGE_SIZE"])
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
    if form.organization.data is None:
        form.organization.data = validation.id_or_none(request.args.get("organization"))
    form.requester.choices = workspace.requester_choices(form.organization.data)
    form.team.choices, form.assignee.choices = workspace.team_choices(), workspace.staff_choices()
    with answered_from_memory():  # the message and the redirect need the number: no reload after the commit
        done = submitted(form, lambda: services.create_ticket(
            current_user, organization=orgs.organization_or_none(current_user, form.organization.data),
            requester=people.user_or_none(current_user, form.requester.data),
            team=orgs.team_or_none(current_user, form.team.data),
            assignee=people.user_or_none(current_user, form.assignee.data), uploads=uploads_from(form.attachments),
            **{name: getattr(form, name).data for name in (
                "kind", "title", "description", "impact", "urgency", "category", "affected_system", "major")}),
            lambda ticket: _("Ticket %(number)s created.", number=ticket.number), _back)
    return done or render_template("tickets/new.html", form=form)


@bp.get("/requesters")
def requesters():
    """The requester choices of an organization, for the new-ticket form when its organization changes."""
    organization = orgs.organization_or_none(current_user, validation.id_or_none(request.args.get("organization")))
    choices = workspace.requester_choices(organization.id if organization else None)
    return jsonify([{"value": c.value, "label": c.label} for c in choices])


def _back(ticket) -> str:
    return url_for("tickets.detail", number=ticket.number)


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
    parent = queries.find_ticket(current_user, form.parent.data) if form.parent.data else None
    return acted(lambda: workspace.bulk_apply(
        current_user, tickets, form.action.data, team=orgs.team_or_none(current_user, form.team.data),
        assignee=people.user_or_none(current_user, form.assignee.data), status=form.status.data,
        priority=form.priority.data, problem=problem, parent=parent),
        ngettext("%(num)d ticket changed.", "%(num)d tickets changed.", len(tickets)),
        request.referrer or url_for("tickets.index"))


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


@bp.route("/<number>/context")
def context(number):
    """Beside the ticket page, asked for once it is shown: the requester's and the organization's
    other open tickets, and similar ones (comparing candidates costs more than the rest of the page)."""
    ticket = queries.get_ticket(current_user, number)
    return render_template("tickets/_context.html", context_tickets=queries.other_open_tickets(current_user, ticket),
                           similar_tickets=similar_tickets.similar_to(current_user, ticket))


@bp.route("/<number>/tools")
def tools(number):
    """The ticket page's tools (links, time, followers, merging), asked for once the page is shown."""
    return render_template("tickets/_tools_fragment.html", **tools_context(queries.get_ticket(current_user, number)))


@bp.route("/<number>/reply", methods=["POST"])
def reply(number):
    ticket = queries.get_ticket(current_user, number)
    form = ReplyForm()
    then = form.then()
    said = {"pending": _("Sent; the ticket waits for the client."), "resolved": _("Sent, and the ticket is resolved."),
            None: _("Internal note added.") if form.internal.data else _("Reply sent.")}[then]
    return answered(form, lambda: services.answer(
        current_user, ticket, form.body.data, uploads_from(form.attachments), internal=form.internal.data, then=then,
        resolution_code=form.resolution_code.data or None, resolution=form.resolution.data or ""),
        said, _back(ticket) + ("" if then else "#latest"), lambda: ticket_page(ticket, reply_form=form))


@bp.route("/<number>/take", methods=["POST"])
def take(number):
    ticket = queries.get_ticket(current_user, number)
    return acted(lambda: services.take(current_user, ticket), _("%(number)s is yours.", number=ticket.number),
                 _back(ticket))


@bp.route("/go")
def go():
    """The navbar's box: a ticket number (INC-1042, or 1042 when one kind has it) opens the ticket;
    anything else searches the tickets."""
    ticket = queries.ticket_by_typed_number(current_user, request.args.get("q", ""))
    if ticket is not None:
        return redirect(_back(ticket))
    return redirect(url_for("tickets.index", view="all", q=(request.args.get("q") or "").strip()[:200]))


@bp.route("/<number>/transition", methods=["POST"])
def transition(number):
    ticket = queries.get_ticket(current_user, number)
    form = TransitionForm()
    try:
        return answered(form, lambda: services.transition(
            current_user, ticket, form.status.data, resolution_code=form.resolution_code.data or None,
            resolution=form.resolution.data, expected_version=form.version.data or None),
            lambda _none: _("Status changed to “%(status)s”.", status=STATUS_LABELS[ticket.status]), _back(ticket),
            lambda: ticket_page(ticket, transition_form=form), invalid=422)
    except services.Conflict as conflict:  # someone else moved the ticket meanwhile: show it as it is now
        return ticket_page(ticket, conflict=conflict), 409


@bp.route("/<number>/update", methods=["POST"])
def update(number):
    ticket = queries.get_ticket(current_user, number)
    form = UpdateForm()
    form.team.choices, form.assignee.choices = workspace.team_choices(), workspace.staff_choices()
    try:
        return answered(form, lambda: services.update_ticket(
            current_user, ticket, expected_version=form.version.data or None, impact=form.impact.data,
            urgency=form.urgency.data, category=form.category.data or "", affected_system=form.affected_system.data or "",
            major=form.major.data, team=orgs.team_or_none(current_user, form.team.data),
            assignee=people.user_or_none(current_user, form.assignee.data)),
            lambda changed: (_("Ticket saved."), "success") if changed else (_("Nothing to change."), "info"),
            _back(ticket), lambda: ticket_page(ticket, update_form=form), invalid=422)
    except services.Conflict as conflict:  # someone else saved meanwhile: their values beside the ones typed
        return ticket_page(ticket, update_form=form, conflict=conflict), 409


@bp.route("/<number>/links", methods=["POST"])
def add_link(number):
    ticket = queries.get_ticket(current_user, number)
    form = LinkForm(prefix="link")
    return answered(form, lambda: relations.link(current_user, ticket, queries.other_ticket(current_user, form.target.data),
                                                 form.kind.data),
                    _("Linked."), _back(ticket), lambda: ticket_page(ticket, link_form=form), invalid=422)


@bp.route("/<number>/links/<int:link_id>/delete", methods=["POST"])
def delete_link(number, link_id):
    ticket = queries.get_ticket(current_user, number)
    relation = next((ln for ln in queries.links_of(ticket) if ln.id == link_id), None)
    if relation is None:
        abort(404)
    relations.unlink(current_user, relation)
    flash(_("Link removed."), "success")
    return redirect(_back(ticket))


@bp.route("/<number>/merge", methods=["POST"])
def merge(number):
    ticket = queries.get_ticket(current_user, number)
    form = MergeForm(prefix="merge")
    return answered(form, lambda: relations.merge(current_user, ticket, queries.other_ticket(current_user,
                                                                                             form.target.data)),
                    lambda target: _("%(number)s was merged into %(target)s.", number=ticket.number, target=target.number),
                    _back, lambda: ticket_page(ticket, merge_form=form), invalid=422)


@bp.route("/<number>/time", methods=["POST"])
def log_time(number):
    ticket = queries.get_ticket(current_user, number)
    form = WorklogForm()
    return answered(form, lambda: relations.log_time(current_user, ticket, minutes=form.minutes.data,
                                                     billable=form.billable.data, note=form.note.data,
                                                     work_date=form.work_date.data),
                    _("Time logged."), _back(ticket), lambda: ticket_page(ticket, worklog_form=form), invalid=422)


@bp.route("/<number>/watch", methods=["POST"])
def watch(number):
    ticket = queries.get_ticket(current_user, number)
    relations.watch(current_user, ticket, current_user, watching=current_user not in ticket.watchers)
    return redirect(_back(ticket))


@bp.route("/<number>/watchers", methods=["POST"])
def watchers(number):
    """Add (or, with remove=1, take off) a follower: staff or a contact of the ticket's organization."""
    ticket = queries.get_ticket(current_user, number)
    person = people.user_or_none(current_user, request.form.get("user", type=validation.id_or_none))
    if person is None:
        abort(404)
    return acted(lambda: relations.watch(current_user, ticket, person, watching=not request.form.get("remove")),
                 None, _back(ticket))


@bp.route("/<number>/attachments/<int:attachment_id>")
def attachment(number, attachment_id):
    ticket = queries.get_ticket(current_user, number)
    return attachments.send(queries.get_attachment(current_user, ticket, attachment_id))
