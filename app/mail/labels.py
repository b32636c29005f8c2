"""Words for the mail quarantine: states, and the gateway's reasons (stored as these keys)."""
from app.i18n import lazy_gettext as _l

STATUS_LABELS = {"received": _l("Received, not placed yet"), "ticketed": _l("On a ticket"),
                 "quarantined": _l("In the quarantine"), "discarded": _l("Discarded")}
REASON_LABELS = {
    "too large": _l("Mail too large"),
    "empty": _l("Empty"),
    "no sender": _l("No sender"),
    "unknown sender": _l("Unknown sender"),
    "unknown sender, asked to register": _l("Unknown sender, asked to register"),
    "staff mail that names no ticket": _l("Staff mail that names no ticket"),
    "sender's account is deactivated": _l("The sender's account is deactivated"),
    "from our own address": _l("From our own address"),
    "bounce of no ticket's mail": _l("A bounce of no ticket's mail"),
}


def reason_label(reason: str) -> str:
    """The reason in the reader's language; an error's own text as it was."""
    return str(REASON_LABELS.get(reason, reason))
