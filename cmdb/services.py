"""The CMDB's write path: CIs, relations, redundancy groups and the catalog. Staff write,
clients never. Every write records its history (who, when, field, old → new) and bumps the
version counter that the graph cache keys on. Bad input raises ValidationError and writes
nothing (each service is one unit of work). Ticket ↔ CI links are in cmdb/links.py."""
import ipaddress
import re
import time
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from app.auth.permissions import is_admin, is_staff
from app.errors import Forbidden, ValidationError
from app.extensions import db
from app.transactions import transactional
from cmdb import catalog, impact
from cmdb.models import CI, CIChange, CIClass, CMDBVersion, RedundancyGroup, Relation, RelationType

CI_FIELDS = ("name", "status", "hostname", "ip_addresses", "serial", "asset_tag", "location", "warranty_end",
             "support_contract", "notes")
LIMITS = {"name": 200, "hostname": 255, "ip_addresses": 500, "serial": 100, "asset_tag": 100, "location": 200,
          "support_contract": 200, "notes": 20_000}


def require_staff(actor) -> None:
    if not is_staff(actor):
        raise Forbidden()


def bump() -> int:
    """Bump the CMDB version in the current transaction. A missing row (an emptied database)
    starts from the clock, so a number a process cached before is never met again."""
    updated = db.session.execute(sa.update(CMDBVersion).where(CMDBVersion.id == 1)
                                 .values(version=CMDBVersion.version + 1))
    if updated.rowcount == 0:
        db.session.add(CMDBVersion(id=1, version=time.time_ns() // 1000))
        db.session.flush()
    return db.session.scalar(sa.select(CMDBVersion.version).where(CMDBVersion.id == 1))


def _history(ci_id: int, actor, field: str, old, new) -> None:
    db.session.add(CIChange(ci_id=ci_id, actor_id=getattr(actor, "id", None), field=field,
                            old=None if old in (None, "") else str(old), new=None if new in (None, "") else str(new)))


@transactional
def seed_catalog(actor) -> int:
    """Add the shipped classes and relation types that are missing. Returns how many were added."""
    require_staff(actor)
    have = set(db.session.scalars(sa.select(CIClass.code)))
    types = set(db.session.scalars(sa.select(RelationType.code)))
    added = [CIClass(code=code, name=name, group=group, schema=schema)
             for code, (group, name, schema) in catalog.CLASSES.items() if code not in have]
    added += [RelationType(code=code, label=label, inverse_label=inverse, default_impact=default)
              for code, (label, inverse, default) in catalog.RELATION_TYPES.items() if code not in types]
    db.session.add_all(added)
    bump()
    return len(added)


# ---------------------------------------------------------------- checking input

def check_attributes(ci_class: CIClass, attributes: dict | None) -> dict:
    """The class attributes made to their schema's types; unknown names and bad values refused."""
    schema, clean, errors = ci_class.schema or {}, {}, []
    for name, value in (attributes or {}).items():
        spec = schema.get(name)
        if spec is None:
            errors.append(_("%(class)s has no attribute %(name)s.", **{"class": ci_class.name, "name": name}))
            continue
        if value in (None, ""):
            continue
        try:
            clean[name] = _typed(spec.get("type", "str"), value)
        except (TypeError, ValueError):
            errors.append(_("%(name)s: not a valid %(type)s.", name=name, type=spec.get("type", "str")))
            continue
        if spec.get("choices") and str(clean[name]) not in spec["choices"]:
            errors.append(_("%(name)s is one of: %(choices)s.", name=name, choices=", ".join(spec["choices"])))
    if errors:
        raise ValidationError({"attributes": errors})
    return clean


def _typed(kind: str, value):
    if kind == "int":
        if isinstance(value, bool) or (isinstance(value, float) and value != int(value)):
            raise ValueError
        return int(str(value).strip()) if isinstance(value, str) else int(value)
    if kind == "float":
        return float(value)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text not in ("true", "false", "yes", "no", "1", "0"):
            raise ValueError
        return text in ("true", "yes", "1")
    if kind == "date":
        return date.fromisoformat(str(value).strip()).isoformat()
    text = str(value).strip()
    if len(text) > 500:
        raise ValueError
    return text


def _check_fields(values: dict) -> dict:
    errors = {}
    for name, limit in LIMITS.items():
        value = values.get(name)
        if value is not None and len(value) > limit:
            errors[name] = [_("At most %(n)d characters.", n=limit)]
    if "name" in values and not (values["name"] or "").strip():
        errors["name"] = [_("A CI needs a name.")]
    if values.get("status") is not None and values["status"] not in catalog.STATUSES:
        errors["status"] = [_("Not a CI status.")]
    for address in (values.get("ip_addresses") or "").replace(",", " ").split():
        try:
            ipaddress.ip_interface(address)
        except ValueError:
            errors.setdefault("ip_addresses", []).append(_("%(address)s is not an IP address.", address=address))
    if values.get("warranty_end") is not None and not isinstance(values["warranty_end"], date):
        errors["warranty_end"] = [_("Not a date.")]
    return errors


def _name_taken(name: str, organization_id: int | None, but: int | None = None) -> bool:
    stmt = sa.select(CI.id).where(sa.func.lower(CI.name) == name.lower(), CI.status != "retired",
                                  CI.organization_id.is_(None) if organization_id is None
                                  else CI.organization_id == organization_id)
    if but is not None:
        stmt = stmt.where(CI.id != but)
    return db.session.scalar(stmt.limit(1)) is not None


def _normalized(values: dict) -> dict:
    out = {key: (value.strip() if isinstance(value, str) else value) for key, value in values.items()}
    if out.get("ip_addresses"):
        out["ip_addresses"] = " ".join(out["ip_addresses"].replace(",", " ").split())
    return out


# ---------------------------------------------------------------- CIs

@transactional
def create_ci(actor, *, ci_class: CIClass, name: str, organization=None, attributes: dict | None = None,
              **fields) -> CI:
    """A CI of a client organization, or of the provider (``organization`` None)."""
    require_staff(actor)
    unknown = set(fields) - set(CI_FIELDS)
    if unknown:
        raise TypeError(f"create_ci() got unknown fields {sorted(unknown)}")
    values = _normalized({"name": name, "status": "in_production", **fields})
    errors = _check_fields(values)
    org_id = organization.id if organization is not None else None
    if "name" not in errors and _name_taken(values["name"], org_id):
        errors["name"] = [_("There is already a CI named %(name)s here.", name=values["name"])]
    if errors:
        raise ValidationError(errors)
    ci = CI(ci_class=ci_class, organization_id=org_id, attributes=check_attributes(ci_class, attributes), **values)
    db.session.add(ci)
    db.session.flush()
    _history(ci.id, actor, "created", None, f"{ci_class.name}: {ci.name}")
    bump()
    return ci


@transactional
def update_ci(actor, ci: CI, *, attributes: dict | None = None, **fields) -> list[str]:
    """Write the fields given (and the class attributes, replaced whole). Returns what changed."""
    require_staff(actor)
    unknown = set(fields) - set(CI_FIELDS)
    if unknown:
        raise TypeError(f"update_ci() got unknown fields {sorted(unknown)}")
    values = _normalized(fields)
    errors = _check_fields(values)
    if values.get("name") and "name" not in errors and _name_taken(values["name"], ci.organization_id, but=ci.id):
        errors["name"] = [_("There is already a CI named %(name)s here.", name=values["name"])]
    if errors:
        raise ValidationError(errors)
    changed = []
    for name, value in values.items():
        if value is not None and value != getattr(ci, name):
            _history(ci.id, actor, name, getattr(ci, name), value)
            setattr(ci, name, value)
            changed.append(name)
    if attributes is not None:
        clean = check_attributes(ci.ci_class, attributes)
        for name in sorted(set(clean) | set(ci.attributes or {})):
            if clean.get(name) != (ci.attributes or {}).get(name):
                _history(ci.id, actor, f"attributes.{name}", (ci.attributes or {}).get(name), clean.get(name))
                changed.append(f"attributes.{name}")
        ci.attributes = clean
    if changed:
        bump()
    return changed


# ---------------------------------------------------------------- relations and groups

def _existing(value, field: str) -> CI:
    """A CI given as itself or by id; a missing one is bad input on ``field``."""
    ci = value if isinstance(value, CI) else db.session.get(CI, value) if isinstance(value, int) else None
    if ci is None:
        raise ValidationError.single(field, _("There is no such CI."))
    return ci


def _relation_text(relation: Relation, reverse: bool = False) -> str:
    other = relation.source if reverse else relation.target
    label = relation.type.inverse_label if reverse else relation.type.label
    group = f" [{relation.group_key}]" if relation.group_key else ""
    return f"{label} {other.name} (#{other.id}){group}"


@transactional
def add_relation(actor, source, target, type_code: str, *, impact_override: str | None = None,
                 group_key: str | None = None) -> Relation:
    """``source`` depends on ``target``."""
    require_staff(actor)
    source, target = _existing(source, "source"), _existing(target, "target")
    kind = db.session.scalar(sa.select(RelationType).where(RelationType.code == type_code))
    if kind is None:
        raise ValidationError.single("type", _("There is no relation type %(code)s.", code=type_code))
    try:
        impact.check_edge(source.id, target.id, impact_override or "full")
    except ValueError:
        if source.id == target.id:
            raise ValidationError.single("target", _("A CI cannot depend on itself.")) from None
        raise ValidationError.single("impact", _("The impact is full, degraded or none.")) from None
    group_key = (group_key or "").strip() or None
    if group_key is not None and len(group_key) > 40:
        raise ValidationError.single("group", _("At most %(n)d characters.", n=40))
    if db.session.scalar(sa.select(Relation.id).where(Relation.source_id == source.id, Relation.target_id == target.id,
                                                      Relation.type_id == kind.id)):
        raise ValidationError.single("target", _("This relation exists already."))
    relation = Relation(source=source, target=target, type=kind, impact=impact_override, group_key=group_key)
    db.session.add(relation)
    db.session.flush()
    _history(source.id, actor, "relation", None, _relation_text(relation))
    _history(target.id, actor, "relation", None, _relation_text(relation, reverse=True))
    bump()
    return relation


@transactional
def remove_relation(actor, relation: Relation) -> None:
    require_staff(actor)
    _history(relation.source_id, actor, "relation", _relation_text(relation), None)
    _history(relation.target_id, actor, "relation", _relation_text(relation, reverse=True), None)
    owner, key = relation.source_id, relation.group_key
    db.session.delete(relation)
    db.session.flush()
    if key is not None:
        group = db.session.scalar(sa.select(RedundancyGroup).where(RedundancyGroup.owner_id == owner,
                                                                   RedundancyGroup.key == key))
        members = _members(owner, key)
        if group is not None and members == 0:
            db.session.delete(group)
        elif group is not None and group.min_up is not None and group.min_up > members:
            raise ValidationError.single("relation", _(
                "The group %(key)s needs %(k)d members up: lower its minimum first.", key=key, k=group.min_up))
    bump()


def _members(owner_id: int, key: str) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Relation).where(
        Relation.source_id == owner_id, Relation.group_key == key)) or 0


