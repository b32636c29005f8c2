"""Admins' settings of the portal: the categories of the new-ticket form and their hints."""
from flask import Blueprint, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth import permissions
from app.config import LOCALES
from app.forms import submitted
from app.portal import hints, queries, services
from app.portal.forms import CategoryForm

bp = Blueprint("portal_settings", __name__)


@bp.before_request
@login_required
@permissions.admin_required
def require_admin():
    pass


@bp.route("/")
def index():
    rows = queries.category_rows()
    by_locale = {locale: hints.categories(locale, include_hidden=True) for locale in LOCALES}
    return render_template("portal/settings.html", by_locale=by_locale, rows=rows, locales=LOCALES)


@bp.route("/categories/new", methods=["GET", "POST"])
@bp.route("/categories/<key>", methods=["GET", "POST"])
def edit(key=None):
    row = queries.category_row(key)
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
    done = submitted(form, lambda: services.save_category(current_user, key or form.key.data, texts=_texts(form),
                                                          position=form.position.data or 0, active=form.active.data),
                     _("Category saved."), url_for("portal_settings.index"))
    label = next((c.label for c in hints.categories(str(get_locale()), include_hidden=True) if c.key == key), key)
    return done or render_template("portal/category_form.html", form=form, key=key, label=label)


def _texts(form: CategoryForm) -> dict:
    return {locale: {"label": getattr(form, f"label_{locale}").data, "hint": getattr(form, f"hint_{locale}").data}
            for locale in LOCALES}
