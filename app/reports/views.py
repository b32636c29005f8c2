"""Reports for managers: read-only."""
import csv
import functools
import io
from datetime import datetime
from urllib.parse import urlencode

import sqlalchemy as sa
from babel import numbers
from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import timeutil
from app.auth import permissions
from app.auth.permissions import require
from app.errors import NotFound, ValidationError
from app.extensions import db
from app.i18n import labels, select_timezone
from app.orgs import queries as org_queries
from app.orgs.models import Organization
from app.reports import charts, exports, pages, params, queries
from app.reports import dashboard as dashboard_queries
from app.reports import monthly as monthly_reports
from app.reports import sla as report
from app.tickets import workspace
from app.tickets.workflow import KIND_LABELS, STATUS_LABELS
from cmdb.models import CIClass

bp = Blueprint("reports", __name__)
FILTERS = ("period", "month", "quarter", "from", "to", "organization", "team", "agent", "kind", "priority",
           "ci_class", "service")


@bp.before_request
@login_required
def require_manager():
    require(permissions.is_manager(current_user))


@bp.context_processor
def report_context():
    return {"status_labels": labels(STATUS_LABELS)}


@functools.lru_cache(maxsize=16)
def _separators(locale: str) -> tuple[str, str]:
    return numbers.get_group_symbol(locale), numbers.get_decimal_symbol(locale)


@bp.app_template_filter("number")
def number(value, digits: int = 1) -> str:
    """A number in the reader's language, at most ``digits`` decimals (Babel's "#,##0.#"), a dash
    for none. Tables show thousands of them: the locale's separators are looked up once and the
    digits formatted by Python."""
    if value is None:
        return "—"
    group, decimal = _separators(str(get_locale()))
    text = f"{abs(value):,.{digits}f}"
    if digits:
        text = text.rstrip("0").rstrip(".")
    text = text.replace(",", "\0").replace(".", decimal).replace("\0", group)
    return ("-" + text) if value < 0 and text.strip("0" + group + decimal) else text


@bp.app_template_filter("days_since")
def days_since(iso: str | None) -> str:
    """How many days ago an ISO instant was (the backlog's age), in the reader's language."""
    if not iso:
        return "—"
    return number((timeutil.utcnow() - datetime.fromisoformat(iso)).total_seconds() / 86400)


def _month() -> str:
    month = request.args.get("month") or timeutil.utcnow().strftime("%Y-%m")
    try:
        queries.month_bounds(month)
    except ValueError:
        raise ValidationError.single("month", _("Give the month as YYYY-MM.")) from None
    return month


@bp.route("/time")
def time_report():
    month = _month()
    rows = queries.time_by_organization(month)
    if request.args.get("format") == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["month", "organization_code", "organization", "tickets", "billable_minutes", "total_minutes"])
        for row in rows:
            writer.writerow([month, row["code"], row["name"], row["tickets"], row["billable"], row["total"]])
        return Response(out.getvalue(), mimetype="text/csv",
                        headers={"Content-Disposition": f"attachment; filename=zayavka-time-{month}.csv"})
    return render_template("reports/time.html", rows=rows, month=month)


@bp.route("/ratings")
def ratings_report():
    month = _month()
    return render_template("reports/ratings.html", report=queries.ratings(month), month=month)


# -- the SLA report ---------------------------------------------------------------------------

def _scope():
    """The period and filters of the query string, in the reader's zone; a ValidationError names
    every bad field."""
    errors: dict = {}
    organization = params.identifier(request.args, "organization", errors)
    kind, scope = params.scope(request.args, select_timezone(), errors, organization_id=organization)
    group = params.group(request.args, errors)
    errors = {**report.check_ci_filters(scope), **errors}
    if errors:
        raise ValidationError(errors)
    return kind, scope, group


