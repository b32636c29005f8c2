"""Reads of the SLA engine: a ticket's clock as the API, the agent's panel and the portal show it."""
from datetime import UTC
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app import timeutil
from app.extensions import db
from sla import clock as clocks
from sla.models import SlaCalendar, SlaPolicy

ZONE_FALLBACK = "UTC"


def summary(ticket, now=None) -> dict | None:
    """{"policy", "paused", "pause_reason", "first_response": {…}, "resolution": {…}} or None."""
    clock = ticket.sla_clock
    if clock is None:
        return None
    now = now or timeutil.utcnow()
    found = clocks.timers(clock, ticket, now)
    pause = clocks.current_pause(clock)

    def timer(name):
        t = found.get(name)
        if t is None:
            return None
        return {"due": t.due.astimezone(UTC).isoformat() if t.due else None,
                "met_at": t.met_at.astimezone(UTC).isoformat() if t.met_at else None,
                "breached": t.breached or bool(getattr(clock, f"{name}_breached")),
                "remaining_minutes": None if t.remaining is None else round(t.remaining, 1)}

    return {"policy": clock.policy.name, "paused": pause is not None,
            "pause_reason": pause["why"] if pause is not None else None,
            "first_response": timer("first_response"), "resolution": timer("resolution")}


def panel(ticket, zone: str, now=None) -> dict:
    """The timers and segments for a page, in the viewer's zone (empty without a clock)."""
    clock = ticket.sla_clock
    if clock is None:
        return {"sla": None}
    now = now or timeutil.utcnow()
    tz = ZoneInfo(zone or ZONE_FALLBACK)
    found = clocks.timers(clock, ticket, now)
    segments = [{"state": s["state"], "why": s["why"], "from": _local(s["from"], tz), "to": _local(s["to"], tz)}
                for s in clock.segments]
    pause = clocks.current_pause(clock)
    return {"sla": {"policy": clock.policy.name, "zone": zone, "segments": segments,
                    "pause": {"why": pause["why"], "since": _local(pause["from"], tz)} if pause else None,
                    "calendar_zone": clock.policy.calendar.timezone,
                    "timers": [{"name": t.name, "due": t.due.astimezone(tz) if t.due else None,
                                "due_calendar": t.due.astimezone(ZoneInfo(clock.policy.calendar.timezone))
                                if t.due else None,
                                "met_at": t.met_at.astimezone(tz) if t.met_at else None,
                                "remaining": t.remaining, "breached": t.breached or getattr(clock, f"{t.name}_breached"),
                                "paused": t.paused} for t in found.values()]}}


def _local(text, tz):
    return None if text is None else clocks.parse(text).astimezone(tz)


def calendars() -> list[SlaCalendar]:
    return list(db.session.scalars(sa.select(SlaCalendar).order_by(SlaCalendar.name)))


def policies() -> list[SlaPolicy]:
    return list(db.session.scalars(sa.select(SlaPolicy).order_by(SlaPolicy.name)))
