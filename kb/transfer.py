"""Articles as Markdown files with YAML front matter, out and in.

Export writes one file per article (``<id>-<slug>.md``): the front matter (id, title,
status, visibility, organizations by code, language, category path, tags, review_by,
translation_of, attachments by name) between ``---`` lines, then the Markdown body; the article's
files go beside it in ``<id>-<slug>.files/``, and import reads them back from there (checked like
any upload; a file already on the article with the same bytes is not added twice). Import reads a directory of
such files in one unit of work through the services: a file naming an existing id updates
that article, any other is a new one; ``status: published`` publishes it. Every file's errors
are gathered ("mail.md: title: Give the article a title.") and any error writes nothing."""
import re
import shutil
from datetime import date
from pathlib import Path

import sqlalchemy as sa
import yaml

from app.errors import ValidationError
from app.extensions import db
from app.orgs.queries import get_organization_by_code
from app.tickets import attachments as files
from app.transactions import transactional
from app.uploads import Upload
from kb import attachments, queries, services
from kb.models import Article, Category

FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n?(.*)\Z", re.DOTALL)


def slug(title: str) -> str:
    return re.sub(r"[^\w]+", "-", title.lower()).strip("-")[:60] or "article"


def to_markdown(article: Article) -> str:
    meta = {"id": article.id, "title": article.title, "status": article.status, "visibility": article.visibility,
            "organizations": [o.code for o in article.organizations], "language": article.language,
            "category": article.category.path if article.category else None, "tags": list(article.tags or []),
            "review_by": article.review_by.isoformat() if article.review_by else None,
            "translation_of": article.translation_of_id,
            "attachments": [f.filename for f in attachments.active(article)]}
    front = yaml.safe_dump({k: v for k, v in meta.items() if v not in (None, [])}, allow_unicode=True, sort_keys=False)
    return f"---\n{front}---\n{article.body}"


def export_articles(directory: Path) -> int:
    directory.mkdir(parents=True, exist_ok=True)
    count = 0
    for article in db.session.scalars(sa.select(Article).order_by(Article.id)):
        stem = f"{article.id}-{slug(article.title)}"
        (directory / f"{stem}.md").write_text(to_markdown(article), encoding="utf-8")
        for item in attachments.active(article):
            (directory / f"{stem}.files").mkdir(exist_ok=True)
            shutil.copyfile(files.path_for(item.sha256), directory / f"{stem}.files" / item.filename)
        count += 1
    return count


def parse(text: str) -> tuple[dict, str]:
    match = FRONT.match(text)
    if not match:
        raise ValueError("no front matter between --- lines")
    meta = yaml.safe_load(match.group(1)) or {}
    if not isinstance(meta, dict):
        raise ValueError("the front matter is not a mapping")
    return meta, match.group(2)


def _category(actor, path: str | None) -> Category | None:
    if not path:
        return None
    parent = None
    for name in [part.strip() for part in str(path).split("/") if part.strip()]:
        found = next((c for c in queries.categories() if c.name == name and c.parent_id == (parent.id if parent else None)),
                     None)
        parent = found or services.save_category(actor, name, parent)
    return parent


@transactional
def import_articles(actor, directory: Path) -> dict[str, int]:
    errors: list[str] = []
    counts = {"created": 0, "updated": 0, "published": 0}
    for path in sorted(directory.glob("*.md")):
        try:
            meta, body = parse(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError, yaml.YAMLError) as error:
            errors.append(f"{path.name}: {error}")
            continue
        organizations = []
        for code in meta.get("organizations") or []:
            org = get_organization_by_code(str(code))
            if org is None:
                errors.append(f"{path.name}: organizations: no organization {code}")
            organizations.append(org)
        review_by = meta.get("review_by")
        if isinstance(review_by, str):
            try:
                review_by = date.fromisoformat(review_by)
            except ValueError:
                errors.append(f"{path.name}: review_by: not a date")
                continue
        values = {"title": str(meta.get("title") or ""), "body": body, "visibility": meta.get("visibility", "internal"),
                  "organizations": [o for o in organizations if o is not None], "language": meta.get("language", "en"),
                  "category": _category(actor, meta.get("category")), "tags": meta.get("tags") or [],
                  "review_by": review_by if isinstance(review_by, date) else None}
        uploads = []
        for name in meta.get("attachments") or []:
            kept = path.with_suffix(".files") / str(name)
            if kept.parent != path.with_suffix(".files") or not kept.is_file():
                errors.append(f"{path.name}: attachments: no file {kept.parent.name}/{name}")
                continue
            uploads.append(Upload(str(name), kept.read_bytes()))
        existing = db.session.get(Article, meta["id"]) if isinstance(meta.get("id"), int) else None
        try:
            if existing is not None:
                article = services.update_article(actor, existing, note=f"import {path.name}", uploads=uploads,
                                                  **values)
                counts["updated"] += 1
            else:
                article = services.create_article(actor, note=f"import {path.name}", uploads=uploads, **values)
                counts["created"] += 1
            if meta.get("status") == "published" and article.status != "published":
                services.publish(actor, article)
                counts["published"] += 1
        except ValidationError as error:
            errors += [f"{path.name}: {field}: {message}" for field, messages in error.errors.items()
                       for message in messages]
    if errors:
        raise ValidationError({"files": errors})
    return counts
