"""The knowledge base's tables: categories (a tree), articles with their versions, the
organizations an article is meant for, its source tickets, linked CIs and CI classes,
and readers' feedback.

The full-text index (``kb_search``) is not a model: like ``ticket_search`` it has one shape
per database (an FTS5 table on SQLite, a tsvector table on PostgreSQL), made by the migration
and written by kb/search.py."""
from datetime import date, datetime
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import TimestampMixin, UTCDateTime, utcnow

STATUSES = ("draft", "in_review", "published", "retired")
VISIBILITIES = ("internal", "clients", "organizations")
LANGUAGES = ("en", "uk")

article_organizations = sa.Table(
    "kb_article_organizations", db.metadata,
    sa.Column("article_id", sa.ForeignKey("kb_articles.id"), primary_key=True),
    sa.Column("organization_id", sa.ForeignKey("organizations.id"), primary_key=True, index=True),
)
article_tickets = sa.Table(
    "kb_article_tickets", db.metadata,
    sa.Column("article_id", sa.ForeignKey("kb_articles.id"), primary_key=True),
    sa.Column("ticket_id", sa.ForeignKey("tickets.id"), primary_key=True, index=True),
)
article_cis = sa.Table(
    "kb_article_cis", db.metadata,
    sa.Column("article_id", sa.ForeignKey("kb_articles.id"), primary_key=True),
    sa.Column("ci_id", sa.ForeignKey("cmdb_cis.id"), primary_key=True, index=True),
)
article_ci_classes = sa.Table(
    "kb_article_ci_classes", db.metadata,
    sa.Column("article_id", sa.ForeignKey("kb_articles.id"), primary_key=True),
    sa.Column("class_id", sa.ForeignKey("cmdb_classes.id"), primary_key=True, index=True),
)


class Category(db.Model):
    """A node of the category tree ("Mail" → "Spam filter")."""

    __tablename__ = "kb_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("kb_categories.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    position: Mapped[int] = mapped_column(default=0)

    parent = relationship("Category", remote_side=[id])

    @property
    def path(self) -> str:
        names, node, seen = [], self, set()
        while node is not None and node.id not in seen:
            seen.add(node.id)
            names.append(node.name)
            node = node.parent
        return " / ".join(reversed(names))


class Article(TimestampMixin, db.Model):
    __tablename__ = "kb_articles"
    __table_args__ = (
        sa.Index("ix_kb_articles_status_visibility", "status", "visibility", "id"),
        sa.Index("ix_kb_articles_review_by", "status", "review_by"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text, default="")  # Markdown as written
    body_html: Mapped[str] = mapped_column(sa.Text, default="")  # sanitized HTML
    category_id: Mapped[int | None] = mapped_column(sa.ForeignKey("kb_categories.id"), index=True)
    tags: Mapped[list] = mapped_column(sa.JSON, default=list)
    visibility: Mapped[str] = mapped_column(sa.String(16), default="internal")
    language: Mapped[str] = mapped_column(sa.String(2), default="en")
    translation_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("kb_articles.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(16), default="draft")
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    reviewer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    review_by: Mapped[date | None] = mapped_column(sa.Date)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)
    uses: Mapped[int] = mapped_column(default=0)
    deflections: Mapped[int] = mapped_column(default=0)
    helpful: Mapped[int] = mapped_column(default=0)
    unhelpful: Mapped[int] = mapped_column(default=0)

    category = relationship(Category)
    author = relationship("User", foreign_keys=[author_id])
    reviewer = relationship("User", foreign_keys=[reviewer_id])
    translation_of = relationship("Article", remote_side=[id])
    organizations = relationship("Organization", secondary=article_organizations, order_by="Organization.name")
    source_tickets = relationship("Ticket", secondary=article_tickets, order_by="Ticket.id")
    cis = relationship("CI", secondary=article_cis, order_by="CI.name")
    ci_classes = relationship("CIClass", secondary=article_ci_classes, order_by="CIClass.name")
    attachments = relationship("ArticleAttachment", order_by="ArticleAttachment.id", viewonly=True,
                               primaryjoin="and_(ArticleAttachment.article_id == Article.id, "
                                           "ArticleAttachment.removed_at.is_(None))")

    def __repr__(self) -> str:
        return f"<Article {self.id} {self.status} {self.title!r}>"


class ArticleVersion(db.Model):
    """What an article said at each save: title and body, who and when."""

    __tablename__ = "kb_article_versions"
    __table_args__ = (sa.UniqueConstraint("article_id", "number", name="uq_kb_article_versions_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(sa.ForeignKey("kb_articles.id"), index=True)
    number: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: utcnow())

    author = relationship("User")


class Feedback(db.Model):
    __tablename__ = "kb_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(sa.ForeignKey("kb_articles.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    helpful: Mapped[bool] = mapped_column()
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: utcnow())

    user = relationship("User")


class ArticleAttachment(db.Model):
    """A file of an article (a screenshot, a log, a PDF), kept like a ticket's: checked by its
    bytes and stored by its SHA-256 (app/tickets/attachments.py). It belongs to the article, not
    to a version, so every version's text may name it; removing it keeps the row (``removed_at``)."""

    __tablename__ = "kb_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(sa.ForeignKey("kb_articles.id"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: utcnow())
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    uploaded_by = relationship("User")

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def path(self) -> str:
        """Where it is downloaded: the same for staff and clients (the route checks who may)."""
        return file_path(self.article_id, self.id, self.filename)


def file_path(article_id: int, attachment_id: int, filename: str) -> str:
    return f"/kb/{article_id}/files/{attachment_id}/{quote(filename)}"
