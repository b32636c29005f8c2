"""REST API v1: the knowledge base's articles, suggestions, and an article drafted from a ticket.
Same blueprint and conventions as app/api/views.py: scoped load (404) → permission (403) →
schema → one service call → dump. A client reads only published articles meant for them."""
from flask import jsonify, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError as SchemaError

from app.api import kb_schemas as ks
from app.api.auth import api_user, require
from app.api.blueprint import STAFF_ONLY, bp
from app.api.bodies import dump, load_args, load_json
from app.api.errors import error_response
from app.api.spec import doc
from app.auth.permissions import is_staff
from app.extensions import db
from app.i18n import lazy_gettext as _l
from app.orgs import queries as org_queries
from app.tickets import queries
from kb import from_ticket as kb_from_ticket
from kb import queries as kb_queries
from kb import services as kb_services

ARTICLE = [ks.ArticleOut, ks.StaffArticleOut]


def _article_schema(user, many: bool = False):
    return ks.StaffArticleOut(many=many) if is_staff(user) else ks.ArticleOut(many=many)


def _article_values(user, data: dict) -> dict:
    """The API's references as the objects the services take: codes → organizations, a path → a category."""
    values = dict(data)
    if "organizations" in values:
        found, missing = [], []
        for code in values["organizations"]:
            org = org_queries.get_organization_by_code(code.strip().upper())
            (found if org is not None else missing).append(org or code)
        if missing:
            raise SchemaError({"organizations": [_("No organization has the code %(code)s.", code=missing[0])]})
        values["organizations"] = found
    if "cis" in values:
        values["cis"] = kb_queries.resolve_cis(user, values["cis"])
    if "ci_classes" in values:
        values["ci_classes"] = kb_queries.resolve_ci_classes(values["ci_classes"])
    if "category" in values:
        path = (values["category"] or "").strip()
        values["category"] = kb_queries.category_by_path(path) if path else None
        if path and values["category"] is None:
            values["category"] = _category_from_path(user, path)
    return values


def _category_from_path(user, path: str):
    parent = None
    for name in [part.strip() for part in path.split("/") if part.strip()]:
        here = next((c for c in kb_queries.categories()
                     if c.name == name and c.parent_id == (parent.id if parent else None)), None)
        parent = here or kb_services.save_category(user, name, parent)
    return parent


def _page_cursor(cursor: str | None, searching: bool) -> tuple[int | None, int]:
    """``after:<id>`` pages a list newest first; ``offset:<n>`` pages search results by rank."""
    if not cursor:
        return None, 0
    kind, _sep, value = cursor.partition(":")
    number = int(value) if value.isdigit() and len(value) <= 9 else None
    if kind == ("offset" if searching else "after") and number is not None:
        return (None, number) if searching else (number, 0)
    raise SchemaError({"cursor": [_("Not a cursor of this list: use the \"next\" value of the previous page.")]})


@bp.get("/kb/articles")
@doc(_l("Knowledge-base articles the caller may read, newest first or best match first with q"), tag="kb",
     query=ks.ArticleListArgs, out=[ks.ArticlePageOut, ks.StaffArticlePageOut])
def list_articles():
    user = api_user()
    args = load_args(ks.ArticleListArgs)
    searching = bool(kb_queries.search.words(args["q"]))
    after, offset = _page_cursor(args["cursor"], searching)
    found = kb_queries.articles(user, args["q"], category_id=args["category"], status=args["status"], after=after,
                                offset=offset, limit=args["limit"] + 1)
    more = len(found) > args["limit"]
    found = found[:args["limit"]]
    following = None
    if more:
        following = f"offset:{offset + args['limit']}" if searching else f"after:{found[-1].article.id}"
    items = []
    for row in found:
        item = _article_schema(user).dump(row.article)
        if searching:
            item["snippet"] = str(row.snippet)
        items.append(item)
    return jsonify({"items": items, "next": following})


