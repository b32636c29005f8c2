"""The service catalog: admins define items, agents order them for clients,
client admins approve what needs approval."""
from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import validation
from app.auth import permissions
from app.auth import queries as accounts
from app.auth.permissions import require
from app.errors import ValidationError
from app.forms import acted, submitted
from app.orgs import queries as org_queries
from app.requests import catalog, queries, services
from app.requests.forms import DecisionForm, ItemForm, OrderForFields
from app.tickets import queries as ticket_queries
from app.tickets import workspace

bp = Blueprint("requests", __name__)


@bp.before_request
@login_required
def require_login():
    pass


@bp.route("/catalog")
@permissions.staff_required
def catalog_index():
    return render_template("requests/catalog.html", items=queries.catalog(), can_manage=permissions.is_admin(current_user))


@bp.route("/catalog/new", methods=["GET", "POST"])
@bp.route("/catalog/<int:item_id>/edit", methods=["GET", "POST"])
def edit_item(item_id=None):
    require(permissions.is_admin(current_user))
    item = queries.catalog_item(item_id) if item_id else None
    form = ItemForm(obj=item)
    form.team.choices = workspace.team_choices()
    form.organizations.choices = workspace.organization_choices(blank=False)
    if request.method == "GET" and item is not None:
        form.fields.data = catalog.format_fields(item.fields)
        form.team.data, form.organizations.data = item.team_id, [o.id for o in item.organizations]
    done = submitted(form, lambda: services.save_item(
        current_user, item, name=form.name.data, description=form.description.data, category=form.category.data,
        fields=_fields(form), needs_approval=form.needs_approval.data,
        team=org_queries.team_or_none(current_user, form.team.data),
        organizations=org_queries.organizations_with_ids(current_user, form.organizations.data),
        active=form.active.data), _("Catalog item saved."), url_for("requests.catalog_index"))
    return done or render_template("requests/item_form.html", form=form, item=item)


def _fields(form: ItemForm) -> list[dict]:
    """The item's questions as typed, parsed; a line that does not parse is an error on the field."""
    try:
        return catalog.parse_fields(form.fields.data)
    except ValueError as problem:
        raise ValidationError.single("fields", str(problem)) from None


@bp.route("/catalog/<int:item_id>/order", methods=["GET", "POST"])
@permissions.staff_required
def order(item_id):
    item = queries.catalog_item(item_id)
    form = catalog.order_form_class(item)()
    who = OrderForFields(prefix="for")
    who.organization.choices = workspace.organization_choices()
    if who.organization.data is None:
        who.organization.data = validation.id_or_none(request.args.get("organization"))
    who.requester.choices = workspace.requester_choices(who.organization.data)
    done = submitted([who, form], lambda: services.order(
        current_user, item, values=catalog.answers(item, form), note=who.note.data or "",
        organization=org_queries.organization_or_none(current_user, who.organization.data),
        requester=accounts.user_or_none(current_user, who.requester.data)),
        lambda ticket: _("Request %(number)s created.", number=ticket.number),
        lambda ticket: url_for("tickets.detail", number=ticket.number))
    return done or render_template("requests/order.html", item=item, form=form, who=who)


@bp.route("/approvals")
def approvals():
    require(permissions.can_review_approvals(current_user))
    return render_template("requests/approvals.html", tickets=queries.awaiting_approval(current_user),
                           form=DecisionForm())


@bp.route("/approvals/<number>", methods=["POST"])
def decide(number):
    ticket = ticket_queries.get_ticket(current_user, number)
    require(permissions.can_approve_request(current_user, ticket))
    form = DecisionForm()
    return acted(lambda: services.decide(current_user, ticket, approve=bool(form.approve.data),
                                         comment=form.comment.data or ""),
                 _("%(number)s approved.", number=ticket.number) if form.approve.data
                 else _("%(number)s rejected.", number=ticket.number), url_for("requests.approvals"), form=form)
