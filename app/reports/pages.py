"""What the monthly report's pages (the portal's and the managers') share: the month asked
for and the template context."""
from flask import current_app, request, url_for

from app.errors import ValidationError
from app.i18n import labels
from app.reports import monthly as monthly_reports
from app.reports import params
from app.tickets.workflow import STATUS_LABELS


def month_arg(zone: str):
    errors: dict = {}
    _kind, start, _end = params.period({"month": request.args.get("month", "")}, zone, errors)
    if errors:
        raise ValidationError(errors)
    return start


def monthly_context(found: dict, ticket_endpoint: str) -> dict:
    return {"report": found, "month_label": monthly_reports.month_label(found["month"]),
            "provider": current_app.config.get("PROVIDER_NAME", "Zayavka"),
            "logo": current_app.config.get("PROVIDER_LOGO", "favicon.svg"),
            "status_labels": labels(STATUS_LABELS),
            "ticket_url": lambda number: url_for(ticket_endpoint, number=number)}