@transactional
def set_group(actor, owner, key: str, *, min_up: int | None = None, min_up_pct: int | None = None) -> RedundancyGroup:
    """How many of ``owner``'s relations in group ``key`` must stay up (a count, or a percentage)."""
    require_staff(actor)
    owner = _existing(owner, "owner")
    key = (key or "").strip()
    if not key or len(key) > 40:
        raise ValidationError.single("key", _("A group key of 1 to 40 characters."))
    if (min_up is None) == (min_up_pct is None):
        raise ValidationError.single("min_up", _("Give either the minimum up or the percentage, not both."))
    members = _members(owner.id, key)
    if members == 0:
        raise ValidationError.single("key", _("No relation of %(name)s is in the group %(key)s.",
                                              name=owner.name, key=key))
    spec = {"min_up": min_up} if min_up is not None else {"min_up_pct": min_up_pct}
    try:
        impact.check_group(members, spec)
    except ValueError:
        field = "min_up" if min_up is not None else "min_up_pct"
        raise ValidationError.single(field, _(
            "The group %(key)s has %(n)d members: at least 1 and at most %(n)d must stay up.", key=key, n=members)
            if min_up is not None else _("A percentage from 1 to 100.")) from None
    group = db.session.scalar(sa.select(RedundancyGroup).where(RedundancyGroup.owner_id == owner.id,
                                                               RedundancyGroup.key == key))
    old = None
    if group is None:
        group = RedundancyGroup(owner_id=owner.id, key=key)
        db.session.add(group)
    else:
        old = _spec_text(group.spec)
    group.min_up, group.min_up_pct = min_up, min_up_pct
    _history(owner.id, actor, f"group.{key}", old, _spec_text(spec))
    db.session.flush()
    bump()
    return group


