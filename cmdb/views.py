"""The CMDB's pages: the CI list, the CI page ("what if this fails" and its picture), the
CMDB panel's actions on the ticket page, and the client's "My servers"."""
import io

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import validation
from app.auth import permissions
from app.forms import SearchForm, acted, attempted, submitted
from app.jobs import progress
from app.orgs import queries as org_queries
from app.tickets import queries as tickets
from cmdb import jobs as cmdb_jobs
from cmdb import links, pages, queries, services, transfer
from cmdb.forms import ActionForm, ClassForm, GroupForm, ImportForm, LinkForm, attributes_of
from cmdb.labels import GROUP_LABELS, STATE_LABELS, STATUS_LABELS, class_label
from cmdb.models import ImportRun

bp = Blueprint("cmdb", __name__)
bp.add_app_template_filter(class_label, "ci_class")


@bp.before_request
@login_required
def require_login():
    pass


@bp.route("/")
@permissions.staff_required
def index():
    search, args = SearchForm(request.args), request.args
    org_id = validation.id_or_none(args.get("organization"))
    offset = min(validation.int_or_none(args.get("offset")) or 0, 100_000)
    found = queries.search(current_user, search.q.data or "", organization_id=org_id,
                           provider=args.get("organization") == "provider", group=args.get("group") or None,
                           status=args.get("status") or None, offset=max(offset, 0), limit=queries.PAGE + 1)
    more = url_for("cmdb.index", **{**args.to_dict(), "offset": offset + queries.PAGE}) \
        if len(found) > queries.PAGE else None
    return render_template("cmdb/index.html", search=search, cis=found[:queries.PAGE], more_url=more,
                           organizations=org_queries.active_organizations(), args=args,
                           group_labels=GROUP_LABELS, status_labels=STATUS_LABELS)


@bp.route("/new", methods=["GET", "POST"])
@permissions.staff_required
def create():
    form = pages.ci_form()
    done = submitted(form, lambda: services.create_ci(
        current_user, ci_class=queries.class_by_code(form.ci_class.data),
        organization=org_queries.organization_or_none(current_user, form.organization.data or None),
        **_fields(form)), lambda ci: _("%(name)s added.", name=ci.name), lambda ci: url_for("cmdb.detail", ci_id=ci.id))
    return done or render_template("cmdb/form.html", form=form, ci=None)


def _fields(form) -> dict:
    return {name: getattr(form, name).data for name in ("name", "status", "hostname", "ip_addresses", "serial",
                                                        "asset_tag", "location", "warranty_end", "support_contract",
                                                        "notes")} | {"notes": form.notes.data or ""}


@bp.route("/<int:ci_id>")
@permissions.staff_required
def detail(ci_id):
    ci = queries.get_ci(current_user, ci_id)
    return render_template("cmdb/detail.html", **pages.ci_page(ci))


@bp.route("/<int:ci_id>/edit", methods=["GET", "POST"])
@permissions.staff_required
def edit(ci_id):
    ci = queries.get_ci(current_user, ci_id)
    form = pages.ci_form(ci)
    del form.ci_class, form.organization  # a CI keeps its class and its owner
    done = submitted(form, lambda: services.update_ci(current_user, ci, attributes=attributes_of(form),
                                                      **_fields(form)),
                     _("Saved."), url_for("cmdb.detail", ci_id=ci.id))
    return done or render_template("cmdb/form.html", form=form, ci=ci)


@bp.route("/<int:ci_id>/relations", methods=["POST"])
@permissions.staff_required
def add_relation(ci_id):
    ci = queries.get_ci(current_user, ci_id)
    form = pages.relation_form()
    target = queries.find_ref(current_user, form.target.data)
    return acted(lambda: services.add_relation(current_user, ci, target, form.type.data,
                                               impact_override=form.impact.data or None, group_key=form.group.data),
                 _("Relation added."), url_for("cmdb.detail", ci_id=ci.id), form=form)


@bp.route("/search.json")
@permissions.staff_required
def search_json():
    """The type-ahead behind "Depends on": CIs by name, hostname or IP, fetched as one types."""
    q = (request.args.get("q") or "").strip()[:200]
    found = queries.search(current_user, q, limit=15) if len(q) >= 2 else []
    return jsonify({"items": [{"id": ci.id, "value": f"{ci.name} (#{ci.id})",
                               "detail": " · ".join(part for part in (
                                   class_label(ci.ci_class), ci.organization.name if ci.organization
                                   else _("Provider (shared)"), ci.hostname) if part)} for ci in found]})


@bp.route("/<int:ci_id>/groups", methods=["POST"])
@permissions.staff_required
def save_group(ci_id):
    ci = queries.get_ci(current_user, ci_id)
    form = GroupForm(prefix="grp")
    return acted(lambda: services.set_group(current_user, ci, form.key.data, min_up=form.min_up.data,
                                            min_up_pct=form.min_up_pct.data),
                 _("Group saved."), url_for("cmdb.detail", ci_id=ci.id), form=form)


