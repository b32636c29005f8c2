"""Reads of the CMDB, scoped by the reader: staff see every CI; a client sees only their
organization's CIs, and a provider CI on the way only as "a provider component" — never
another organization's CI or name. A CI the reader may not see is a 404, like a missing one."""
import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from app import validation
from app.auth.permissions import is_staff
from app.errors import NotFound
from app.extensions import db
from app.orgs.models import Organization
from app.tickets.models import Ticket
from app.tickets.queries import tickets_visible_to
from cmdb import graph, impact
from cmdb.labels import relation_label
from cmdb.models import CI, CIChange, CIClass, RedundancyGroup, Relation, RelationType, TicketCI

PAGE = 50


def cis_visible_to(user) -> sa.Select:
    stmt = sa.select(CI).options(joinedload(CI.organization))
    return stmt if is_staff(user) else stmt.where(CI.organization_id == user.organization_id)


def get_ci(user, ci_id) -> CI:
    ci_id = validation.id_or_none(ci_id) if not isinstance(ci_id, int) else ci_id
    ci = db.session.scalar(cis_visible_to(user).where(CI.id == ci_id)) if ci_id else None
    if ci is None:
        raise NotFound()
    return ci


def classes() -> list[CIClass]:
    return list(db.session.scalars(sa.select(CIClass).where(CIClass.active.is_(True)).order_by(CIClass.group,
                                                                                              CIClass.name)))


def get_class(class_id: int) -> CIClass:
    ci_class = db.session.get(CIClass, class_id)
    if ci_class is None:
        raise NotFound()
    return ci_class


def class_by_code(code: str) -> CIClass | None:
    return db.session.scalar(sa.select(CIClass).where(CIClass.code == code))


def relation_types() -> list[RelationType]:
    return list(db.session.scalars(sa.select(RelationType).order_by(RelationType.code)))


def search(user, q: str = "", *, organization_id: int | None = None, provider: bool = False,
           class_code: str | None = None, group: str | None = None, status: str | None = None,
           offset: int = 0, limit: int = PAGE) -> list[CI]:
    """CIs by name, hostname or IP (a substring, any case), with filters; retired ones only when asked."""
    stmt = cis_visible_to(user).join(CIClass, CIClass.id == CI.class_id)
    q = (q or "").strip().lower()[:200]
    if q:
        like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(sa.or_(*(sa.func.lower(column).like(like, escape="\\")
                                   for column in (CI.name, CI.hostname, CI.ip_addresses))))
    if provider:
        stmt = stmt.where(CI.organization_id.is_(None))
    elif organization_id is not None:
        stmt = stmt.where(CI.organization_id == organization_id)
    if class_code:
        stmt = stmt.where(CIClass.code == class_code)
    if group:
        stmt = stmt.where(CIClass.group == group)
    stmt = stmt.where(CI.status == status) if status else stmt.where(CI.status != "retired")
    return list(db.session.scalars(stmt.order_by(CI.name, CI.id).offset(offset).limit(limit)))


_REF_ID = re.compile(r"\(#(\d{1,9})\)\s*$")


def find_ref(user, text: str) -> CI | None:
    """The CI a person picked or typed: "web-01 (#42)" (what the search offers), "42", or a name or
    hostname that names exactly one live CI the reader may see. None when nothing or several match."""
    text = (text or "").strip()[:220]
    picked = _REF_ID.search(text)
    if picked or (text.isdigit() and len(text) < 10):
        ci_id = int(picked.group(1) if picked else text)
        return db.session.scalar(cis_visible_to(user).where(CI.id == ci_id))
    if not text:
        return None
    found = db.session.scalars(cis_visible_to(user).where(
        CI.status != "retired", sa.or_(sa.func.lower(CI.name) == text.lower(),
                                       sa.func.lower(CI.hostname) == text.lower())).limit(2)).all()
    return found[0] if len(found) == 1 else None


@dataclass
class Side:
    """One relation seen from a CI: the other end (None when the reader may not see it), its label."""
    relation: Relation
    other: CI | None
    label: str


def _visible(user, ci: CI) -> bool:
    return is_staff(user) or ci.organization_id == user.organization_id


