"""The CMDB beside the ticket kinds, answered at the doors (cmdb/doors.py):

- a change: the impact of the CIs it works on (its ``manual`` links), shown to the CAB on the
  change page, and recorded (``ChangeImpact``, by name) when the change is submitted, so the CAB
  decides on what was shown even if the graph moves later; the CIs it touches and their reach,
  for the calendar's conflicts (app/changes/hooks.py);
- a problem: its CIs (its own and its incidents', most incidents first) and root-cause help;
- an incident: root-cause help over the incidents open now, and the known errors whose CIs share
  a CI, a dependency or a class with the incident's."""
from dataclasses import dataclass

import sqlalchemy as sa
from flask_login import current_user

from app.auth.permissions import is_staff
from app.extensions import db
from app.problems.models import ProblemDetail
from app.problems.queries import known_errors_for
from app.tickets.models import Link, Ticket
from app.tickets.queries import linking_to
from app.tickets.workflow import EMERGENCY, Kind
from app.timeutil import utcnow
from cmdb import graph, impact, queries
from cmdb.labels import class_label
from cmdb.models import CI, ChangeImpact, TicketCI

SUBMITTED = ("submitted", "awaiting_approval")  # entering either records the change's impact
SNAPSHOT_ROWS = 200  # impacted CIs kept by name in a record (the counts keep the rest)
OPEN_INCIDENTS = 300  # the most recent open incidents root-cause help looks at


def _links(ticket_ids, codes=("manual",)) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {}
    ids = list(ticket_ids)
    if ids:
        for ticket_id, ci_id in db.session.execute(sa.select(TicketCI.ticket_id, TicketCI.ci_id).where(
                TicketCI.ticket_id.in_(ids), TicketCI.impact.in_(codes))):
            found.setdefault(ticket_id, set()).add(ci_id)
    return found


# ---------------------------------------------------------------------------------- changes

def touches(change_ids) -> dict[int, tuple[frozenset, frozenset]]:
    """For the change calendar: each change's CIs (linked by hand) and their reach in the graph."""
    g = graph.graph()
    return {change: (frozenset(cis), impact.reach(g, cis)) for change, cis in _links(change_ids).items()}


def change_cis(change: Ticket) -> list[CI]:
    ids = _links([change.id]).get(change.id, set())
    return sorted(queries.names(ids).values(), key=lambda ci: ci.name) if ids else []


def change_impact(actor, change: Ticket) -> queries.WhatIf | None:
    """The impact now of the change's CIs failing together (the ruled-out ones pinned ok)."""
    cis = change_cis(change)
    if not cis:
        return None
    excluded = _links([change.id], ("not_impacted",)).get(change.id, set())
    return queries.impact_of(actor, cis, excluded=excluded)


def _org(ci: CI) -> str | None:
    return ci.organization.name if ci.organization else None


def snapshot(cis: list[CI], result: queries.WhatIf | None) -> dict:
    """A change's impact as plain data, by name: what the CAB was shown."""
    rows = result.impacted if result else []
    return {
        "cis": [[ci.id, ci.name, _org(ci)] for ci in cis],
        "services": [[ci.id, ci.name, state, _org(ci)] for ci, state, _ in (result.services if result else [])],
        "organizations": [[org.id, org.name] for org in (result.organizations if result else [])],
        "impacted": [[ci.id, ci.name, state, _org(ci)] for ci, state, _ in rows[:SNAPSHOT_ROWS]],
        "count": len(rows), "down": sum(1 for row in rows if row[1] == "down"),
        "degraded": sum(1 for row in rows if row[1] == "degraded"),
    }


def record_change_impact(ticket, *, actor, old: str, new: str, side: str) -> None:
    """status_changed: a change entering submission (or starting as an emergency before any record)
    gets its impact recorded, in the transition's unit of work."""
    if ticket.kind != Kind.CHANGE:
        return
    existing = db.session.get(ChangeImpact, ticket.id)
    if new not in SUBMITTED and not (side == EMERGENCY and existing is None):
        return
    cis = change_cis(ticket)
    data = snapshot(cis, change_impact(actor, ticket))
    if existing is None:
        db.session.add(ChangeImpact(ticket_id=ticket.id, status=new, snapshot=data,
                                    actor_id=getattr(actor, "id", None)))
    else:
        existing.status, existing.snapshot, existing.recorded_at = new, data, utcnow()
        existing.actor_id = getattr(actor, "id", None)
    db.session.flush()


