"""/incidents/: the open incidents, major ones first, and a major incident's page with what the
engineers do there; the clients' service status (/portal/status) and the optional public /status."""
from flask import Blueprint, abort, current_app, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth import permissions
from app.auth import queries as people
from app.forms import acted, answered
from app.i18n import labels
from app.incidents import pages, queries, services
from app.incidents.forms import (
    AffectedForm,
    ChildrenForm,
    DeclareForm,
    PeopleForm,
    ProblemForm,
    ResolveForm,
    ReviewForm,
    UndeclareForm,
    UpdateForm,
    numbers,
)
from app.orgs import queries as orgs
from app.tickets import queries as tickets
from app.tickets.workflow import STATUS_LABELS

bp = Blueprint("incidents", __name__)
status_bp = Blueprint("status", __name__)


@bp.before_request
@login_required
@permissions.staff_required
def require_staff():
    pass


@bp.context_processor
def status_context():
    return {"status_labels": labels(STATUS_LABELS)}


def _page(number):
    return url_for("incidents.detail", number=number)


@bp.route("/")
def index():
    return render_template("incidents/index.html", rows=queries.open_incidents())


@bp.route("/<number>")
def detail(number):
    return pages.major_page(queries.get_incident(current_user, number))


@bp.route("/<number>/declare", methods=["POST"])
def declare(number):
    ticket = queries.get_incident(current_user, number)
    form = DeclareForm(prefix="declare")
    return acted(lambda: services.declare(current_user, ticket, form.reason.data),
                 _("%(number)s is a major incident.", number=ticket.number), _page(ticket.number), form=form)


@bp.route("/<number>/undeclare", methods=["POST"])
def undeclare(number):
    ticket = queries.get_incident(current_user, number)
    form = UndeclareForm(prefix="undeclare")
    return acted(lambda: services.declare(current_user, ticket, form.reason.data, declared=False),
                 _("%(number)s is no longer a major incident.", number=ticket.number), _page(ticket.number),
                 form=form)


@bp.route("/<number>/updates", methods=["POST"])
def post_update(number):
    ticket = queries.get_incident(current_user, number)
    form = UpdateForm(prefix="update")
    return answered(form, lambda: services.post_update(current_user, ticket, body=form.body.data,
                                                       body_uk=form.body_uk.data or "", public=form.public.data == "1"),
                    _("Update posted."), _page(ticket.number), lambda: pages.major_page(ticket, update_form=form))


@bp.route("/<number>/people", methods=["POST"])
def set_people(number):
    ticket = queries.get_incident(current_user, number)
    form = PeopleForm(prefix="people")
    return acted(lambda: services.set_people(
        current_user, ticket, manager=people.user_or_none(current_user, form.manager.data),
        engineers=[people.user_or_none(current_user, i) for i in form.engineers.data or []]),
        _("Saved."), _page(ticket.number), form=form)


@bp.route("/<number>/affected", methods=["POST"])
def set_affected(number):
    ticket = queries.get_incident(current_user, number)
    form = AffectedForm(prefix="affected")
    return acted(lambda: services.set_affected(
        current_user, ticket, [orgs.organization_or_none(current_user, i) for i in form.organizations.data or []],
        public_summary=form.public_summary.data or "", provider_wide=form.provider_wide.data),
        _("Saved."), _page(ticket.number), form=form)


@bp.route("/<number>/compute", methods=["POST"])
def compute(number):
    ticket = queries.get_incident(current_user, number)
    return acted(lambda: services.compute_affected(current_user, ticket),
                 lambda n: _("Affected organizations computed from the CMDB: %(count)s.", count=n),
                 _page(ticket.number))


@bp.route("/<number>/children", methods=["POST"])
def link_children(number):
    ticket = queries.get_incident(current_user, number)
    form = ChildrenForm(prefix="children")
    return acted(lambda: services.link_children(current_user, ticket, tickets.find_tickets(
        current_user, numbers(form.children.data), field_name="children")),
        lambda linked: _("Linked: %(numbers)s.", numbers=", ".join(linked)) if linked else _("Nothing new to link."),
        _page(ticket.number), form=form)


@bp.route("/<number>/resolve", methods=["POST"])
def resolve(number):
    ticket = queries.get_incident(current_user, number)
    form = ResolveForm(prefix="resolve")
    return acted(lambda: services.resolve_major(current_user, ticket, resolution_code=form.resolution_code.data,
                                                resolution=form.resolution.data, message=form.message.data),
                 lambda done: _("Resolved: %(numbers)s.", numbers=", ".join(done)), _page(ticket.number), form=form)


@bp.route("/<number>/review", methods=["POST"])
def review(number):
    ticket = queries.get_incident(current_user, number)
    form = ReviewForm(prefix="review")
    return acted(lambda: services.save_review(current_user, ticket, changes=form.changes.data or ""),
                 _("Review saved."), _page(ticket.number), form=form)


@bp.route("/<number>/problem", methods=["POST"])
def problem(number):
    ticket = queries.get_incident(current_user, number)
    form = ProblemForm(prefix="problem")
    return acted(lambda: services.problem_from_review(current_user, ticket, root_cause=form.root_cause.data or ""),
                 lambda p: _("Problem %(number)s created and linked.", number=p.number), _page(ticket.number),
                 form=form)


@status_bp.app_context_processor
def status_banner():
    """The portal's banner asks for what affects the contact's organization, only when it is shown."""
    return {"service_status_now": lambda: queries.service_status(current_user)}


@status_bp.route("/portal/status")
@login_required
def portal():
    permissions.require(current_user.is_client)
    return render_template("incidents/portal_status.html", current=queries.service_status(current_user),
                           history=queries.status_history(current_user), days=queries.HISTORY_DAYS)


@status_bp.route("/status")
def public():
    if not current_app.config.get("PUBLIC_STATUS_PAGE"):
        abort(404)
    return render_template("incidents/public_status.html", current=queries.public_status())