def relations_of(user, ci: CI) -> tuple[list[Side], list[Side]]:
    """(what ci depends on, what depends on ci). Another organization's CIs are left out for a
    client; the provider's stay, unnamed."""
    out = db.session.scalars(sa.select(Relation).where(Relation.source_id == ci.id).options(
        joinedload(Relation.target)).order_by(Relation.id))
    into = db.session.scalars(sa.select(Relation).where(Relation.target_id == ci.id).options(
        joinedload(Relation.source)).order_by(Relation.id))
    depends = [Side(r, r.target if _visible(user, r.target) else None, relation_label(r.type)) for r in out
               if _visible(user, r.target) or r.target.organization_id is None]
    dependents = [Side(r, r.source if _visible(user, r.source) else None, relation_label(r.type, True))
                  for r in into
                  if _visible(user, r.source) or r.source.organization_id is None]
    return depends, dependents


def groups_of(ci: CI) -> list[RedundancyGroup]:
    return list(db.session.scalars(sa.select(RedundancyGroup).where(RedundancyGroup.owner_id == ci.id)
                                   .order_by(RedundancyGroup.key)))


def group_members(owner: CI, key: str) -> list[Relation]:
    return list(db.session.scalars(sa.select(Relation).where(Relation.source_id == owner.id, Relation.group_key == key)
                                   .order_by(Relation.id)))


def history_of(ci: CI, limit: int = 200) -> list[CIChange]:
    return list(db.session.scalars(sa.select(CIChange).where(CIChange.ci_id == ci.id).options(
        joinedload(CIChange.actor)).order_by(CIChange.id.desc()).limit(limit)))


def tickets_of(user, ci: CI, limit: int = 100) -> list[tuple[Ticket, str]]:
    """The tickets the reader may see that are linked to the CI, open first, with the link's impact."""
    rows = db.session.execute(tickets_visible_to(user).add_columns(TicketCI.impact).join(
        TicketCI, TicketCI.ticket_id == Ticket.id).where(TicketCI.ci_id == ci.id)
        .order_by(Ticket.is_open.desc(), Ticket.id.desc()).limit(limit))
    return [(ticket, code) for ticket, code in rows]


def cis_of_ticket(user, ticket) -> list[tuple[CI | None, TicketCI]]:
    """The ticket's CIs; for a client, the provider's show unnamed and other organizations' not at all."""
    rows = db.session.execute(sa.select(CI, TicketCI).join(TicketCI, TicketCI.ci_id == CI.id).where(
        TicketCI.ticket_id == ticket.id).order_by(TicketCI.impact, CI.name))
    return [(ci if _visible(user, ci) else None, link) for ci, link in rows
            if _visible(user, ci) or ci.organization_id is None]


def names(ids) -> dict[int, CI]:
    ids = list(ids)
    if not ids:
        return {}
    return {ci.id: ci for ci in db.session.scalars(sa.select(CI).where(CI.id.in_(ids)).options(
        joinedload(CI.organization)))}


@dataclass
class WhatIf:
    """What a CI's failure does (staff): impacted CIs with their state and path, the services
    among them, the client organizations hit and their open tickets on those CIs."""
    failed: CI | list  # one CI ("what if this fails"), or a list (a change's CIs)
    impacted: list  # (CI, state, [CI, ...] path)
    services: list
    organizations: list
    tickets: list


def what_if(user, ci: CI, excluded=()) -> WhatIf:
    result = impact_of(user, [ci], excluded)
    result.failed = ci
    return result


def impact_of(user, cis: list[CI], excluded=()) -> WhatIf:
    """What the failure of ``cis`` together does (staff): a change's CIs, a CI's "what if"."""
    ids = {ci.id for ci in cis}
    result = impact.downstream(graph.graph(), ids, excluded=excluded)
    states = {node: state for node, state in result.states.items() if node not in ids}
    found = names(set(states) | {n for node in states for n in result.path(node)})
    rows = [(found[node], state, [found[n] for n in result.path(node)]) for node, state in states.items()
            if node in found]
    rows.sort(key=lambda row: (row[1] != "down", row[0].name))
    services = [row for row in rows if row[0].ci_class.group == "services"]
    org_ids = {row[0].organization_id for row in rows} | {ci.organization_id for ci in cis}
    orgs = list(db.session.scalars(sa.select(Organization).where(Organization.id.in_(org_ids - {None}))
                                   .order_by(Organization.name))) if org_ids - {None} else []
    hit = [row[0].id for row in rows] + list(ids)
    on_them = sa.select(TicketCI.ticket_id).where(TicketCI.ci_id.in_(hit))
    tickets = list(db.session.scalars(tickets_visible_to(user).where(
        Ticket.id.in_(on_them), Ticket.is_open.is_(True)).order_by(Ticket.id.desc()).limit(50))) if hit else []
    return WhatIf(cis, rows, services, orgs, tickets)


