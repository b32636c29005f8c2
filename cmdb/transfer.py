"""Import and export of the CMDB as CSV or XLSX: one table whose ``record`` column says what a row
is — a ``ci``, a ``relation`` (``name`` depends on ``target``) or a ``group`` (``name``'s redundancy
group). CIs are named by (organization code, name); an empty organization is the provider's.

An import is all-or-nothing: every row goes through the services in one unit of work, every
row's errors are gathered, and any error (or a dry run) rolls the whole file back. A CI that
exists already (same name in the same organization) is updated; the same CI twice in one file
is an error."""
import csv
import io
import json
from datetime import date

import openpyxl
import sqlalchemy as sa
from flask_babel import gettext as _

from app import jobs
from app.errors import NotFound, ValidationError
from app.extensions import db
from app.orgs.models import Organization
from app.timeutil import utcnow
from app.transactions import transactional
from cmdb import services
from cmdb.models import CI, CIClass, ImportRun, RedundancyGroup, Relation, RelationType
from cmdb.services import require_staff

COLUMNS = ("record", "class", "name", "organization", "status", "hostname", "ip_addresses", "serial", "asset_tag",
           "location", "warranty_end", "support_contract", "notes", "attributes", "type", "target",
           "target_organization", "impact", "group", "min_up", "min_up_pct")
MAX_ROWS = 200_000


class DryRunDone(Exception):
    """Raised to roll a dry run back; carries what it would have done."""

    def __init__(self, counts: dict):
        super().__init__(counts)
        self.counts = counts


# ---------------------------------------------------------------- reading files

def read_rows(filename: str, data: bytes) -> list[dict]:
    """The rows of a .csv (UTF-8, with or without BOM) or .xlsx file, as dicts of text by column name."""
    if filename.lower().endswith(".xlsx"):
        return _xlsx_rows(data)
    text = data.decode("utf-8-sig")
    return [{(k or "").strip().lower(): (v or "").strip() for k, v in row.items()} for row in csv.DictReader(
        io.StringIO(text))]


def _xlsx_rows(data: bytes) -> list[dict]:
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(cell or "").strip().lower() for cell in next(rows, ())]
    return [{name: _cell(value) for name, value in zip(header, row, strict=False) if name}
            for row in rows if any(value not in (None, "") for value in row)]


def _cell(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "date") and callable(value.date):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# ---------------------------------------------------------------- importing

BACKGROUND_ROWS = 1000  # a larger file imports as a job, its page showing a progress bar


def start_import(actor, filename: str, data: bytes, *, dry_run: bool = False,
                 background_rows: int = BACKGROUND_ROWS) -> dict | ImportRun:
    """A small file is imported at once (its counts returned); a larger one is queued as a job that
    imports it the same way (cmdb/jobs.run_import) and the ImportRun is returned to follow it."""
    require_staff(actor)
    rows = checked_rows(filename, data)
    if len(rows) <= background_rows:
        return import_file(actor, filename, data, dry_run=dry_run)
    return queue_import(actor, filename, data, dry_run=dry_run, rows=len(rows))


@transactional
def queue_import(actor, filename: str, data: bytes, *, dry_run: bool, rows: int) -> ImportRun:
    require_staff(actor)
    run = ImportRun(actor_id=actor.id, filename=filename[:255], data=data, dry_run=dry_run, state="queued", rows=rows,
                    counts={}, errors=[])
    db.session.add(run)
    db.session.flush()
    jobs.enqueue_after_commit("cmdb.jobs.run_import", run.id)
    return run


@transactional
def finish_import(run_id: int, state: str, *, counts: dict | None = None, errors: list | None = None) -> None:
    """How a queued import ended (in its own unit of work, after the import's own): the file goes."""
    run = db.session.get(ImportRun, run_id)
    run.state, run.counts, run.errors = state, counts or {}, errors or []
    run.finished_at, run.data = utcnow(), b""