def planned_for(user, change_ids) -> dict[int, list[CI]]:
    """"Planned work on your servers": for each change, the client's own CIs it works on or
    impacts (services first) — never another organization's, never the provider's."""
    links = _links(change_ids)
    if not links or user.organization_id is None:
        return {}
    g, hit = graph.graph(), {}
    for change, cis in links.items():
        hit[change] = set(cis) | set(impact.downstream(g, cis).states)
    every = set().union(*hit.values())
    mine = {ci.id: ci for ci in db.session.scalars(sa.select(CI).where(
        CI.id.in_(every), CI.organization_id == user.organization_id, CI.status != "retired"))}
    order = lambda ci: (ci.ci_class.group != "services", ci.name)  # noqa: E731
    return {change: sorted((mine[ci] for ci in ids if ci in mine), key=order) for change, ids in hit.items()}


def recorded_impact(change: Ticket) -> ChangeImpact | None:
    return db.session.get(ChangeImpact, change.id)


# ------------------------------------------------------------------------- problems, incidents

@dataclass
class Cause:
    ci: CI
    explains: int  # incidents it explains alone
    under: int  # incidents that depend on it at all
    observed: bool  # one of the incidents' own CIs


def incidents_of_problem(problem: Ticket, open_only: bool = False) -> list[int]:
    stmt = sa.select(Ticket.id).where(linking_to(problem, "caused_by"))
    if open_only:
        stmt = stmt.where(Ticket.is_open.is_(True))
    return list(db.session.scalars(stmt.order_by(Ticket.id)))


def problem_cis(problem: Ticket) -> list[tuple[CI, int]]:
    """The problem's CIs: its own links and its incidents' (linked or computed), each with the
    number of its incidents on it — the CI common to most incidents first."""
    incidents = incidents_of_problem(problem)
    by_ticket = _links([problem.id, *incidents], ("manual", "computed"))
    counts: dict[int, int] = {}
    for ticket_id, cis in by_ticket.items():
        for ci in cis:
            counts[ci] = counts.get(ci, 0) + (ticket_id != problem.id)
    found = queries.names(counts)
    return sorted(((found[ci], n) for ci, n in counts.items() if ci in found), key=lambda row: (-row[1], row[0].name))


def _causes(incidents: dict[int, set[int]], focus: int | None = None, limit: int = 8) -> list[Cause]:
    ranked = impact.rank_causes(graph.graph(), incidents, focus=focus)
    if focus is not None:
        ranked = [cause for cause in ranked if focus in cause.under or focus in cause.explains]
    ranked = ranked[:limit]
    found = queries.names(cause.ci for cause in ranked)
    return [Cause(found[c.ci], len(c.explains), len(c.under), c.observed) for c in ranked if c.ci in found]


def problem_causes(problem: Ticket) -> tuple[list[Cause], int]:
    """Ranked root-cause candidates over the problem's open incidents (all of them when none is open)."""
    incidents = incidents_of_problem(problem, open_only=True) or incidents_of_problem(problem)
    by_ticket = _links(incidents)
    return _causes(by_ticket), len(by_ticket)


def _open_incidents() -> list[int]:
    return list(db.session.scalars(sa.select(Ticket.id).where(
        Ticket.kind == Kind.INCIDENT, Ticket.is_open.is_(True),
        sa.exists().where(TicketCI.ticket_id == Ticket.id, TicketCI.impact == "manual"))
        .order_by(Ticket.id.desc()).limit(OPEN_INCIDENTS)))


def incident_causes(incident: Ticket) -> tuple[list[Cause], int]:
    """Root-cause help on an incident: the open incidents that share a dependency with it, and the
    candidates under this one ranked by how many of them each explains. Returns (causes, incidents)."""
    mine = _links([incident.id]).get(incident.id, set())
    if not mine:
        return [], 0
    g = graph.graph()
    own = set(mine) | impact.dependencies(g, mine)
    related = {incident.id: mine}
    for ticket_id, cis in _links(_open_incidents()).items():
        if ticket_id != incident.id and (set(cis) | impact.dependencies(g, cis)) & own:
            related[ticket_id] = cis
    return _causes(related, focus=incident.id), len(related)


