"""The knowledge base's pages: staff at /kb (list and search, the article with its versions
and diff, edit, review, publish, retire, categories, drafts from tickets, the reply link);
clients at /portal/kb (browse by category, search, read, feedback, "this solved it") and the
suggestions the portal's new-ticket form asks for as the client types."""
from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import validation
from app.auth import permissions
from app.errors import ValidationError
from app.forms import SearchForm, acted, choices, flash_errors, map_errors, submitted, uploads_from
from app.orgs import queries as org_queries
from app.tickets import queries as tickets
from app.tickets.attachments import send
from cmdb import queries as cmdb_queries
from kb import attachments, from_ticket, pages, queries, services
from kb.forms import ActionForm, ArticleForm, CategoryForm, FeedbackForm
from kb.labels import LANGUAGE_LABELS, STATUS_LABELS, VISIBILITY_LABELS

bp = Blueprint("kb", __name__)
portal_bp = Blueprint("kb_portal", __name__)
files_bp = Blueprint("kb_files", __name__)  # an article's files: staff and the article's readers alike
LABELS = {"status_labels": STATUS_LABELS, "visibility_labels": VISIBILITY_LABELS, "language_labels": LANGUAGE_LABELS}


@bp.before_request
@login_required
def require_staff():
    permissions.require(permissions.is_staff(current_user))


@portal_bp.before_request
@login_required
def require_client():
    permissions.require(current_user.is_client)


def _article(article_id):
    return queries.get_article(current_user, article_id)


@bp.route("/")
def index():
    search, args = SearchForm(request.args), request.args
    category = validation.id_or_none(args.get("category"))
    status = args.get("status") if args.get("status") in STATUS_LABELS else None
    offset = max(0, min(validation.int_or_none(args.get("offset")) or 0, 10_000))
    found = queries.articles(current_user, search.q.data or "", category_id=category, status=status, offset=offset,
                             after=validation.id_or_none(args.get("after")), limit=queries.PAGE + 1)
    more = None
    if len(found) > queries.PAGE:
        more = url_for("kb.index", **{**args.to_dict(), "offset": offset + queries.PAGE}) if search.q.data else \
            url_for("kb.index", **{**args.to_dict(), "after": found[queries.PAGE - 1].article.id})
    return render_template("kb/index.html", search=search, found=found[:queries.PAGE], more_url=more, args=args,
                           categories=queries.categories(), category_form=_category_form(), **LABELS)


def _category_form(**data) -> CategoryForm:
    form = CategoryForm(prefix="cat", **data)
    form.parent.choices = choices([("", "—"), *((c.id, c.path) for c in queries.categories())])
    return form


@bp.route("/categories", methods=["POST"])
def add_category():
    form = _category_form()
    return acted(lambda: services.save_category(current_user, form.name.data,
                                                queries.category_or_none(form.parent.data)),
                 lambda c: _("Category %(name)s added.", name=c.path), url_for("kb.index"), form=form)


def _article_form(article=None, **data) -> ArticleForm:
    if article is not None and request.method == "GET":
        data = {"title": article.title, "body": article.body, "visibility": article.visibility,
                "language": article.language, "review_by": article.review_by,
                "category": article.category_id, "tags": ", ".join(article.tags or []),
                "organizations": [o.id for o in article.organizations], "translation_of": article.translation_of_id,
                "cis": ", ".join(f"{ci.name} (#{ci.id})" for ci in article.cis),
                "ci_classes": [c.code for c in article.ci_classes],
                "version": article.version, **data}
    form = ArticleForm(**data)
    form.category.choices = choices([("", "—"), *((c.id, c.path) for c in queries.categories())])
    form.organizations.choices = choices((o.id, o.name) for o in org_queries.active_organizations())
    form.ci_classes.choices = choices((c.code, c.name) for c in cmdb_queries.classes())
    others = [f.article for f in queries.articles(current_user, limit=200) if article is None or f.article.id != article.id]
    form.translation_of.choices = choices([("", "—"), *((a.id, f"{a.title} ({a.language})") for a in others)])
    return form


