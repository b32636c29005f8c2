"""Admins' settings of the portal: the categories of the new-ticket form and their hints."""
import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth import permissions
from app.config import LOCALES
from app.errors import ValidationError
from app.extensions import db
from app.forms import map_errors
from app.portal import hints, services
from app.portal.forms import CategoryForm
from app.portal.models import PortalCategory

bp = Blueprint("portal_settings", __name__)


@bp.before_request
@login_required
@permissions.admin_required
def require_admin():
    pass


@bp.route("/")
def index():
    rows = {row.key: row for row in db.session.scalars(sa.select(PortalCategory))}
    by_locale = {locale: hints.categories(locale, include_hidden=True) for locale in LOCALES}
    return render_template("portal/settings.html", by_locale=by_locale, rows=rows, locales=LOCALES)


@bp.route("/categories/new", methods=["GET", "POST"])
@bp.route("/categories/<key>", methods=["GET", "POST"])
def edit(key=None):
    row = db.session.scalar(sa.select(PortalCategory).where(PortalCategory.key == key)) if key else None
    form = CategoryForm()
    if request.method == "GET" and key:
        form.key.data = key
        for locale in LOCALES:
            current = next((c for c in hints.categories(locale, include_hidden=True) if c.key == key), None)
            getattr(form, f"label_{locale}").data = current.label if current else ""
            getattr(form, f"hint_{locale}").data = current.hint if current else ""
        form.position.data = row.position if row else next(
            (i * 10 for i, (k, *_rest) in enumerate(hints.DEFAULTS) if k == key), 100)
        form.active.data = row.active if row else True
    if form.validate_on_submit():
        texts = {locale: {"label": getattr(form, f"label_{locale}").data, "hint": getattr(form, f"hint_{locale}").data}
                 for locale in LOCALES}
        try:
            services.save_category(current_user, key or form.key.data, texts=texts, position=form.position.data or 0,
                                   active=form.active.data)
        except ValidationError as error:
            map_errors(form, error.errors)
        else:
            flash(_("Category saved."), "success")
            return redirect(url_for("portal_settings.index"))
    return render_template("portal/category_form.html", form=form, key=key)
