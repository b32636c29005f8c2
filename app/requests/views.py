"""The service catalog: admins define items, agents order them for clients,
client admins approve what needs approval."""
import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth import permissions
from app.auth.models import User
from app.auth.permissions import require
from app.errors import NotFound, ValidationError
from app.extensions import db
from app.forms import map_errors
from app.orgs.models import Organization, Team
from app.requests import catalog, services
from app.requests.forms import DecisionForm, ItemForm, OrderForFields
from app.requests.models import RequestItem
from app.tickets import queries as ticket_queries
from app.tickets import workspace
from app.tickets.models import Ticket

bp = Blueprint("requests", __name__)


@bp.before_request
@login_required
def require_login():
    pass


def _item(item_id: int) -> RequestItem:
    item = db.session.get(RequestItem, item_id)
    if item is None:
        raise NotFound()
    return item


@bp.route("/catalog")
@permissions.staff_required
def catalog_index():
    items = db.session.scalars(sa.select(RequestItem).order_by(RequestItem.active.desc(), RequestItem.name))
    return render_template("requests/catalog.html", items=list(items), can_manage=permissions.is_admin(current_user))


@bp.route("/catalog/new", methods=["GET", "POST"])
@bp.route("/catalog/<int:item_id>/edit", methods=["GET", "POST"])
def edit_item(item_id=None):
    require(permissions.is_admin(current_user))
    item = _item(item_id) if item_id else None
    form = ItemForm(obj=item)
    form.team.choices = workspace.team_choices()
    form.organizations.choices = workspace.organization_choices(blank=False)
    if request.method == "GET" and item is not None:
        form.fields.data = catalog.format_fields(item.fields)
        form.team.data, form.organizations.data = item.team_id, [o.id for o in item.organizations]
    if form.validate_on_submit():
        try:
            fields = catalog.parse_fields(form.fields.data)
        except ValueError as problem:
            form.fields.errors = [str(problem)]
        else:
            try:
                orgs = db.session.scalars(sa.select(Organization).where(Organization.id.in_(form.organizations.data or [])))
                item = services.save_item(current_user, item, name=form.name.data, description=form.description.data,
                                          category=form.category.data, fields=fields,
                                          needs_approval=form.needs_approval.data,
                                          team=db.session.get(Team, form.team.data) if form.team.data else None,
                                          organizations=list(orgs), active=form.active.data)
            except ValidationError as error:
                map_errors(form, error.errors)
            else:
                flash(_("Catalog item saved."), "success")
                return redirect(url_for("requests.catalog_index"))
    return render_template("requests/item_form.html", form=form, item=item)


@bp.route("/catalog/<int:item_id>/order", methods=["GET", "POST"])
@permissions.staff_required
def order(item_id):
    item = _item(item_id)
    form = catalog.order_form_class(item)()
    who = OrderForFields(prefix="for")
    who.organization.choices = workspace.organization_choices()
    who.requester.choices = workspace.requester_choices()
    if request.method == "POST" and all([who.validate(), form.validate_on_submit()]):
        try:
            ticket = services.order(current_user, item, values=catalog.answers(item, form), note=who.note.data or "",
                                    organization=db.session.get(Organization, who.organization.data),
                                    requester=db.session.get(User, who.requester.data) if who.requester.data else None)
        except ValidationError as error:
            map_errors(who, error.errors)
        else:
            flash(_("Request %(number)s created.", number=ticket.number), "success")
            return redirect(url_for("tickets.detail", number=ticket.number))
    return render_template("requests/order.html", item=item, form=form, who=who)


@bp.route("/approvals")
def approvals():
    require(permissions.can_review_approvals(current_user))
    pending = ticket_queries.tickets_visible_to(current_user).where(Ticket.kind == "request",
                                                                    Ticket.status == "awaiting_approval")
    return render_template("requests/approvals.html", tickets=list(db.session.scalars(pending.order_by(Ticket.id))),
                           form=DecisionForm())


@bp.route("/approvals/<number>", methods=["POST"])
def decide(number):
    ticket = ticket_queries.get_ticket(current_user, number)
    require(permissions.can_approve_request(current_user, ticket))
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            services.decide(current_user, ticket, approve=bool(form.approve.data), comment=form.comment.data or "")
        except ValidationError as error:
            flash(" ".join(error.errors.get("status", [])), "danger")
        else:
            flash(_("%(number)s approved.", number=ticket.number) if form.approve.data
                  else _("%(number)s rejected.", number=ticket.number), "success")
    return redirect(url_for("requests.approvals"))