@bp.route("/import", methods=["GET", "POST"])
@permissions.staff_required
def import_file():
    form = ImportForm()
    done, result = attempted(form, lambda: transfer.start_import(
        current_user, form.file.data.filename or "", form.file.data.read(), dry_run=form.dry_run.data,
        background_rows=current_app.config.get("CMDB_IMPORT_BACKGROUND_ROWS", transfer.BACKGROUND_ROWS)))
    if done and isinstance(result, ImportRun):
        return redirect(url_for("cmdb.import_run", run_id=result.id))
    return render_template("cmdb/import.html", form=form, counts=result if done else None)


def _import_state(run: ImportRun) -> dict:
    seen = progress.read(cmdb_jobs.progress_key(run.id))
    state = "running" if run.state == "queued" and seen else run.state
    done_rows, total = seen or (run.rows if run.state in ("done", "failed") else 0, run.rows)
    return {"state": state, "done": done_rows, "total": total,
            "percent": 100 if run.state in ("done", "failed") else int(done_rows * 100 / total) if total else 0}


@bp.route("/import/<int:run_id>")
@permissions.staff_required
def import_run(run_id):
    """A queued import: a progress bar the page's script keeps up to date, then how it ended."""
    run = transfer.import_run(run_id)
    return render_template("cmdb/import_run.html", run=run, progress=_import_state(run))


@bp.route("/import/<int:run_id>.json")
@permissions.staff_required
def import_progress(run_id):
    return jsonify(_import_state(transfer.import_run(run_id)))


@bp.route("/export.<any(csv, xlsx):kind>")
@permissions.staff_required
def export(kind):
    data = transfer.write_file(f"cmdb.{kind}", transfer.export_rows())
    return send_file(io.BytesIO(data), as_attachment=True, download_name=f"cmdb.{kind}")


@bp.route("/classes")
@permissions.staff_required
def classes():
    return render_template("cmdb/classes.html", classes=queries.classes(), group_labels=GROUP_LABELS,
                           schema_text=services.schema_text)


@bp.route("/classes/new", methods=["GET", "POST"], defaults={"class_id": None})
@bp.route("/classes/<int:class_id>/edit", methods=["GET", "POST"])
@permissions.admin_required
def save_class(class_id):
    ci_class = queries.get_class(class_id) if class_id else None
    form = ClassForm(obj=ci_class, attributes=services.schema_text(ci_class.schema) if ci_class else "")
    done = submitted(form, lambda: services.save_class(current_user, ci_class, code=form.code.data, name=form.name.data,
                                                       group=form.group.data, attributes=form.attributes.data or ""),
                     _("Class saved."), url_for("cmdb.classes"))
    return done or render_template("cmdb/class_form.html", form=form, ci_class=ci_class)


# -- the panel on the ticket page -----------------------------------------------------------

def _ticket_page(ticket):
    return url_for("tickets.detail", number=ticket.number) + "#cmdb-panel"


@bp.route("/tickets/<number>/link", methods=["POST"])
@permissions.staff_required
def link(number):
    ticket = tickets.get_ticket(current_user, number)
    form = LinkForm()
    return acted(lambda: links.link_cis(current_user, ticket, [queries.get_ci(current_user, form.ci.data)]),
                 _("CI linked."), _ticket_page(ticket), form=form)


@bp.route("/tickets/<number>/cis/<int:ci_id>/<action>", methods=["POST"])
@permissions.staff_required
def link_action(number, ci_id, action):
    ticket = tickets.get_ticket(current_user, number)
    ci = queries.get_ci(current_user, ci_id)
    service = {"unlink": links.unlink_ci, "rule-out": links.rule_out}.get(action) or abort(404)
    return acted(lambda: service(current_user, ticket, ci), None, _ticket_page(ticket), form=ActionForm())


@bp.route("/tickets/<number>/impact", methods=["POST"])
@permissions.staff_required
def compute_impact(number):
    ticket = tickets.get_ticket(current_user, number)
    return acted(lambda: links.compute_impact(current_user, ticket), _impact_said, _ticket_page(ticket),
                 form=ActionForm())


def _impact_said(result) -> str:
    added, org_ids = result
    orgs = org_queries.organizations_with_ids(current_user, org_ids)
    return _("%(n)d impacted CIs added. Affected organizations: %(orgs)s.", n=len(added),
             orgs=", ".join(o.name for o in orgs) or "—")


# -- the client's portal --------------------------------------------------------------------

@bp.route("/mine")
def my_servers():
    if permissions.is_staff(current_user):
        return redirect(url_for("cmdb.index"))
    return render_template("cmdb/mine.html", rows=queries.my_servers(current_user), state_labels=STATE_LABELS,
                           status_labels=STATUS_LABELS)
