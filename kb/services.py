"""The knowledge base's write path. Staff write articles; a reviewer (a manager, an admin or
a member of the KB editors' team) publishes, and — with KB_REVIEW_BY_OTHER — not their own
article. Every save of a title or body is a version (who, when, what). Readers count: a use
(an agent linked the article in a reply), a deflection (a client's "this solved it"),
helpful / not helpful. Bad input raises ValidationError naming the field and writes nothing."""
import calendar
from datetime import date

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app import validation
from app.auth.permissions import can_publish_articles, is_staff
from app.errors import Forbidden, NotFound, ValidationError
from app.extensions import db
from app.jobs import enqueue_after_commit
from app.orgs.models import Team
from app.timeutil import utcnow
from app.transactions import transactional
from kb import attachments, search
from kb.labels import STATUS_LABELS
from kb.models import LANGUAGES, VISIBILITIES, Article, ArticleVersion, Category, Feedback
from kb.queries import can_see

FIELDS = ("title", "body", "visibility", "organizations", "language", "category", "tags", "review_by", "cis",
          "ci_classes", "translation_of")
MAX_TAGS = 20


class StaleVersion(Exception):
    """The article changed since the caller read it (its version moved on)."""

    def __init__(self, article):
        super().__init__(article.version)
        self.article = article


def require_staff(actor) -> None:
    if not is_staff(actor):
        raise Forbidden()


def editors_team() -> Team | None:
    name = (current_app.config.get("KB_EDITORS_TEAM") or "").strip()
    return db.session.scalar(sa.select(Team).where(Team.name == name)) if name else None


def may_publish(actor, article: Article) -> bool:
    if not can_publish_articles(actor, editors_team()):
        return False
    return not (current_app.config.get("KB_REVIEW_BY_OTHER") and article.author_id is not None
                and article.author_id == getattr(actor, "id", None))


