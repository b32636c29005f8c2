"""What the CMDB's pages show, gathered from queries: the CI page (with "what if this fails"
and its picture) and the CMDB panel on the agent's ticket page."""
from flask import request, url_for
from flask_login import current_user

from app.auth.permissions import is_staff
from app.forms import choices
from app.orgs import queries as org_queries
from cmdb import queries, svg
from cmdb.forms import ActionForm, CIForm, GroupForm, LinkForm, RelationForm, with_attributes
from cmdb.labels import (
    GROUP_LABELS,
    IMPACT_LABELS,
    LINK_LABELS,
    STATE_LABELS,
    STATUS_LABELS,
    attribute_label,
    attribute_value,
    class_label,
    history_field,
    history_value,
    relation_label,
)

LABELS = {"status_labels": STATUS_LABELS, "group_labels": GROUP_LABELS, "impact_labels": IMPACT_LABELS,
          "link_labels": LINK_LABELS, "state_labels": STATE_LABELS, "class_label": class_label}


def attributes_shown(ci) -> list[tuple[str, str]]:
    """The CI's class attributes as (label, value), in the reader's language, by label."""
    return sorted(((attribute_label(ci.ci_class, name), attribute_value(value))
                   for name, value in (ci.attributes or {}).items()), key=lambda row: row[0].lower())


def history_shown(ci, rows) -> list[tuple]:
    """The history rows as (row, field label, old, new) in words."""
    return [(row, history_field(ci.ci_class, row.field), history_value(row.field, row.old),
             history_value(row.field, row.new)) for row in rows]


def ci_form(ci=None, **data) -> CIForm:
    """The CI form; for an existing CI, without class and owner and with its class's attributes."""
    if ci is None:
        form = CIForm(**data)
    else:
        attributes = {f"attr_{name}": value if not isinstance(value, bool) else str(value).lower()
                      for name, value in (ci.attributes or {}).items()}
        form = with_attributes(CIForm, ci.ci_class.schema)(obj=ci, **attributes, **data)
    form.ci_class.choices = choices((c.code, f"{GROUP_LABELS.get(c.group, c.group)} · {class_label(c)}")
                                    for c in queries.classes())
    form.organization.choices = choices([(0, "—"), *((o.id, o.name) for o in org_queries.active_organizations())])
    return form


def relation_form(**data) -> RelationForm:
    form = RelationForm(prefix="rel", **data)
    form.type.choices = choices((t.code, relation_label(t)) for t in queries.relation_types())
    return form


def _group_text(group, members, states):
    n = len(members)
    up = sum(1 for m in members if states.get(m) != "down")
    need = group.min_up if group.min_up is not None else -(-(group.min_up_pct or 100) * n // 100)
    return f"{up}/{n} (min {need})"


def picture(ci, result: queries.WhatIf, depends, dependents):
    states = {row[0].id: row[1] for row in result.impacted}
    groups = []
    for index, side in enumerate(dependents):
        key = side.relation.group_key
        if key and side.other is not None:
            group = next((g for g in queries.groups_of(side.other) if g.key == key), None)
            if group is not None:
                members = [r.target_id for r in queries.group_members(side.other, key)]
                states_here = {**states, ci.id: "down"}
                groups.append(("left", index, _group_text(group, members, states_here), states.get(side.other.id, "ok")))
    for index, side in enumerate(depends):
        key = side.relation.group_key
        if key:
            group = next((g for g in queries.groups_of(ci) if g.key == key), None)
            if group is not None:
                members = [r.target_id for r in queries.group_members(ci, key)]
                groups.append(("right", index, _group_text(group, members, {}), "ok"))
    label = lambda side: (side.other.name if side.other else "?", side.label, side.other.id if side.other else None)  # noqa: E731
    return svg.neighbourhood((ci.name, class_label(ci.ci_class)), [label(s) for s in dependents[:30]],
                             [label(s) for s in depends[:30]], states,
                             lambda ci_id: url_for("cmdb.detail", ci_id=ci_id), groups)


def ci_page(ci, **forms) -> dict:
    depends, dependents = queries.relations_of(current_user, ci)
    result = queries.what_if(current_user, ci)
    tickets = queries.tickets_of(current_user, ci)
    return dict(ci=ci, depends=depends, dependents=dependents, groups=queries.groups_of(ci),
                history=history_shown(ci, queries.history_of(ci)), attributes=attributes_shown(ci),
                open_tickets=[t for t in tickets if t[0].is_open],
                past_tickets=[t for t in tickets if not t[0].is_open], what_if=result,
                picture=picture(ci, result, depends, dependents),
                relation_form=forms.get("relation_form") or relation_form(formdata=None),
                group_form=forms.get("group_form") or GroupForm(formdata=None, prefix="grp"), **LABELS)


def panel_context(ticket) -> dict:
    """The ticket page's CMDB panel (staff): the linked CIs, a search to link more, "compute impact"."""
    if not is_staff(current_user):
        return {}
    q = (request.args.get("ci_q") or "").strip()[:200]
    linked = queries.cis_of_ticket(current_user, ticket)
    linked_ids = {link.ci_id for _, link in linked}
    found = [] if not q else [
        ci for ci in queries.search(current_user, q, organization_id=ticket.organization_id, limit=12)
        + queries.search(current_user, q, provider=True, limit=8) if ci.id not in linked_ids]
    return {"cmdb_linked": linked, "cmdb_found": found, "cmdb_q": q, "cmdb_link_form": LinkForm(formdata=None),
            "cmdb_action_form": ActionForm(formdata=None), "cmdb_link_labels": LINK_LABELS}