@dataclass
class MyCI:
    ci: CI
    state: str  # ok, degraded, down
    why: str
    open_tickets: list


def my_servers(user) -> list[MyCI]:
    """The client's CIs with their state now (computed on the whole graph: failed CIs down, those
    in maintenance degraded), why, in words that name only the client's own CIs, and open tickets."""
    cis = list(db.session.scalars(sa.select(CI).where(CI.organization_id == user.organization_id,
                                                      CI.status != "retired").order_by(CI.name)))
    g = graph.graph()
    result = impact.downstream(g, graph.failed_now())
    open_by_ci: dict[int, list] = {}
    if cis:
        for ticket, ci_id in db.session.execute(tickets_visible_to(user).add_columns(TicketCI.ci_id).join(
                TicketCI, TicketCI.ticket_id == Ticket.id).where(TicketCI.ci_id.in_([c.id for c in cis]),
                                                                 Ticket.is_open.is_(True)).order_by(Ticket.id)):
            open_by_ci.setdefault(ci_id, []).append(ticket)
    return [MyCI(ci, result.states.get(ci.id, "ok"), _why(user, g, result, ci), open_by_ci.get(ci.id, []))
            for ci in cis]


def _label(user, ci: CI) -> str:
    if _visible(user, ci):
        return ci.name
    return _("a provider component") if ci.organization_id is None else _("another component")


def _why(user, g, result, ci: CI) -> str:
    """"1 of 2 nodes down (a provider component)": the first redundancy group on the way with a
    member down (else the first group), and the cause at the end of the way."""
    path = result.path(ci.id)
    if len(path) < 2:
        return _("its own status") if ci.id in result.failed else ""
    cause = names([path[-1]]).get(path[-1])
    cause_text = _label(user, cause) if cause else _("a provider component")
    groups = []
    for owner, member in zip(path, path[1:], strict=False):
        for key in sorted({attrs.get("group") for attrs in g[owner][member].values()} - {None}):
            members = [m for m, edges in g[owner].items() for attrs in edges.values() if attrs.get("group") == key]
            groups.append((sum(1 for m in members if result.states.get(m) == "down"), len(members)))
    if groups:
        down, n = next((group for group in groups if group[0]), groups[0])
        return _("%(down)d of %(n)d nodes down (%(cause)s)", down=down, n=n, cause=cause_text)
    return _("depends on %(cause)s", cause=cause_text)


def organizations_hit(ticket) -> list[dict]:
    """For a major incident: the organizations that the ticket's failed CIs (its ``manual`` links;
    ``not_impacted`` ones excluded) hit, each with the chain from its first CI hit back to the failed
    CI (names and owners, so that a client's page can say "a provider component") and its services hit.
    Registered with app/incidents/impact.py; nothing here writes."""
    links = {link.ci_id: link.impact for link in db.session.scalars(
        sa.select(TicketCI).where(TicketCI.ticket_id == ticket.id))}
    failed = [ci for ci, kind in links.items() if kind == "manual"]
    if not failed:
        return []
    excluded = [ci for ci, kind in links.items() if kind == "not_impacted"]
    result = impact.downstream(graph.graph(), failed, excluded=excluded)
    found = names(set(result.states) | set(failed))
    by_org: dict[int, dict] = {}
    for node in sorted(result.states, key=lambda n: (len(result.path(n)), n)):
        ci = found.get(node)
        if ci is None or ci.organization_id is None:
            continue
        entry = by_org.setdefault(ci.organization_id, {
            "organization_id": ci.organization_id, "services": [],
            "path": [[found[n].name, found[n].organization_id] for n in result.path(node) if n in found]})
        if ci.ci_class.group == "services" and ci.name not in entry["services"]:
            entry["services"].append(ci.name)
    return sorted(by_org.values(), key=lambda entry: entry["organization_id"])
