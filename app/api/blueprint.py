"""The API's one blueprint (token authentication, CSRF-exempt, JSON errors), shared by the
modules that add routes to it: app/api/views.py, cmdb_views.py, incident_views.py, kb_views.py and report_views.py."""
from flask import Blueprint

from app.api import auth, errors
from app.extensions import csrf
from app.i18n import lazy_gettext as _l

bp = Blueprint("api", __name__)
csrf.exempt(bp)
auth.init_blueprint(bp)
errors.register(bp)

STAFF_ONLY = _l("This is for the provider's staff only.")
