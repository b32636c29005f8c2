"""REST API v1: the SLA report for BI tools, as JSON, CSV or XLSX. Same blueprint and conventions
as app/api/views.py: staff read every organization; a client administrator their own (another
organization's code is a 404, like a missing one); a client user gets 403."""
from app.api import refs
from app.api import report_schemas as rs
from app.api.auth import api_user
from app.api.blueprint import bp
from app.api.bodies import dump, load_args
from app.api.spec import doc
from app.errors import ValidationError
from app.i18n import lazy_gettext as _l
from app.i18n import select_timezone
from app.reports import exports
from app.reports import sla as sla_report


@bp.get("/reports/sla")
@doc(_l("The SLA report for a period, by organization, team, agent, priority or month (staff: every "
        "organization; a client administrator: their own)"), tag="reports", query=rs.SlaReportArgs, out=rs.CONTENT,
     errors=(403, 404))
def sla_report_api():
    user = api_user()
    sla_report.readable_organization(user, None)  # a client who is not their organization's admin: 403
    args = load_args(rs.SlaReportArgs)
    organization = refs.visible_organization(user, args["organization"]) if args["organization"] else None  # 404
    organization_id = sla_report.readable_organization(user, organization)
    scope = sla_report.Scope(start=args["start"], end=args["end"], zone=select_timezone(),
                             organization_id=organization_id, team_id=args["team"], assignee_id=args["agent"],
                             kind=args["kind"], priority=args["priority"], ci_class_id=args["ci_class"],
                             service_id=args["service"])
    errors = sla_report.check_ci_filters(scope)
    if errors:
        raise ValidationError(errors)
    found = sla_report.report(scope, args["group"])
    if args["format"] == "json":
        return dump(rs.SlaReportOut(), found)
    table = exports.breakdown_table(found, args["group"])
    name = f"zayavka-sla-{args['start'].isoformat()}-{args['end'].isoformat()}-{args['group']}"
    if args["format"] == "csv":
        return exports.to_csv(table), 200, {"Content-Type": "text/csv; charset=utf-8",
                                            "Content-Disposition": f"attachment; filename={name}.csv"}
    return exports.to_xlsx({args["group"]: table}), 200, {"Content-Type": rs.XLSX,
                                                         "Content-Disposition": f"attachment; filename={name}.xlsx"}
