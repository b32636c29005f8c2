"""The API's shapes of the knowledge base. A client gets the reader's view of a published
article (no audience, no counters, no people); staff get the whole article."""
from marshmallow import Schema, fields, validate

from app.api.fields import Date, FormInt, InputSchema, Int, List, Str, at_least, length, one_of
from app.api.schemas import OrganizationRefOut, UserRefOut, output
from app.i18n import lazy_gettext as _l
from kb.models import LANGUAGES, STATUSES, VISIBILITIES

TAGS = validate.Length(max=20, error=_l("At most {max} tags."))
ORGANIZATIONS = validate.Length(max=200, error=_l("At most {max} organizations."))


@output
class ArticleFileOut(Schema):
    id = fields.Int()
    filename = fields.Str()
    content_type = fields.Str()
    size = fields.Int()
    url = fields.Str(attribute="path", metadata={"description": _l(
        "Where to download it (with the same credentials: whoever may read the article).")})
    created_at = fields.DateTime()


@output(optional=("snippet",))
class ArticleOut(Schema):
    id = fields.Int()
    title = fields.Str()
    body = fields.Str(metadata={"description": _l("Markdown.")})
    body_html = fields.Str(metadata={"description": _l("The body as sanitized HTML.")})
    status = fields.Str(metadata={"enum": list(STATUSES)})
    language = fields.Str(metadata={"enum": list(LANGUAGES)})
    category = fields.Function(lambda a: a.category.path if a.category else None, allow_none=True,
                               metadata={"type": "string"})
    tags = fields.List(fields.Str())
    published_at = fields.DateTime(allow_none=True)
    updated_at = fields.DateTime()
    snippet = fields.Str(metadata={"description": _l("The matching words in <mark> (search results).")})
    attachments = fields.List(fields.Nested(ArticleFileOut), metadata={"description": _l(
        "The article's files; its Markdown names them as attachment:<filename>.")})


@output(optional=("snippet",))
class StaffArticleOut(ArticleOut):
    version = fields.Int()
    visibility = fields.Str(metadata={"enum": list(VISIBILITIES)})
    organizations = fields.List(fields.Nested(OrganizationRefOut))
    author = fields.Nested(UserRefOut, allow_none=True)
    reviewer = fields.Nested(UserRefOut, allow_none=True)
    review_by = fields.Date(allow_none=True)
    translation_of = fields.Int(attribute="translation_of_id", allow_none=True)
    cis = fields.Function(lambda a: [{"id": ci.id, "name": ci.name} for ci in a.cis], metadata={
        "type": "array", "items": {"type": "object", "properties": {"id": {"type": "integer"},
                                                                    "name": {"type": "string"}}}})
    ci_classes = fields.Function(lambda a: [c.code for c in a.ci_classes],
                                 metadata={"type": "array", "items": {"type": "string"}})
    source_tickets = fields.Function(lambda a: [t.number for t in a.source_tickets],
                                     metadata={"type": "array", "items": {"type": "string"}})
    uses = fields.Int()
    deflections = fields.Int()
    helpful = fields.Int()
    unhelpful = fields.Int()


@output
class ArticlePageOut(Schema):
    items = fields.List(fields.Nested(ArticleOut))
    next = fields.Str(allow_none=True, metadata={"description": _l("Pass as cursor= for the next page; null on the last.")})


@output
class StaffArticlePageOut(Schema):
    items = fields.List(fields.Nested(StaffArticleOut))
    next = fields.Str(allow_none=True, metadata={"description": _l("Pass as cursor= for the next page; null on the last.")})


class ArticleListArgs(InputSchema):
    q = Str(load_default="", validate=length(300), metadata={"description": _l("Words to search for.")})
    category = FormInt(load_default=None, metadata={"description": _l("A category's id (its subcategories too).")})
    status = Str(load_default=None, validate=one_of(STATUSES))
    cursor = Str(load_default=None, validate=length(40))
    limit = FormInt(load_default=25, validate=at_least(1, 100))


class _ArticleFields(InputSchema):
    body = Str(metadata={"description": _l("Markdown.")})
    visibility = Str(validate=one_of(VISIBILITIES))
    organizations = List(Str(validate=length(20)), validate=ORGANIZATIONS, metadata={
        "description": _l("Organization codes, with visibility \"organizations\".")})
    language = Str(validate=one_of(LANGUAGES))
    category = Str(allow_none=True, validate=length(300), metadata={
        "description": _l("A category's path, \"Mail / Spam\"; created when missing.")})
    tags = List(Str(validate=length(40)), validate=TAGS)
    review_by = Date(allow_none=True)
    cis = List(Str(validate=length(200)), validate=validate.Length(max=50, error=_l("At most {max} CIs.")), metadata={
        "description": _l("CI ids or names. An article that clients read may name only the provider's CIs and "
                          "those of its organizations.")})
    ci_classes = List(Str(validate=length(40)), validate=validate.Length(max=50, error=_l("At most {max} CIs.")),
                      metadata={"description": _l("CI class codes.")})


class ArticleCreateIn(_ArticleFields):
    title = Str(required=True, validate=length(200))


class ArticleUpdateIn(_ArticleFields):
    version = Int(required=True, metadata={"description": _l("The version you read: a stale one gets 409.")})
    title = Str(validate=length(200))


class SuggestArgs(InputSchema):
    q = Str(load_default="", validate=length(2000), metadata={"description": _l("What the client is typing.")})


@output
class SuggestionOut(Schema):
    id = fields.Int()
    title = fields.Str()
    snippet = fields.Str()


@output
class SuggestionListOut(Schema):
    items = fields.List(fields.Nested(SuggestionOut))


class NoArgs(InputSchema):
    """No parameters: any is refused by name."""


class FromTicketArgs(InputSchema):
    language = Str(load_default=None, validate=one_of(LANGUAGES), metadata={
        "description": _l("The draft's language; by default the caller's.")})