def _values(form) -> dict:
    return {"title": form.title.data, "body": form.body.data or "", "visibility": form.visibility.data,
            "organizations": org_queries.organizations_with_ids(current_user, form.organizations.data or []),
            "language": form.language.data, "category": queries.category_or_none(form.category.data),
            "tags": [t for t in (form.tags.data or "").split(",")], "review_by": form.review_by.data,
            "translation_of": queries.article_or_none(current_user, form.translation_of.data),
            "cis": queries.resolve_cis(current_user, (form.cis.data or "").split(",")),
            "ci_classes": queries.resolve_ci_classes(form.ci_classes.data or [])}


@bp.route("/new", methods=["GET", "POST"])
def create():
    form = _article_form()
    if request.method == "GET":
        form.language.data = str(get_locale())
    done = submitted(form, lambda: services.create_article(current_user, **_values(form), note=form.note.data or "",
                                                           uploads=uploads_from(form.attachments)),
                     _("Draft saved."), lambda a: url_for("kb.article", article_id=a.id))
    return done or render_template("kb/form.html", form=form, article=None, files=[])


@bp.route("/<int:article_id>")
def article(article_id):
    found = _article(article_id)
    return render_template("kb/article.html", article=found, versions=queries.versions(found),
                           feedback=queries.feedback(found), translations=queries.translations(found),
                           may_publish=services.may_publish(current_user, found), action_form=ActionForm(),
                           portal_link=pages.article_link(found), **LABELS)


@bp.route("/<int:article_id>/diff")
def diff(article_id):
    found = _article(article_id)
    numbers = sorted(v.number for v in queries.versions(found))
    new = validation.int_or_none(request.args.get("b")) or numbers[-1]
    old = validation.int_or_none(request.args.get("a")) or max([n for n in numbers if n < new] or [new])
    older, newer = queries.version(found, old), queries.version(found, new)
    return render_template("kb/diff.html", article=found, old=older, new=newer, lines=queries.diff(older, newer))


@bp.route("/<int:article_id>/edit", methods=["GET", "POST"])
def edit(article_id):
    found = _article(article_id)
    form = _article_form(found)
    if form.is_submitted() and form.validate():
        try:
            services.update_article(current_user, found, version=validation.int_or_none(form.version.data),
                                    note=form.note.data or "", uploads=uploads_from(form.attachments), **_values(form))
        except services.StaleVersion:
            form.form_errors.append(_("Someone else changed this article in the meantime. Reload it to see "
                                      "their changes, then make yours again."))
            return render_template("kb/form.html", form=form, article=found, files=_files(found)), 409
        except ValidationError as error:
            map_errors(form, error.errors)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("kb.article", article_id=found.id))
    return render_template("kb/form.html", form=form, article=found, files=_files(found), action_form=ActionForm())


def _files(article) -> list[tuple]:
    """The article's files with what the editor inserts into the text for each."""
    return [(f, attachments.reference(f)) for f in attachments.active(article)]


@bp.route("/<int:article_id>/files/<int:attachment_id>/remove", methods=["POST"])
def remove_file(article_id, attachment_id):
    found = _article(article_id)
    item = attachments.get_attachment(found, attachment_id)
    return acted(lambda: attachments.remove_attachment(current_user, found, item),
                 _("%(name)s removed.", name=item.filename), url_for("kb.edit", article_id=found.id), form=ActionForm())


@files_bp.route("/<int:article_id>/files/<int:attachment_id>", endpoint="file")
@files_bp.route("/<int:article_id>/files/<int:attachment_id>/<path:name>", endpoint="file")
@login_required
def file(article_id, attachment_id, name=None):
    """An article's file for whoever may read the article (anyone else: 404, as for a missing one)."""
    return send(attachments.get_attachment(_article(article_id), attachment_id))


@bp.route("/<int:article_id>/<any(submit, publish, retire):move>", methods=["POST"])
def step(article_id, move):
    found = _article(article_id)
    action = {"submit": services.submit_for_review, "publish": services.publish, "retire": services.retire}[move]
    said = {"submit": _("Sent for review."), "publish": _("Published."), "retire": _("Retired.")}[move]
    return acted(lambda: action(current_user, found), said, url_for("kb.article", article_id=found.id),
                 form=ActionForm())