def _spec_text(spec: dict) -> str:
    return f"min {spec['min_up']}" if "min_up" in spec else f"min {spec['min_up_pct']}%"


# ---------------------------------------------------------------- classes (admins)

_CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def schema_text(schema: dict) -> str:
    """A class's attribute schema as the lines admins edit: ``name: type`` or ``name: a | b | c``,
    with `` = Label`` at the end when the attribute has a label to show instead of its name."""
    return "\n".join(f"{name}: {' | '.join(spec['choices']) if spec.get('choices') else spec.get('type', 'str')}"
                     + (f" = {spec['label']}" if spec.get("label") else "")
                     for name, spec in sorted((schema or {}).items()))


def parse_schema(text: str) -> dict:
    """The lines of ``schema_text`` back to a schema; a bad line is a ValidationError on ``attributes``."""
    schema, errors = {}, []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        name, _sep, kind = (part.strip() for part in line.partition(":"))
        kind, _sep, label = (part.strip() for part in kind.partition("="))
        choices = [c.strip() for c in kind.split("|") if c.strip()] if "|" in kind else []
        if not _CODE.match(name) or name in schema:
            errors.append(_("Line %(n)d: a new attribute name of small letters, digits and _.", n=number))
        elif len(label) > 80:
            errors.append(_("Line %(n)d: a label of at most 80 characters.", n=number))
        elif choices:
            schema[name] = {"type": "str", "choices": choices, **({"label": label} if label else {})}
        elif (kind or "str") in catalog.ATTRIBUTE_TYPES:
            schema[name] = {"type": kind or "str", **({"label": label} if label else {})}
        else:
            errors.append(_("Line %(n)d: the type is one of %(types)s, or choices separated by |.", n=number,
                            types=", ".join(catalog.ATTRIBUTE_TYPES)))
    if len(schema) > 60:
        errors.append(_("At most %(n)d attributes.", n=60))
    if errors:
        raise ValidationError({"attributes": errors})
    return schema


