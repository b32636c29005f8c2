"""The knowledge base's words, translated when shown."""
from app.i18n import lazy_gettext as _l

STATUS_LABELS = {"draft": _l("draft"), "in_review": _l("in review"), "published": _l("published"),
                 "retired": _l("retired")}
VISIBILITY_LABELS = {"internal": _l("Internal (staff only)"), "clients": _l("All clients"),
                     "organizations": _l("Chosen organizations")}
LANGUAGE_LABELS = {"en": _l("English"), "uk": _l("Ukrainian")}