@bp.post("/kb/articles")
@doc(_l("Write a knowledge-base article: a draft (staff)"), tag="kb", body=ks.ArticleCreateIn,
     out=ks.StaffArticleOut, status=201, errors=(403,))
def create_article():
    user = api_user()
    require(is_staff(user), STAFF_ONLY)
    values = _article_values(user, load_json(ks.ArticleCreateIn))
    article = kb_services.create_article(user, **values)
    return dump(ks.StaffArticleOut(), article, 201, {"Location": url_for("api.get_article", article_id=article.id)})


@bp.get("/kb/articles/<number:article_id>")
@doc(_l("Get a knowledge-base article"), tag="kb", out=ARTICLE, errors=(404,))
def get_article(article_id):
    user = api_user()
    return dump(_article_schema(user), kb_queries.get_article(user, article_id))


@bp.patch("/kb/articles/<number:article_id>")
@doc(_l("Change an article (staff); each change of title or text is a version"), tag="kb", body=ks.ArticleUpdateIn,
     out=ks.StaffArticleOut, errors=(403, 404, 409))
def update_article(article_id):
    user = api_user()
    article = kb_queries.get_article(user, article_id)
    require(is_staff(user), STAFF_ONLY)
    data = load_json(ks.ArticleUpdateIn)
    version = data.pop("version")
    try:
        kb_services.update_article(user, article, version=version, **_article_values(user, data))
    except kb_services.StaleVersion:
        current = article.version
        db.session.rollback()
        return error_response(409, _("The article changed since you read it: it is at version %(version)d now.",
                                     version=current), {"version": [_("Read the article again.")]},
                              version=current, changes=[])
    return dump(ks.StaffArticleOut(), article)


def _step(article_id, action):
    user = api_user()
    load_args(ks.NoArgs)
    article = kb_queries.get_article(user, article_id)
    require(is_staff(user), STAFF_ONLY)
    return dump(ks.StaffArticleOut(), action(user, article))


@bp.post("/kb/articles/<number:article_id>/publish")
@doc(_l("Publish an article (a manager, an admin or a KB editor; with the review policy, not its author)"),
     tag="kb", query=ks.NoArgs, out=ks.StaffArticleOut, errors=(403, 404))
def publish_article(article_id):
    return _step(article_id, kb_services.publish)


@bp.post("/kb/articles/<number:article_id>/submit")
@doc(_l("Send a draft for review (staff)"), tag="kb", query=ks.NoArgs, out=ks.StaffArticleOut, errors=(403, 404))
def submit_article(article_id):
    return _step(article_id, kb_services.submit_for_review)


@bp.post("/kb/articles/<number:article_id>/retire")
@doc(_l("Retire an article: clients no longer see it (staff)"), tag="kb", query=ks.NoArgs, out=ks.StaffArticleOut,
     errors=(403, 404))
def retire_article(article_id):
    return _step(article_id, kb_services.retire)


@bp.get("/kb/suggest")
@doc(_l("Up to five published articles for what a client is typing"), tag="kb", query=ks.SuggestArgs,
     out=ks.SuggestionListOut)
def suggest_articles():
    user = api_user()
    found = kb_queries.suggest(user, load_args(ks.SuggestArgs)["q"])
    return dump(ks.SuggestionListOut(), {"items": [{"id": f.article.id, "title": f.article.title,
                                                    "snippet": str(f.snippet)} for f in found]})


@bp.post("/tickets/<number>/article")
@doc(_l("Draft an article from a resolved incident or request, or a known-error problem (staff)"), tag="kb",
     query=ks.FromTicketArgs, out=ks.StaffArticleOut, status=201, errors=(403, 404))
def article_from_ticket(number):
    user = api_user()
    args = load_args(ks.FromTicketArgs)
    ticket = queries.get_ticket(user, number)
    require(is_staff(user), STAFF_ONLY)
    article = kb_from_ticket.make_article(user, ticket, language=args["language"] or user.locale or "en")
    return dump(ks.StaffArticleOut(), article, 201, {"Location": url_for("api.get_article", article_id=article.id)})
