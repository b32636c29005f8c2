"""Background jobs of the ticket core."""
import logging

from flask import current_app

from app.jobs import job
from app.tickets import services

log = logging.getLogger(__name__)


@job
def close_resolved_tickets() -> int:
    """Periodic: resolved tickets close themselves after AUTO_CLOSE_DAYS of silence."""
    total = 0
    while True:
        closed = services.close_resolved(current_app.config["AUTO_CLOSE_DAYS"])
        total += len(closed)
        if closed:
            log.info("closed %d resolved tickets: %s", len(closed), ", ".join(closed[:20]))
        if len(closed) < 1000:
            return total