def known_errors_by_ci(incident: Ticket) -> list[tuple[Ticket, ProblemDetail, str, str]]:
    """Open known errors whose CIs (the problem's own and its incidents') share a CI, a direct
    dependency (one depends on the other, or both on a third) or a class with the incident's:
    (problem, detail, reason code, what is shared), closest first."""
    mine = _links([incident.id], ("manual", "computed")).get(incident.id, set())
    if not mine or incident.kind != Kind.INCIDENT or not incident.is_open:
        return []
    offered = {problem.id for problem, _ in known_errors_for(incident)}
    rows = db.session.execute(sa.select(Ticket, ProblemDetail).join(ProblemDetail, ProblemDetail.ticket_id == Ticket.id)
                              .where(Ticket.kind == Kind.PROBLEM, Ticket.is_open.is_(True),
                                     ProblemDetail.known_error.is_(True)).order_by(Ticket.id).limit(200)).all()
    if not rows:
        return []
    g = graph.graph()
    mine_cis = queries.names(mine)
    my_classes = {ci.class_id: ci.ci_class for ci in mine_cis.values()}
    my_deps = {dep for ci in mine for dep in impact.direct_dependencies(g, ci)}
    problem_ids = [problem.id for problem, _ in rows]
    incidents: dict[int, list[int]] = {}
    for incident_id, problem_id in db.session.execute(sa.select(Link.source_id, Link.target_id).where(
            Link.target_id.in_(problem_ids), Link.kind == "caused_by")):
        incidents.setdefault(problem_id, []).append(incident_id)
    linked = _links(problem_ids + [i for ids in incidents.values() for i in ids], ("manual", "computed"))
    theirs_by_problem = {pid: set().union(set(), *(linked.get(t, set()) for t in [pid, *incidents.get(pid, [])]))
                         for pid in problem_ids}
    classes_of = {ci.id: ci.class_id for ci in queries.names(set().union(set(), *theirs_by_problem.values())).values()}
    found = []
    for problem, detail in rows:
        if problem.id in offered or problem.id == incident.id:
            continue
        theirs = theirs_by_problem[problem.id]
        shared = mine & theirs
        deps = (mine | my_deps) & (theirs | {dep for ci in theirs for dep in impact.direct_dependencies(g, ci)})
        classes = set(my_classes) & {classes_of[ci] for ci in theirs if ci in classes_of}
        if shared:
            found.append((0, problem, detail, "ci", ", ".join(sorted(mine_cis[c].name for c in shared if c in mine_cis))))
        elif deps:
            names = queries.names(deps)
            found.append((1, problem, detail, "dependency", ", ".join(sorted(ci.name for ci in names.values()))))
        elif classes:
            found.append((2, problem, detail, "class", ", ".join(sorted(class_label(my_classes[c]) for c in classes))))
    found.sort(key=lambda row: (row[0], row[1].id))
    return [row[1:] for row in found[:5]]


# ------------------------------------------------------------------------------ the panel

def panel_context(ticket) -> dict:
    """The CMDB beside a change, a problem or an incident on the agent's ticket page."""
    if not is_staff(current_user):
        return {}
    if ticket.kind == Kind.CHANGE:
        cis = change_cis(ticket)
        return {"cmdb_change": {"cis": cis, "now": change_impact(current_user, ticket) if cis else None,
                                "recorded": recorded_impact(ticket)}}
    if ticket.kind == Kind.PROBLEM:
        causes, n = problem_causes(ticket)
        return {"cmdb_problem_cis": problem_cis(ticket), "cmdb_causes": causes, "cmdb_cause_incidents": n}
    if ticket.kind == Kind.INCIDENT:
        causes, n = incident_causes(ticket)
        return {"cmdb_causes": causes, "cmdb_cause_incidents": n, "cmdb_known_errors": known_errors_by_ci(ticket)}
    return {}