def _drill(args: dict, group: str | None, row: dict | None, codes: dict) -> dict:
    """The query string of the tickets behind a row of a breakdown (measure added by the template)."""
    out = {k: v for k, v in args.items() if k in FILTERS and v}
    if row is None or group is None:
        return out
    if group == "organization":
        out["organization"] = codes.get(row["key"])
    elif group in ("team", "agent"):
        out[group] = "none" if row["key"] is None else row["key"]
    elif group == "priority":
        out["priority"] = row["key"]
    elif group == "month":
        for name in ("period", "month", "quarter"):
            out.pop(name, None)
        out.update({"period": "custom", "from": row["from"], "to": row["to"]})
    return out


def _trend(months: dict, args: dict, codes: dict) -> dict:
    names = [row["label"] for row in months["rows"]]
    series = [[row["first_response"]["compliance"] for row in months["rows"]],
              [row["resolution"]["compliance"] for row in months["rows"]]]
    links = [["?" + urlencode({**_drill(args, "month", row, codes), "measure": measure})
              for row in months["rows"]] for measure in ("first_response_breached", "resolution_breached")]
    return charts.bars(names, series, maximum=100, links=links)


@bp.route("/sla")
def sla_report():
    kind, scope, group = _scope()
    found = report.report(scope, group)
    months = found if group == "month" else report.months_of(scope, found)
    breaches = report.breaches(scope)
    fmt = request.args.get("format")
    if fmt in ("csv", "xlsx"):
        tables = exports.tables(found, group, months, breaches)
        name = f"zayavka-sla-{scope.start.isoformat()}-{scope.end.isoformat()}"
        if fmt == "xlsx":
            return Response(exports.to_xlsx(tables), headers={"Content-Disposition": f"attachment; filename={name}.xlsx"},
                            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        table = request.args.get("table") or group
        if table not in tables:
            raise ValidationError.single("table", _("Choose one of: %(choices)s.", choices=", ".join(tables)))
        return Response(exports.to_csv(tables[table]), mimetype="text/csv",
                        headers={"Content-Disposition": f"attachment; filename={name}-{table}.csv"})
    codes = dict(db.session.execute(sa.select(Organization.code, Organization.id)).all())
    args = request.args.to_dict()
    return render_template(
        "reports/sla.html", scope=scope, period=kind, group=group, report=found, months=months,
        breaches=breaches, trend=_trend(months, args, codes), args=args, codes=codes, drill=_drill,
        drill_qs=lambda *given: urlencode(_drill(*given)), tickets_url=url_for("reports.sla_tickets"),
        organizations=workspace.organization_choices(), teams=workspace.team_choices(),
        agents=workspace.staff_choices(), kinds=KIND_LABELS, groups=_group_labels(),
        ci_classes=db.session.execute(sa.select(CIClass.id, CIClass.name).order_by(CIClass.name)).all(),
        services=report.services(),
        limit=report.BREACH_LIMIT)


def _group_labels() -> dict:
    return {"organization": _("Organization"), "team": _("Team"), "agent": _("Agent"), "priority": _("Priority"),
            "month": _("Month")}


@bp.route("/sla/tickets")
def sla_tickets():
    kind, scope, _group = _scope()
    errors: dict = {}
    measure = params.measure(request.args, errors)
    if errors:
        raise ValidationError(errors)
    count, found = report.tickets(scope, measure)
    back = {k: v for k, v in request.args.items() if k in FILTERS and v}
    return render_template("reports/sla_tickets.html", scope=scope, measure=measure, count=count, tickets=found,
                           measure_label=_measure_labels()[measure], back=back)


def _measure_labels() -> dict:
    return {"tickets": _("All tickets"), "first_response_met": _("First response met"),
            "first_response_breached": _("First response breached"), "resolution_met": _("Resolution met"),
            "resolution_breached": _("Resolution breached"), "reopened": _("Reopened"),
            "open": _("Still open"), "rated": _("Rated by the client"), "breached": _("Any target breached")}


# -- the manager's dashboard --------------------------------------------------------------------

@bp.route("/")
def dashboard():
    zone, now = select_timezone(), timeutil.utcnow()
    found = dashboard_queries.tiles(now, zone)
    backlog = found["backlog"]
    backlog_chart = charts.bars([f"P{p}" for p in (1, 2, 3, 4)], [[backlog["by_priority"][p] for p in (1, 2, 3, 4)]],
                                links=[[url_for("reports.dashboard_tickets", tile="backlog", priority=p)
                                        for p in (1, 2, 3, 4)]])
    flow = found["flow"]
    flow_chart = charts.bars([f"{d['day'].day}" for d in flow], [[d["created"] for d in flow],
                                                                 [d["resolved"] for d in flow]],
                             links=[[url_for("reports.dashboard_tickets", tile=t, day=d["day"].isoformat())
                                     for d in flow] for t in ("created", "resolved")])
    month = found["month"]
    month_chart = charts.bars([row["label"] for row in month["rows"]],
                              [[row["first_response"]["compliance"] for row in month["rows"]],
                               [row["resolution"]["compliance"] for row in month["rows"]]], maximum=100)
    load = found["load"][:15]
    load_chart = charts.bars([row["name"].split()[0] for row in load], [[row["open"] for row in load]],
                             links=[[url_for("reports.dashboard_tickets", tile="load", agent=row["id"])
                                     for row in load]])
    charts_by_priority = {
        tile: charts.bars([f"P{p}" for p in (1, 2, 3, 4)], [[found[key][p] for p in (1, 2, 3, 4)]],
                          links=[[url_for("reports.dashboard_tickets", tile=tile, priority=p) for p in (1, 2, 3, 4)]])
        for tile, key in (("soon", "soon_by_priority"), ("breached_today", "breached_by_priority"))}
    return render_template("reports/dashboard.html", tiles=found, backlog_chart=backlog_chart, flow_chart=flow_chart,
                           charts_by_priority=charts_by_priority,
                           month_chart=month_chart, load_chart=load_chart, load=load,
                           target=current_app.config.get("SLA_COMPLIANCE_TARGET", 95),
                           month_scope=dashboard_queries.month_scope(now, zone), none=report.NONE)


@bp.route("/dashboard/tickets")
def dashboard_tickets():
    errors: dict = {}
    tile = params.choice(request.args, "tile", dashboard_queries.TILES, errors, "backlog")
    team = params.identifier(request.args, "team", errors, allow_none=True)
    agent = params.identifier(request.args, "agent", errors)
    priority = params.filters({"priority": request.args.get("priority")}, errors)["priority"]
    day = params.day(request.args.get("day", "")) if request.args.get("day") else None
    if tile in ("created", "resolved") and day is None:
        errors["day"] = [_("Give the day as YYYY-MM-DD.")]
    if errors:
        raise ValidationError(errors)
    count, found = dashboard_queries.tickets(tile, timeutil.utcnow(), select_timezone(), team=team,
                                             priority=priority, agent=agent, day=day)
    return render_template("reports/dashboard_tickets.html", tile=tile, count=count, tickets=found,
                           title=_tile_titles()[tile], day=day)


def _tile_titles() -> dict:
    return {"backlog": _("Open backlog"), "soon": _("Breaching in the next 4 working hours"),
            "breached_today": _("Breached today"), "created": _("Created"), "resolved": _("Resolved"),
            "load": _("Agent's open tickets")}


@bp.route("/monthly/<code>")
def monthly(code):
    """The client's monthly report, as the provider's managers see it before it goes out."""
    organization = org_queries.get_organization_by_code(code)
    if organization is None:
        raise NotFound()
    zone = select_timezone()
    found = monthly_reports.monthly(organization, pages.month_arg(zone), zone)
    return render_template("reports/monthly.html", **pages.monthly_context(found, "tickets.detail"))
