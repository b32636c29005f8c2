"""Every read of the knowledge base, scoped by the reader.

Staff see every article in every state. A client sees only published articles meant for
all clients or for their own organization: an internal article, a draft, or one meant for
another organization is a NotFound exactly like a missing one, and never shows in a list,
a search or a suggestion — not even its title."""
import difflib
import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from markupsafe import Markup

from app import validation
from app.auth.permissions import is_staff
from app.errors import NotFound, ValidationError
from app.extensions import db
from app.tickets.content import to_text
from cmdb import queries as cmdb_queries
from cmdb.models import CI, CIClass, TicketCI
from kb import search
from kb.models import (
    Article,
    ArticleVersion,
    Category,
    Feedback,
    article_ci_classes,
    article_cis,
    article_organizations,
    article_tickets,
)

PAGE = 25
SUGGESTIONS = 5
PICKED = re.compile(r"\(#(\d{1,12})\)$")
SUGGESTION_WORDS = 6  # the first words that count (the title's first): each more one widens the OR


def visible(stmt: sa.Select, reader) -> sa.Select:
    """Limit a SELECT over articles to what ``reader`` may see."""
    if is_staff(reader):
        return stmt
    if not getattr(reader, "is_authenticated", False) or reader.organization_id is None:
        return stmt.where(sa.false())
    mine = sa.select(article_organizations.c.article_id).where(
        article_organizations.c.organization_id == reader.organization_id)
    return stmt.where(Article.status == "published",
                      sa.or_(Article.visibility == "clients",
                             sa.and_(Article.visibility == "organizations", Article.id.in_(mine))))


def can_see(reader, article: Article) -> bool:
    if is_staff(reader):
        return True
    if not getattr(reader, "is_authenticated", False) or article.status != "published":
        return False
    if article.visibility == "clients":
        return True
    return article.visibility == "organizations" and any(o.id == reader.organization_id
                                                          for o in article.organizations)


def get_article(reader, article_id) -> Article:
    article = db.session.get(Article, article_id) if validation.id_or_none(article_id) else None
    if article is None or not can_see(reader, article):
        raise NotFound()
    return article


def article_or_none(reader, article_id) -> Article | None:
    try:
        return get_article(reader, article_id)
    except NotFound:
        return None


@dataclass
class Found:
    article: Article
    snippet: Markup


def _snippet(article: Article, highlight: search.Highlighter, query: str) -> Markup:
    """The body around the words found; the title when the body does not hold them."""
    body = highlight(to_text(article.body_html))
    if "<mark>" in body or not query:
        return body
    title = highlight(article.title)
    return title if "<mark>" in title else body


def _found(rows, query: str) -> list[Found]:
    highlight = search.Highlighter(query)
    return [Found(a, _snippet(a, highlight, query)) for a in rows]


def articles(reader, q: str = "", *, category_id: int | None = None, status: str | None = None,
             language: str | None = None, after: int | None = None, offset: int = 0,
             limit: int = PAGE) -> list[Found]:
    """A page of the articles ``reader`` may see: with ``q``, best match first (paged by
    ``offset``); without, newest first (paged by ``after``, the last id seen)."""
    stmt = visible(sa.select(Article), reader)
    if category_id is not None:
        below = sa.select(Category.id).where(sa.or_(Category.id == category_id, Category.parent_id == category_id))
        stmt = stmt.where(Article.category_id.in_(below))
    if status:
        stmt = stmt.where(Article.status == status)
    if language:
        stmt = stmt.where(Article.language == language)
    if q:
        best = _best(stmt, q, offset + limit)
        if best is not None:
            return _found(best[offset:offset + limit], q)
        # nothing but operators or punctuation: everything, newest first
    if after is not None:
        stmt = stmt.where(Article.id < after)
    return _found(db.session.scalars(stmt.order_by(Article.id.desc()).limit(limit)), q)


def prefer_language(found: list[Found], language: str) -> list[Found]:
    """Of an article and its translation both found, only the one in ``language``."""
    here = {f.article.translation_of_id or f.article.id for f in found if f.article.language == language}
    return [f for f in found
            if f.article.language == language or (f.article.translation_of_id or f.article.id) not in here]


