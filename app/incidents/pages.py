"""What pages show of incidents: the incident's panel on the agent's ticket page, and the
major-incident page's context (gathered here so that a form that failed is shown again)."""
from flask import render_template
from flask_login import current_user

from app import timeutil
from app.auth.permissions import is_manager
from app.incidents import impact, queries, services
from app.incidents.forms import (
    AffectedForm,
    ChildrenForm,
    DeclareForm,
    PeopleForm,
    ProblemForm,
    ResolveForm,
    ReviewForm,
    UndeclareForm,
    UpdateForm,
)
from app.tickets import workspace
from app.tickets.workflow import Kind


def panel_context(ticket) -> dict:
    if ticket.kind != Kind.INCIDENT:
        return {}
    return {"incident_detail": ticket.incident_detail, "declare_form": DeclareForm(formdata=None, prefix="declare"),
            "may_declare": services.may_declare(current_user, ticket)}


def major_page(ticket, *, update_form=None):
    detail = ticket.incident_detail
    people = PeopleForm(formdata=None, prefix="people", manager=detail.manager_id if detail else None,
                        engineers=[e.id for e in detail.engineers] if detail else [])
    people.manager.choices = workspace.staff_choices()
    people.engineers.choices = workspace.staff_choices(blank=False)
    rows = queries.affected_of(ticket)
    affected = AffectedForm(formdata=None, prefix="affected", organizations=[r.organization_id for r in rows
                                                                             if not r.computed],
                            public_summary=detail.public_summary if detail else "",
                            provider_wide=detail.provider_wide if detail else False)
    affected.organizations.choices = workspace.organization_choices(blank=False)
    return render_template(
        "incidents/detail.html", ticket=ticket, detail=detail, timeline=queries.timeline(ticket),
        children=queries.children_of(ticket), affected=rows, cmdb=impact.available(),
        update_form=update_form or UpdateForm(formdata=None, prefix="update"),
        declare_form=DeclareForm(formdata=None, prefix="declare"),
        undeclare_form=UndeclareForm(formdata=None, prefix="undeclare"),
        may_declare=services.may_declare(current_user, ticket), is_manager=is_manager(current_user),
        people_form=people, affected_form=affected, children_form=ChildrenForm(formdata=None, prefix="children"),
        resolve_form=ResolveForm(formdata=None, prefix="resolve"),
        review_form=ReviewForm(formdata=None, prefix="review", changes=detail.review_changes if detail else ""),
        problem_form=ProblemForm(formdata=None, prefix="problem"), now=timeutil.utcnow())