@bp.route("/from/<number>", methods=["POST"])
def make_from_ticket(number):
    ticket = tickets.get_ticket(current_user, number)
    form = ActionForm()
    if not form.validate_on_submit():
        return redirect(url_for("tickets.detail", number=ticket.number))
    try:
        made = from_ticket.make_article(current_user, ticket, language=str(get_locale()))
    except ValidationError as error:
        flash_errors(error)
        return redirect(url_for("tickets.detail", number=ticket.number))
    flash(_("A draft was made from %(number)s. Generalise what is marked ⚠, then send it for review.",
            number=ticket.number), "success")
    return redirect(url_for("kb.edit", article_id=made.id))


@bp.route("/related/<number>")
def related(number):
    """The related articles of a ticket's knowledge-base panel (the ticket page asks once shown)."""
    return render_template("kb/_related.html", **pages.related_context(tickets.get_ticket(current_user, number)))


@bp.route("/<int:article_id>/use", methods=["POST"])
def use(article_id):
    """"Insert link into reply": counts a use; the page's script has put the link in the reply box."""
    found = _article(article_id)
    form = ActionForm()
    if not form.validate_on_submit():
        return jsonify({"error": "csrf"}), 400
    services.record_use(current_user, found)
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"uses": found.uses, "link": pages.article_link(found)})
    number = (request.args.get("ticket") or "")[:24]
    flash(_("Link to paste into your reply: %(link)s", link=pages.article_link(found)), "info")
    return redirect(url_for("tickets.detail", number=number) + "#reply" if number else
                    url_for("kb.article", article_id=found.id))


# The portal ------------------------------------------------------------------------------------


@portal_bp.route("/")
def portal_index():
    search, args = SearchForm(request.args), request.args
    category = queries.category_or_none(validation.id_or_none(args.get("category")))
    found = queries.prefer_language(queries.articles(current_user, search.q.data or "", limit=50,
                                                     category_id=category.id if category else None), str(get_locale()))
    counts = queries.counts_by_category(current_user)
    return render_template("kb/portal_index.html", search=search, found=found, category=category,
                           categories=[c for c in queries.categories() if counts.get(c.id)], counts=counts)


@portal_bp.route("/<int:article_id>", endpoint="article")
def portal_article(article_id):
    found = _article(article_id)
    return render_template("kb/portal_article.html", article=found, feedback_form=FeedbackForm(),
                           own_cis=queries.own_cis(current_user, found),
                           action_form=ActionForm(), translations=[t for t in queries.translations(found)
                                                                   if queries.can_see(current_user, t)])


@portal_bp.route("/<int:article_id>/feedback", methods=["POST"])
def feedback(article_id):
    found = _article(article_id)
    form = FeedbackForm()
    return acted(lambda: services.give_feedback(current_user, found, form.helpful.data == "yes", form.comment.data),
                 _("Thank you for telling us."), url_for("kb_portal.article", article_id=found.id), form=form)


@portal_bp.route("/<int:article_id>/solved", methods=["POST"])
def solved(article_id):
    """"This solved it": no ticket is written, and the article counts a deflection."""
    found = _article(article_id)
    form = ActionForm()
    if not form.validate_on_submit():
        return redirect(url_for("kb_portal.article", article_id=found.id))
    services.record_deflection(current_user, found)
    flash(_("Glad it helped! No ticket was opened."), "success")
    return redirect(url_for("portal.home"))


@portal_bp.route("/suggest")
def suggest():
    """Up to five published articles for what the client is typing in the new-ticket form."""
    text = f"{request.args.get('title', '')[:300]} {request.args.get('description', '')[:2000]}"
    return jsonify([{"id": f.article.id, "title": f.article.title, "snippet": str(f.snippet),
                     "url": url_for("kb_portal.article", article_id=f.article.id),
                     "solved_url": url_for("kb_portal.solved", article_id=f.article.id)}
                    for f in queries.prefer_language(queries.suggest(current_user, text), str(get_locale()))])

