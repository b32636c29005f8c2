"""SLA: working calendars, policies, clocks and escalation (sla/calendar.py is pure)."""
