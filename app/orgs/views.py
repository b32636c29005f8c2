"""Client organizations and their contacts."""
from decimal import Decimal

from babel.dates import get_day_names
from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth import permissions
from app.auth import services as accounts
from app.auth.permissions import require
from app.extensions import db
from app.forms import SearchForm, acted, submitted
from app.i18n import labels
from app.mail import bounces
from app.orgs import overview, queries, services
from app.orgs.forms import ContactForm, OrganizationForm
from app.tickets.workflow import KIND_LABELS, STATUS_LABELS

bp = Blueprint("orgs", __name__)


@bp.before_request
@login_required
def require_login():
    pass


@bp.route("/")
@permissions.staff_required
def index():
    search = SearchForm(request.args)
    page = db.paginate(queries.organizations_visible_to(current_user, search.q.data or ""),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("orgs/index.html", page=page, search=search)


@bp.route("/new", methods=["GET", "POST"])
def create():
    require(permissions.can_manage_organizations(current_user))
    form = OrganizationForm()
    done = submitted(form, lambda: services.create_organization(current_user, **_org_fields(form)),
                     lambda org: _("Organization %(name)s created.", name=org.name),
                     lambda org: url_for("orgs.detail", org_id=org.id))
    return done or render_template("orgs/form.html", form=form, org=None)


@bp.route("/<int:org_id>")
def detail(org_id):
    org = queries.get_organization(current_user, org_id)
    contacts = queries.contacts_of(org)
    return render_template("orgs/detail.html", org=org, contacts=contacts,
                           bounced={row.address: row for row in bounces.bounced([c.email for c in contacts])}
                           if current_user.is_staff else {},
                           overview=overview.organization(org) if current_user.is_staff else None,
                           weekdays=get_day_names("wide", locale=get_locale()),
                           status_labels=labels(STATUS_LABELS),
                           kind_labels={str(k): str(v) for k, v in KIND_LABELS.items()},
                           can_manage=permissions.can_manage_organizations(current_user),
                           can_manage_contacts=permissions.can_manage_contacts(current_user, org))


@bp.route("/<int:org_id>/edit", methods=["GET", "POST"])
def edit(org_id):
    org = queries.get_organization(current_user, org_id)
    require(permissions.can_manage_organizations(current_user))
    form = OrganizationForm(obj=org, contract_hours=_hours(org.contract_minutes))
    done = submitted(form, lambda: services.update_organization(current_user, org, **_org_fields(form)), _("Organization saved."),
                     url_for("orgs.detail", org_id=org.id))
    return done or render_template("orgs/form.html", form=form, org=org)


@bp.route("/<int:org_id>/<any(activate, deactivate):action>", methods=["POST"])
def set_active(org_id, action):
    org = queries.get_organization(current_user, org_id)
    require(permissions.can_manage_organizations(current_user))
    services.set_organization_active(current_user, org, action == "activate")
    flash(_("Organization activated.") if org.active else
          _("Organization deactivated; its contacts can no longer log in."), "success")
    return redirect(url_for("orgs.detail", org_id=org.id))


def _org_fields(form: OrganizationForm) -> dict:
    return {**{name: getattr(form, name).data for name in ("code", "name", *services.ORG_FIELDS)},
            "contract_minutes": form.contract_minutes()}


def _hours(minutes: int | None) -> Decimal | None:
    return None if minutes is None else (Decimal(minutes) / 60).quantize(Decimal("0.01"))


# -- contacts ----------------------------------------------------------------------

def _contact_form(org, contact=None) -> ContactForm:
    form = ContactForm(obj=contact)
    form.set_roles(permissions.assignable_roles(current_user, org))
    return form


@bp.route("/<int:org_id>/contacts/new", methods=["GET", "POST"])
def create_contact(org_id):
    org = queries.get_organization(current_user, org_id)
    require(permissions.can_manage_contacts(current_user, org))
    form = _contact_form(org)
    # the same words when the address was someone else's (see invite_contact)
    done = submitted(form, lambda: accounts.invite_contact(current_user, org, **_contact_fields(form)),
                     _("%(name)s has been added and invited by e-mail to choose a password.", name=form.name.data),
                     url_for("orgs.detail", org_id=org.id))
    return done or render_template("orgs/contact_form.html", form=form, org=org, contact=None)


@bp.route("/<int:org_id>/contacts/<int:user_id>/edit", methods=["GET", "POST"])
def edit_contact(org_id, user_id):
    org = queries.get_organization(current_user, org_id)
    contact = queries.get_contact(org, user_id)
    require(permissions.can_manage_contacts(current_user, org))
    form = _contact_form(org, contact)
    done = submitted(form, lambda: accounts.update_user(contact, organization=org, actor=current_user,
                                                        **_contact_fields(form)),
                     _("Contact saved."), url_for("orgs.detail", org_id=org.id))
    return done or render_template("orgs/contact_form.html", form=form, org=org, contact=contact)


@bp.route("/<int:org_id>/contacts/<int:user_id>/<any(activate, deactivate):action>", methods=["POST"])
def set_contact_active(org_id, user_id, action):
    org = queries.get_organization(current_user, org_id)
    contact = queries.get_contact(org, user_id)
    require(permissions.can_manage_contacts(current_user, org))
    return acted(lambda: accounts.set_user_active(contact, action == "activate", actor=current_user),
                 lambda _none: _("%(name)s can log in again.", name=contact.name) if contact.active else
                 _("%(name)s has been deactivated.", name=contact.name), url_for("orgs.detail", org_id=org.id))


def _contact_fields(form: ContactForm) -> dict:
    return {name: getattr(form, name).data or "" for name in ("email", "name", "role", "phone", "job_title")}
