"""The knowledge base's mail: unhelpful feedback is a task for the article's author, and
articles past their "review by" date remind their authors (a periodic job)."""
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from app.extensions import db
from app.jobs import job
from app.mail import outbound
from app.timeutil import utcnow
from kb import queries, services
from kb.models import Feedback


def _mail(person, subject, template: str, **context) -> None:
    if person is None or not person.active or not person.email:
        return
    with force_locale(person.locale or current_app.config["DEFAULT_LOCALE"]):
        message = outbound.build(person.email, subject(), f"kb/{template}", person=person, **context)
    outbound.deliver(message, automatic=outbound.AUTO_GENERATED)


@job
def unhelpful_feedback(feedback_id: int) -> None:
    row = db.session.get(Feedback, feedback_id)
    if row is None:
        return
    article = db.session.get(queries.Article, row.article_id)
    link = outbound.external_url("kb.article", article_id=article.id)
    _mail(article.author, lambda: _("Not helpful: %(title)s", title=article.title), "unhelpful",
          article=article, feedback=row, link=link)


@job
def review_reminders() -> int:
    """Each published article whose review date has come, not reminded since: its author
    (else nobody) gets one mail. Returns how many were reminded."""
    due = [a for a in queries.due_for_review(utcnow().date()) if a.reminded_at is None]
    for article in due:
        link = outbound.external_url("kb.article", article_id=article.id)
        _mail(article.author, lambda a=article: _("Time to review: %(title)s", title=a.title), "review",
              article=article, link=link)
    services.mark_reminded([a.id for a in due])
    return len(due)