def suggest(reader, text: str, limit: int = SUGGESTIONS, exclude: int | None = None) -> list[Found]:
    """Up to ``limit`` published articles ``reader`` may see, for what they are typing
    (any of its words, the best matching first)."""
    stmt = visible(sa.select(Article), reader).where(Article.status == "published")
    if exclude is not None:
        stmt = stmt.where(Article.id != exclude)
    return _found(_any_words(stmt, text, limit), text)


def _any_words(stmt: sa.Select, text: str, limit: int) -> list[Article]:
    """The best ``limit`` articles of ``stmt`` holding any of the words of ``text`` (see _best)."""
    return (_best(stmt, text, limit, any_word=True, limit_words=SUGGESTION_WORDS) or [])[:limit]


def _best(stmt: sa.Select, text: str, wanted: int, **how) -> list[Article] | None:
    """The best ``wanted`` articles of ``stmt`` matching ``text`` (None when it holds no word):
    first those with the words in their title or tags, then in their head (the body's opening,
    PostgreSQL), then anywhere — each part ranked by the index, and asked only when the smaller
    ones do not fill ``wanted``. However common the words, a page the titles or heads fill ranks
    a small set; and a list paged by offset is one list, slices of the same order."""
    found: list[Article] = []
    for part in search.parts("titles", "head", "all"):
        ranked = search.ranked(stmt, Article.id, text, window=max(search.WINDOW, wanted + len(found)), part=part,
                               **how)
        if ranked is None:
            return None
        seen = {a.id for a in found}
        found += [a for a in db.session.scalars(ranked.limit(wanted + len(seen))) if a.id not in seen]
        if len(found) >= wanted:
            break
    return found[:wanted]


def related_to_ticket(reader, ticket, limit: int = SUGGESTIONS) -> list[Found]:
    """Articles beside a ticket (staff): those linked to the ticket's CIs, then to their classes,
    then those matching its title and description; published or in review, internal or meant
    for the ticket's organization — never one meant for another client."""
    text = f"{ticket.title} {to_text(ticket.description)[:500]}"
    theirs = sa.select(article_organizations.c.article_id).where(
        article_organizations.c.organization_id == ticket.organization_id)
    stmt = visible(sa.select(Article), reader).where(
        Article.status.in_(("published", "in_review")),
        sa.or_(Article.visibility.in_(("internal", "clients")), Article.id.in_(theirs)))  # none of another client's
    linked = _linked_to_ticket_cis(stmt, ticket, limit)
    rest = stmt.where(Article.id.not_in([a.id for a in linked])) if linked else stmt
    matched = _any_words(rest, text, limit - len(linked)) if len(linked) < limit else []
    return _found(linked + matched, text)


def _linked_to_ticket_cis(stmt: sa.Select, ticket, limit: int) -> list[Article]:
    """Articles (of ``stmt``) linked to one of the ticket's CIs, then those linked to one of
    their classes: they come before the articles found by the ticket's words."""
    ticket_cis = sa.select(TicketCI.ci_id).where(TicketCI.ticket_id == ticket.id)
    by_ci = sa.select(article_cis.c.article_id).where(article_cis.c.ci_id.in_(ticket_cis))
    by_class = sa.select(article_ci_classes.c.article_id).where(article_ci_classes.c.class_id.in_(
        sa.select(CI.class_id).where(CI.id.in_(ticket_cis))))
    direct = sa.case((Article.id.in_(by_ci), 0), else_=1)
    return list(db.session.scalars(stmt.where(sa.or_(Article.id.in_(by_ci), Article.id.in_(by_class)))
                                   .order_by(direct, Article.id.desc()).limit(limit)))


def from_ticket(ticket) -> list[Article]:
    """The articles made from a ticket (staff pages)."""
    return list(db.session.scalars(sa.select(Article).join(article_tickets, article_tickets.c.article_id == Article.id)
                                   .where(article_tickets.c.ticket_id == ticket.id).order_by(Article.id)))


def categories() -> list[Category]:
    rows = list(db.session.scalars(sa.select(Category)))
    return sorted(rows, key=lambda c: c.path.lower())


