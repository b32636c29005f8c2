"""What the knowledge base shows beside a ticket (the agent's ticket page): articles related
to the ticket with "insert link into reply", and "make an article" on a solved one."""
from flask import url_for
from flask_login import current_user

from app.auth.permissions import is_staff
from kb import from_ticket, queries
from kb.forms import ActionForm
from kb.labels import STATUS_LABELS


def article_link(article) -> str:
    """The Markdown link an agent puts into a reply: the portal's page for articles clients read."""
    if article.visibility == "internal":
        return f"[{article.title}]({url_for('kb.article', article_id=article.id, _external=True)})"
    return f"[{article.title}]({url_for('kb_portal.article', article_id=article.id, _external=True)})"


def panel_context(ticket) -> dict:
    if not is_staff(current_user):
        return {}
    return {"kb_made": queries.from_ticket(ticket), "kb_can_draft": from_ticket.can_draft(ticket),
            "kb_form": ActionForm(formdata=None)}


def related_context(ticket) -> dict:
    """The panel's related articles, fetched by the page once it is shown (kb.related)."""
    return {"ticket": ticket, "kb_related": queries.related_to_ticket(current_user, ticket),
            "kb_form": ActionForm(formdata=None), "kb_link": article_link, "kb_status_labels": STATUS_LABELS}