def import_run(run_id) -> ImportRun:
    run = db.session.get(ImportRun, run_id) if isinstance(run_id, int) else None
    if run is None:
        raise NotFound()
    return run

def checked_rows(filename: str, data: bytes) -> list[dict]:
    """The file's rows, or a ValidationError on ``file`` for one this import cannot read."""
    try:
        rows = read_rows(filename, data)
    except (UnicodeDecodeError, csv.Error, ValueError, KeyError, OSError) as error:
        raise ValidationError.single("file", _("Not a CSV or XLSX file this import reads: %(error)s",
                                              error=str(error)[:200])) from None
    if len(rows) > MAX_ROWS:
        raise ValidationError.single("file", _("At most %(n)d rows in one file.", n=MAX_ROWS))
    return rows


def import_file(actor, filename: str, data: bytes, *, dry_run: bool = False, progress=None) -> dict:
    """Import a file; returns counts {"ci": n, "relation": n, "group": n}. Raises ValidationError
    {"rows": ["row 3: name: …", …]} and writes nothing when any row is wrong."""
    require_staff(actor)
    rows = checked_rows(filename, data)
    try:
        return _import(actor, rows, dry_run, progress)
    except DryRunDone as done:
        return done.counts


@transactional
def _import(actor, rows, dry_run, progress):
    errors, counts, seen = [], {"ci": 0, "relation": 0, "group": 0}, set()
    orgs = {o.code: o for o in db.session.scalars(sa.select(Organization))}
    classes = {c.code: c for c in db.session.scalars(sa.select(CIClass))}
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        record = row.get("record", "ci") or "ci"
        try:
            if record == "ci":
                _ci_row(actor, row, orgs, classes, seen)
            elif record == "relation":
                _relation_row(actor, row, orgs)
            elif record == "group":
                _group_row(actor, row, orgs)
            else:
                raise ValidationError.single("record", _("A record is ci, relation or group."))
            counts[record] += 1
        except ValidationError as error:
            errors += [_("row %(row)d: %(field)s: %(message)s", row=number, field=field, message=message)
                       for field, messages in error.errors.items() for message in messages]
        if progress is not None:
            progress(1)
    if errors:
        raise ValidationError({"rows": errors[:500]})
    if dry_run:
        raise DryRunDone(counts)
    return counts


def _org(orgs, code: str, field: str):
    if not code:
        return None
    org = orgs.get(code.upper())
    if org is None:
        raise ValidationError.single(field, _("No organization has the code %(code)s.", code=code))
    return org


def _find(org, name: str, field: str) -> CI:
    ci = db.session.scalar(sa.select(CI).where(
        sa.func.lower(CI.name) == (name or "").lower(), CI.status != "retired",
        CI.organization_id.is_(None) if org is None else CI.organization_id == org.id).limit(1))
    if ci is None:
        raise ValidationError.single(field, _("There is no CI %(name)s here.", name=name))
    return ci


def _ci_row(actor, row, orgs, classes, seen):
    org = _org(orgs, row.get("organization", ""), "organization")
    ci_class = classes.get(row.get("class", ""))
    if ci_class is None:
        raise ValidationError.single("class", _("There is no CI class %(code)s.", code=row.get("class", "")))
    key = (org.id if org else None, row.get("name", "").lower())
    if key in seen:
        raise ValidationError.single("name", _("%(name)s is in this file twice.", name=row.get("name", "")))
    seen.add(key)
    fields = {name: row.get(name, "") for name in ("status", "hostname", "ip_addresses", "serial", "asset_tag",
                                                   "location", "support_contract", "notes")}
    fields["status"] = fields["status"] or "in_production"
    try:
        fields["warranty_end"] = date.fromisoformat(row["warranty_end"]) if row.get("warranty_end") else None
        attributes = json.loads(row["attributes"]) if row.get("attributes") else {}
    except ValueError:
        raise ValidationError.single("warranty_end" if row.get("warranty_end") else "attributes", _(
            "Not a date (YYYY-MM-DD), or attributes not a JSON object.")) from None
    if not isinstance(attributes, dict):
        raise ValidationError.single("attributes", _("Not a date (YYYY-MM-DD), or attributes not a JSON object."))
    try:
        existing = _find(org, row.get("name", ""), "name")
    except ValidationError:
        existing = None
    if existing is None:
        services.create_ci(actor, ci_class=ci_class, name=row.get("name", ""), organization=org,
                           attributes=attributes, **fields)
    else:
        if fields["warranty_end"] is None:
            fields.pop("warranty_end")
        services.update_ci(actor, existing, attributes=attributes, **fields)