def category_or_none(category_id) -> Category | None:
    return db.session.get(Category, category_id) if validation.id_or_none(category_id) else None


def category_by_path(path: str) -> Category | None:
    wanted = " / ".join(part.strip() for part in (path or "").split("/") if part.strip()).lower()
    return next((c for c in categories() if c.path.lower() == wanted), None)


def counts_by_category(reader) -> dict[int | None, int]:
    stmt = visible(sa.select(Article.category_id, sa.func.count()), reader).group_by(Article.category_id)
    return dict(db.session.execute(stmt).all())


def versions(article: Article) -> list[ArticleVersion]:
    return list(db.session.scalars(sa.select(ArticleVersion).where(ArticleVersion.article_id == article.id)
                                   .order_by(ArticleVersion.number.desc())))


def version(article: Article, number) -> ArticleVersion:
    found = db.session.scalar(sa.select(ArticleVersion).where(ArticleVersion.article_id == article.id,
                                                              ArticleVersion.number == number))
    if found is None:
        raise NotFound()
    return found


def diff(old: ArticleVersion, new: ArticleVersion) -> list[tuple[str, str]]:
    """A readable line diff of two versions: (kind, line) with kind "+", "-", " " or "@"."""
    lines = difflib.unified_diff([f"# {old.title}", *old.body.splitlines()], [f"# {new.title}", *new.body.splitlines()],
                                 lineterm="", n=2)
    out = []
    for line in list(lines)[2:]:
        kind = line[:1] if line[:1] in "+- @" else " "
        out.append((kind, line[2:] if kind == "@" else line[1:]))
    return out


def feedback(article: Article, limit: int = 50) -> list[Feedback]:
    return list(db.session.scalars(sa.select(Feedback).where(Feedback.article_id == article.id)
                                   .order_by(Feedback.id.desc()).limit(limit)))


def translations(article: Article) -> list[Article]:
    root = article.translation_of_id or article.id
    return list(db.session.scalars(sa.select(Article).where(
        sa.or_(Article.id == root, Article.translation_of_id == root), Article.id != article.id)))


def due_for_review(today, limit: int = 500) -> list[Article]:
    return list(db.session.scalars(sa.select(Article).where(Article.status == "published", Article.review_by <= today)
                                   .order_by(Article.review_by, Article.id).limit(limit)))


def own_cis(reader, article: Article) -> list[CI]:
    """The article's CIs a client may hear named: their own organization's (never the
    provider's or another client's)."""
    if is_staff(reader):
        return list(article.cis)
    return [ci for ci in article.cis if reader.organization_id is not None and ci.organization_id == reader.organization_id]


def resolve_cis(reader, refs) -> list[CI]:
    """CIs named by id or by exact name (staff): every reference that names none, or several,
    is a ValidationError on ``cis``."""
    found, errors = [], []
    for ref in [str(r).strip() for r in refs or [] if str(r).strip()][:50]:
        picked = PICKED.search(ref)  # "web-01 (#12)", as the form's type-ahead writes it
        if picked:
            ref = picked.group(1)
        if ref.isdigit():
            matches = [ci for ci in [db.session.get(CI, int(ref))] if ci is not None] \
                if validation.id_or_none(ref) else []
        else:
            matches = list(db.session.scalars(cmdb_queries.cis_visible_to(reader).where(
                sa.func.lower(CI.name) == ref.lower(), CI.status != "retired").limit(3)))
        if len(matches) == 1:
            found.append(matches[0])
        elif matches:
            errors.append(_("%(name)s names several CIs: give its id.", name=ref))
        else:
            errors.append(_("There is no CI %(name)s.", name=ref))
    if errors:
        raise ValidationError({"cis": errors})
    return found


def resolve_ci_classes(codes) -> list[CIClass]:
    found, missing = [], []
    for code in [str(c).strip() for c in codes or [] if str(c).strip()][:50]:
        cls = db.session.scalar(sa.select(CIClass).where(CIClass.code == code))
        (found if cls is not None else missing).append(cls or code)
    if missing:
        raise ValidationError({"ci_classes": [_("There is no CI class %(code)s.", code=missing[0])]})
    return found
