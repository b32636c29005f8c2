"""An article's files: screenshots shown in its text, logs and PDFs listed under it.

Files are checked and stored exactly like a ticket's (app/tickets/attachments.py: recognized by
their bytes, size-bounded, text renamed .txt, served with nosniff). The text names a file by its
name — ``![the error](attachment:error.png)`` — and the rendered HTML points at the one download
route (``/kb/<article>/files/<id>/<name>``), which answers staff and the article's readers alike and
everyone else a 404 (kb/views.py). A file belongs to the article, not to a version; a new file
under a name already there takes its place, so the text that names it shows the new one."""
import re
from urllib.parse import quote, unquote

import sqlalchemy as sa
from flask_babel import gettext as _

from app.auth.permissions import is_staff
from app.errors import Forbidden, NotFound, ValidationError
from app.extensions import db
from app.tickets import attachments as files
from app.tickets.content import to_html
from app.tickets.services import check_uploads
from app.timeutil import utcnow
from app.transactions import transactional
from kb.models import Article, ArticleAttachment

MAX_FILES = 50  # active files per article
# attachment:<name> as a link's or an image's target in the Markdown (the name percent-encoded if it has spaces)
REFERENCE = re.compile(r"(?<=\()\s*<?attachment:([^\s()<>]+)>?")


def reference(attachment: ArticleAttachment) -> str:
    """What the editor inserts into the text for a file."""
    target = f"attachment:{quote(attachment.filename)}"
    return f"![{attachment.filename}]({target})" if attachment.is_image else f"[{attachment.filename}]({target})"


def render(article: Article) -> str:
    """The article's sanitized HTML, its ``attachment:`` references pointing at its files; a
    name that matches no file is left as it is (the sanitizer drops such a link)."""
    by_name = {a.filename: a for a in active(article)}

    def point(match: re.Match) -> str:
        found = by_name.get(unquote(match.group(1)))
        return found.path if found is not None else match.group(0)

    return to_html(REFERENCE.sub(point, article.body or ""))


def active(article: Article) -> list[ArticleAttachment]:
    if article.id is None:
        return []
    return list(db.session.scalars(sa.select(ArticleAttachment).where(
        ArticleAttachment.article_id == article.id, ArticleAttachment.removed_at.is_(None))
        .order_by(ArticleAttachment.id)))


def get_attachment(article: Article, attachment_id) -> ArticleAttachment:
    """A file of an article the caller may already read (kb.queries.get_article): another
    article's, a removed one or a missing one is a NotFound alike."""
    found = db.session.get(ArticleAttachment, attachment_id) if isinstance(attachment_id, int) else None
    if found is None or found.article_id != article.id or found.removed_at is not None:
        raise NotFound()
    return found


def attach(actor, article: Article, uploads) -> list[ArticleAttachment]:
    """Check and store ``uploads`` on a flushed article (inside the caller's unit of work);
    ValidationError on ``attachments`` and nothing written when any is refused."""
    if not is_staff(actor):
        raise Forbidden()
    uploads = list(uploads or [])
    if not uploads:
        return []
    errors: dict[str, list[str]] = {}
    checked = check_uploads(uploads, errors)
    present = {a.filename: a for a in active(article)}
    names = {files.stored_name(u.filename, t) for u, t in checked}
    if len(present.keys() | names) > MAX_FILES:
        errors.setdefault("attachments", []).append(_("At most %(n)d files per article.", n=MAX_FILES))
    if errors:
        raise ValidationError(errors)
    added = []
    for upload, media_type in checked:
        name = files.stored_name(upload.filename, media_type)
        digest = files.store(upload.data)
        earlier = present.get(name)
        if earlier is not None and earlier.sha256 == digest:
            continue  # the same file again (an import run twice)
        if earlier is not None:
            earlier.removed_at = utcnow()
        row = ArticleAttachment(article_id=article.id, filename=name, content_type=media_type, size=len(upload.data),
                                sha256=digest, uploaded_by_id=getattr(actor, "id", None))
        db.session.add(row)
        present[name] = row
        added.append(row)
    db.session.flush()
    return added


@transactional
def add_attachments(actor, article: Article, uploads) -> list[ArticleAttachment]:
    """Files added to an article on their own (the edit page's upload, an import)."""
    if article.status == "retired":
        raise ValidationError.single("attachments", _("A retired article cannot be changed."))
    added = attach(actor, article, uploads)
    article.body_html = render(article)
    return added


@transactional
def remove_attachment(actor, article: Article, attachment: ArticleAttachment) -> ArticleAttachment:
    """The file is no longer offered (its row and bytes stay); the text that names it shows a plain name."""
    if not is_staff(actor):
        raise Forbidden()
    attachment.removed_at = utcnow()
    db.session.flush()
    article.body_html = render(article)
    return attachment
