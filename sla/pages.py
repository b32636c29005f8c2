"""What pages show of the SLA engine: the panel on the agent's ticket page (in the viewer's zone)
and the lines on the client's ticket page (in the calendar's zone, in the client's words)."""
from flask_babel import get_timezone

from app import timeutil
from app.i18n import labels
from app.tickets.workflow import CLIENT_STATUS_LABELS, STATUS_LABELS
from sla import clock as clocks
from sla import queries

TARGET_LABELS_KEYS = ("first_response", "next_response", "resolution")


def context(ticket) -> dict:
    found = queries.panel(ticket, str(get_timezone()))
    if found["sla"] is not None:
        found["sla_status_labels"] = labels(STATUS_LABELS)
    return found


def client_context(ticket) -> dict:
    """For the portal: times in the calendar's zone, called by its city ("Kyiv time")."""
    clock = ticket.sla_clock
    if clock is None:
        return {"sla": None}
    zone = clocks.calendar_of(clock).timezone
    found = queries.panel(ticket, zone)
    found["sla"]["city"] = zone.rsplit("/", 1)[-1].replace("_", " ")
    found["sla"]["today"] = timeutil.utcnow().astimezone(found["sla"]["segments"][0]["from"].tzinfo).date()
    found["sla_status_labels"] = labels(CLIENT_STATUS_LABELS)
    return found