def _relation_row(actor, row, orgs):
    source = _find(_org(orgs, row.get("organization", ""), "organization"), row.get("name", ""), "name")
    target = _find(_org(orgs, row.get("target_organization", ""), "target_organization"), row.get("target", ""),
                   "target")
    exists = db.session.scalar(sa.select(Relation.id).join(RelationType).where(
        Relation.source_id == source.id, Relation.target_id == target.id, RelationType.code == row.get("type", "")))
    if exists is None:
        services.add_relation(actor, source, target, row.get("type", ""), impact_override=row.get("impact") or None,
                              group_key=row.get("group") or None)


def _group_row(actor, row, orgs):
    owner = _find(_org(orgs, row.get("organization", ""), "organization"), row.get("name", ""), "name")
    numbers = {}
    for name in ("min_up", "min_up_pct"):
        if row.get(name):
            if not row[name].isdigit() or len(row[name]) > 6:
                raise ValidationError.single(name, _("Not a whole number."))
            numbers[name] = int(row[name])
    services.set_group(actor, owner, row.get("group", ""), **numbers)


# ---------------------------------------------------------------- exporting

def export_rows() -> list[dict]:
    """Every live CI, relation and group, in the import's format."""
    codes = dict(db.session.execute(sa.select(Organization.id, Organization.code)).all())
    rows, by_id = [], {}
    for ci in db.session.scalars(sa.select(CI).where(CI.status != "retired").order_by(CI.organization_id, CI.id)):
        by_id[ci.id] = ci
        rows.append({"record": "ci", "class": ci.ci_class.code, "name": ci.name,
                     "organization": codes.get(ci.organization_id, ""), "status": ci.status, "hostname": ci.hostname,
                     "ip_addresses": ci.ip_addresses, "serial": ci.serial, "asset_tag": ci.asset_tag,
                     "location": ci.location, "warranty_end": ci.warranty_end.isoformat() if ci.warranty_end else "",
                     "support_contract": ci.support_contract, "notes": ci.notes,
                     "attributes": json.dumps(ci.attributes, ensure_ascii=False) if ci.attributes else ""})
    for relation in db.session.scalars(sa.select(Relation).order_by(Relation.id)):
        source, target = by_id.get(relation.source_id), by_id.get(relation.target_id)
        if source and target:
            rows.append({"record": "relation", "name": source.name, "organization": codes.get(source.organization_id, ""),
                         "type": relation.type.code, "target": target.name,
                         "target_organization": codes.get(target.organization_id, ""),
                         "impact": relation.impact or "", "group": relation.group_key or ""})
    for group in db.session.scalars(sa.select(RedundancyGroup).order_by(RedundancyGroup.id)):
        owner = by_id.get(group.owner_id)
        if owner:
            rows.append({"record": "group", "name": owner.name, "organization": codes.get(owner.organization_id, ""),
                         "group": group.key, "min_up": group.min_up or "", "min_up_pct": group.min_up_pct or ""})
    return [{column: row.get(column, "") for column in COLUMNS} for row in rows]


def write_file(filename: str, rows: list[dict]) -> bytes:
    if filename.lower().endswith(".xlsx"):
        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("cmdb")
        sheet.append(list(COLUMNS))
        for row in rows:
            sheet.append([row[column] for column in COLUMNS])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")
