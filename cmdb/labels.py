"""Words for the CMDB's codes, translated (lazily: built once, shown in the reader's language)."""
from flask_babel import lazy_gettext as _l

STATUS_LABELS = {"planned": _l("Planned"), "in_production": _l("In production"), "maintenance": _l("Maintenance"),
                 "failed": _l("Failed"), "retired": _l("Retired")}
GROUP_LABELS = {"facility": _l("Facility"), "hardware": _l("Hardware"), "components": _l("Components"),
                "network": _l("Network"), "virtual": _l("Virtual"), "software": _l("Software"),
                "services": _l("Services")}
IMPACT_LABELS = {"full": _l("Full"), "degraded": _l("Degraded"), "none": _l("None")}
LINK_LABELS = {"manual": _l("Linked"), "computed": _l("Computed"), "not_impacted": _l("Not impacted")}
STATE_LABELS = {"ok": _l("OK"), "degraded": _l("Degraded"), "down": _l("Down")}
