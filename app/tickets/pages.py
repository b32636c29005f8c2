"""The ticket page of the workspace: everything it shows, gathered in one place
so that a form that failed can be shown again with its errors. The kinds and the
engines add their own panels with register_panel() from their init_app; the page
includes each panel's template with the context its function returns. Banners above the
workspace's pages (register_banner) come the same way."""
from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user

from app.forms import options_html
from app.i18n import labels
from app.tickets import canned, queries, services, workspace
from app.tickets.forms import LinkForm, MergeForm, ReplyForm, TransitionForm, UpdateForm, WorklogForm
from app.tickets.workflow import (
    ACTION_LABELS,
    EVENT_LABELS,
    KIND_LABELS,
    LEVEL_LABELS,
    LINK_KINDS,
    RESOLUTION_CODES,
    STATUS_LABELS,
    VIA_LABELS,
)

_PANELS: list[tuple[str, object]] = []
_BANNERS: list[tuple[str, object]] = []


def register_panel(template: str, context) -> None:
    """A panel on every ticket page: ``context(ticket)`` gives its variables ({} shows it empty)."""
    if (template, context) not in _PANELS:
        _PANELS.append((template, context))


def register_banner(template: str, context) -> None:
    """A banner above the workspace's lists and ticket pages (a kind's major incidents):
    ``context()`` gives its variables, read by the template as ``banner``; falsy shows nothing."""
    if (template, context) not in _BANNERS:
        _BANNERS.append((template, context))


def banners() -> list[tuple[str, object]]:
    """The banners to show now: (template, what its context function gave)."""
    shown = []
    for template, context in _BANNERS:
        data = context()
        if data:
            shown.append((template, data))
    return shown


def timeline(messages, events):
    """Messages and history in the order they happened (creation first)."""
    items = [(m.created_at, 1, "message", m) for m in messages]
    items += [(e.created_at, 0, "event", e) for e in events]
    return [(kind, item) for _, _, kind, item in sorted(items, key=lambda row: (row[0], row[1]))]


def ticket_page(ticket, *, reply_form=None, transition_form=None, update_form=None, link_form=None,
                merge_form=None, worklog_form=None, conflict=None):
    """The ticket page. Its tools (links, time, followers, merging) come after it, from tickets.tools,
    unless one of their forms is shown again here with its errors."""
    if update_form is None:
        update_form = UpdateForm(formdata=None, team=ticket.team_id, assignee=ticket.assignee_id,
                                 impact=str(ticket.impact), urgency=str(ticket.urgency), category=ticket.category,
                                 affected_system=ticket.affected_system, major=ticket.major)
    update_form.team.choices, update_form.assignee.choices = workspace.team_choices(), workspace.staff_choices()
    update_form.version.data = ticket.version
    messages, ticket_files = queries.conversation(current_user, ticket)
    events = queries.events_of(ticket)
    tools_inline = any(form is not None for form in (link_form, merge_form, worklog_form))
    return render_template(
        "tickets/detail.html", ticket=ticket, timeline=timeline(messages, events), events=events,
        ticket_files=ticket_files,
        targets=services.targets(ticket),
        canned=[(c.title, canned.render(c, ticket, current_user)) for c in canned.available_to(current_user)],
        # Forms not being re-shown with errors start empty, whatever else was posted.
        reply_form=reply_form or ReplyForm(formdata=None),
        transition_form=transition_form or TransitionForm(formdata=None),
        update_form=update_form, conflict=conflict,
        options_html=options_html, status_labels=labels(STATUS_LABELS), action_labels=labels(ACTION_LABELS),
        kind_labels=labels(KIND_LABELS), level_labels=labels(LEVEL_LABELS), resolution_labels=labels(RESOLUTION_CODES),
        link_labels=labels(LINK_KINDS),
        event_labels=labels(EVENT_LABELS), via_labels=labels(VIA_LABELS), coded_values=_coded_values(),
        panel_templates=[template for template, _function in _PANELS], **panel_context(ticket),
        tools_inline=tools_inline,
        **(_tools(ticket, link_form=link_form, merge_form=merge_form, worklog_form=worklog_form)
           if tools_inline else {}),
    )


def tools_context(ticket) -> dict:
    """What the ticket's tools show on their own (tickets.tools): its links, the time logged, who
    follows it, and their forms."""
    return {"ticket": ticket, "options_html": options_html, "link_labels": labels(LINK_KINDS), **_tools(ticket)}


def _tools(ticket, *, link_form=None, merge_form=None, worklog_form=None) -> dict:
    return {"links": queries.links_of(ticket), "minutes": queries.minutes_logged(ticket),
            "follower_choices": workspace.follower_choices(ticket),
            "link_form": link_form or LinkForm(formdata=None, prefix="link"),
            "merge_form": merge_form or MergeForm(formdata=None, prefix="merge"),
            "worklog_form": worklog_form or WorklogForm(formdata=None)}


def _coded_values() -> dict[str, dict[str, str]]:
    """The labels of the coded values an event may hold (the history stores the codes)."""
    levels = {str(k): v for k, v in labels(LEVEL_LABELS).items()}
    return {"resolution_code": labels(RESOLUTION_CODES), "impact": levels, "urgency": levels,
            "major": {"True": _("yes"), "False": _("no")},
            "approval": {"pending": _("Awaiting approval"), "approved": _("Approved"), "rejected": _("Rejected")}}


def panel_context(ticket) -> dict:
    context = {}
    for _template, function in _PANELS:
        context.update(function(ticket))
    return context