def _check(values: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if "title" in values:
        title = values["title"] = (values["title"] or "").strip()
        if not title:
            add("title", _("Give the article a title."))
        elif len(title) > 200:
            add("title", _("At most %(n)d characters.", n=200))
        elif not validation.line_ok(title):
            add("title", _("One line of text, without control characters."))
    if "body" in values:
        body = values["body"] = values["body"] or ""
        limit = current_app.config["KB_MAX_ARTICLE_BYTES"]
        if len(body) > limit or len(body.encode("utf-8", "surrogatepass")) > limit:
            add("body", _("The article is too long: at most %(size)s KB of text. Split it into several articles.",
                          size=limit // 1000))
        elif not validation.text_ok(body):
            add("body", _("The text holds characters that cannot be stored."))
    if "visibility" in values and values["visibility"] not in VISIBILITIES:
        add("visibility", _("Choose who may read the article."))
    if "language" in values and values["language"] not in LANGUAGES:
        add("language", _("Choose English or Ukrainian."))
    if "tags" in values:
        tags = []
        for tag in values["tags"] or []:
            tag = str(tag).strip().lower()
            if not tag:
                continue
            if len(tag) > 40 or not validation.line_ok(tag):
                add("tags", _("A tag is one line of at most 40 characters."))
                break
            if tag not in tags:
                tags.append(tag)
        if len(tags) > MAX_TAGS:
            add("tags", _("At most %(n)d tags.", n=MAX_TAGS))
        values["tags"] = tags
    day = values.get("review_by")
    if day is not None and (not isinstance(day, date) or not validation.date_ok(day)):
        add("review_by", _("Not a date we can use."))
    return errors


def _check_audience(article: Article, errors: dict) -> None:
    """Who may read it, and the CIs linked: an article that clients read names only the
    provider's CIs and those of the organizations it is meant for."""
    if article.visibility == "organizations" and not article.organizations:
        errors.setdefault("organizations", []).append(_("Choose at least one organization."))
    if article.visibility == "internal":
        return
    allowed = {o.id for o in article.organizations} if article.visibility == "organizations" else set()
    foreign = [ci.name for ci in article.cis if ci.organization_id is not None and ci.organization_id not in allowed]
    if foreign:
        errors.setdefault("cis", []).append(
            _("%(names)s belong to an organization that is not among the article's readers: limit the article to "
              "that organization, make it internal, or unlink the CI.", names=", ".join(foreign)))


def _apply(article: Article, values: dict) -> bool:
    """Put the values on the article; True when the title or body changed."""
    changed = False
    for field, value in values.items():
        if field in ("title", "body"):
            changed = changed or getattr(article, field) != value
        if field == "category":
            article.category = value
        elif field in ("organizations", "cis", "ci_classes"):
            setattr(article, field, list(dict.fromkeys(value or [])))
        else:
            setattr(article, field, value)
    if "body" in values:
        article.body_html = attachments.render(article)
    return changed


def _version(article: Article, actor, note: str = "") -> None:
    number = (db.session.scalar(sa.select(sa.func.max(ArticleVersion.number))
                                .where(ArticleVersion.article_id == article.id)) or 0) + 1
    db.session.add(ArticleVersion(article_id=article.id, number=number, title=article.title, body=article.body,
                                  note=note[:200], author_id=getattr(actor, "id", None)))


@transactional
def create_article(actor, *, title: str, body: str = "", visibility: str = "internal", organizations=(),
                   language: str = "en", category: Category | None = None, tags=(), review_by: date | None = None,
                   cis=(), ci_classes=(), source_tickets=(), translation_of: Article | None = None,
                   note: str = "", uploads=()) -> Article:
    """A draft, written by ``actor`` (staff), with its files (``uploads``)."""
    require_staff(actor)
    values = {"title": title, "body": body, "visibility": visibility, "organizations": list(organizations),
              "language": language, "category": category, "tags": list(tags), "review_by": review_by,
              "cis": list(cis), "ci_classes": list(ci_classes), "translation_of": translation_of}
    errors = _check(values)
    if errors:
        raise ValidationError(errors)
    article = Article(status="draft", author_id=getattr(actor, "id", None), version=1)
    _apply(article, values)
    article.source_tickets = list(dict.fromkeys(source_tickets))
    _check_audience(article, errors)
    if errors:
        raise ValidationError(errors)
    db.session.add(article)
    db.session.flush()
    if uploads:
        attachments.attach(actor, article, uploads)
        article.body_html = attachments.render(article)
    _version(article, actor, note or _("Created"))
    search.reindex(article)
    return article


@transactional
def update_article(actor, article: Article, *, version: int | None = None, note: str = "", uploads=(),
                   **values) -> Article:
    """Change an article's fields (those given) and add files (``uploads``). ``version``: the one
    the caller read; an article changed since raises StaleVersion and nothing is written."""
    require_staff(actor)
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValidationError({name: [_("Unknown field.")] for name in sorted(unknown)})
    if article.status == "retired":
        raise ValidationError.single("status", _("A retired article cannot be changed."))
    if version is not None and version != article.version:
        raise StaleVersion(article)
    if values.get("translation_of") is not None and values["translation_of"].id == article.id:
        raise ValidationError.single("translation_of", _("An article is not a translation of itself."))
    errors = _check(values)
    if errors:
        raise ValidationError(errors)
    if uploads:
        attachments.attach(actor, article, uploads)
        if "body" not in values:
            article.body_html = attachments.render(article)
    with db.session.no_autoflush:
        changed = _apply(article, values)
        _check_audience(article, errors)
    if errors:
        raise ValidationError(errors)
    article.version += 1
    if changed:
        _version(article, actor, note)
    search.reindex(article)
    return article


def _move(actor, article: Article, allowed_from: tuple, to: str) -> Article:
    if article.status not in allowed_from:
        raise ValidationError.single("status", _("This step is not possible for an article that is %(status)s.",
                                                 status=str(STATUS_LABELS[article.status])))
    article.status = to
    article.version += 1
    return article


@transactional
def submit_for_review(actor, article: Article) -> Article:
    require_staff(actor)
    return _move(actor, article, ("draft",), "in_review")


@transactional
def publish(actor, article: Article) -> Article:
    """A reviewer publishes a draft or an article in review; a retired one comes back."""
    require_staff(actor)
    if not can_publish_articles(actor, editors_team()):
        raise Forbidden(_("Only a manager, an administrator or a knowledge-base editor publishes articles."))
    if not may_publish(actor, article):
        raise ValidationError.single("reviewer", _("Another reviewer must publish this article: you wrote it."))
    errors: dict = {}
    _check_audience(article, errors)
    if errors:
        raise ValidationError(errors)
    _move(actor, article, ("draft", "in_review", "published", "retired"), "published")
    article.reviewer_id = getattr(actor, "id", None)
    article.published_at = utcnow()
    if article.review_by is None or article.review_by <= utcnow().date():
        article.review_by = add_months(utcnow().date(), current_app.config["KB_REVIEW_MONTHS"])
    article.reminded_at = None
    return article


@transactional
def retire(actor, article: Article) -> Article:
    require_staff(actor)
    return _move(actor, article, ("draft", "in_review", "published"), "retired")


@transactional
def save_category(actor, name: str, parent: Category | None = None, category: Category | None = None) -> Category:
    require_staff(actor)
    name = (name or "").strip()
    if not name or len(name) > 120 or not validation.line_ok(name):
        raise ValidationError.single("name", _("A name of one line, at most %(n)d characters.", n=120))
    category = category or Category()
    node = parent
    while node is not None:
        if category.id is not None and node.id == category.id:
            raise ValidationError.single("parent", _("A category cannot sit inside itself."))
        node = node.parent
    category.name, category.parent = name, parent
    db.session.add(category)
    db.session.flush()
    return category


def _bump(article: Article, column: str) -> None:
    db.session.execute(sa.update(Article).where(Article.id == article.id)
                       .values({column: getattr(Article, column) + 1}).execution_options(synchronize_session=False))
    db.session.expire(article, [column])


@transactional
def record_use(actor, article: Article) -> Article:
    """An agent put a link to the article into a reply."""
    require_staff(actor)
    _bump(article, "uses")
    return article


@transactional
def record_deflection(actor, article: Article) -> Article:
    """A client's "this solved it": a ticket that was not written."""
    if not can_see(actor, article) or article.status != "published":
        raise NotFound()
    _bump(article, "deflections")
    return article


@transactional
def give_feedback(actor, article: Article, helpful: bool, comment: str = "") -> Feedback:
    """Helpful or not, with a comment; "not helpful" mails the author a task to look at it."""
    if not can_see(actor, article):
        raise NotFound()
    comment = (comment or "").strip()
    if len(comment) > 5000 or not validation.text_ok(comment):
        raise ValidationError.single("comment", _("At most %(n)d characters of text.", n=5000))
    if not helpful and not comment:
        raise ValidationError.single("comment", _("Tell us what was missing or wrong."))
    row = Feedback(article_id=article.id, user_id=getattr(actor, "id", None), helpful=bool(helpful), comment=comment)
    db.session.add(row)
    _bump(article, "helpful" if helpful else "unhelpful")
    db.session.flush()
    if not helpful:
        enqueue_after_commit("kb.jobs.unhelpful_feedback", row.id, queue="mail")
    return row


@transactional
def mark_reminded(article_ids) -> None:
    if article_ids:
        db.session.execute(sa.update(Article).where(Article.id.in_(article_ids)).values(reminded_at=utcnow())
                           .execution_options(synchronize_session=False))


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))