@transactional
def save_class(actor, ci_class: CIClass | None, *, code: str, name: str, group: str, attributes: str) -> CIClass:
    """Add a CI class or change one (admins): its code, name, group and attribute schema. The
    attributes CIs hold already are kept; they are checked against the new schema when next written."""
    if not is_admin(actor):
        raise Forbidden()
    code, name = (code or "").strip(), (name or "").strip()
    errors = {}
    if not _CODE.match(code):
        errors["code"] = [_("Small letters, digits and _, starting with a letter.")]
    elif db.session.scalar(sa.select(CIClass.id).where(CIClass.code == code,
                                                       CIClass.id != (ci_class.id if ci_class else -1))):
        errors["code"] = [_("There is already a class %(code)s.", code=code)]
    if not name or len(name) > 80:
        errors["name"] = [_("A name of 1 to 80 characters.")]
    if group not in catalog.GROUPS:
        errors["group"] = [_("Not a group of classes.")]
    try:
        schema = parse_schema(attributes)
    except ValidationError as error:
        errors.update(error.errors)
    if errors:
        raise ValidationError(errors)
    if ci_class is None:
        ci_class = CIClass(code=code)
        db.session.add(ci_class)
    ci_class.code, ci_class.name, ci_class.group, ci_class.schema = code, name, group, schema
    db.session.flush()
    return ci_class
