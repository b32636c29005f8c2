"""What people write: Markdown (or HTML) in, sanitized HTML and plain text out."""
import html
import re

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": True, "linkify": False, "breaks": True}).enable("table")

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "i", "img", "kbd", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "td": {"align"}, "th": {"align"}}


def to_html(text: str) -> str:
    """Render Markdown (HTML inside it allowed) and keep only harmless HTML."""
    rendered = _markdown.render(text or "")
    return nh3.clean(rendered, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow")


def to_text(html_text: str) -> str:
    """Plain text of sanitized HTML: for search, previews and mail."""
    with_breaks = re.sub(r"<(br|/p|/li|/h\d|/tr|/pre)\b[^>]*>", "\n", html_text or "")
    stripped = nh3.clean(with_breaks, tags=set())
    return re.sub(r"\n{3,}", "\n\n", html.unescape(stripped)).strip()


def preview(html_text: str, length: int = 160) -> str:
    text = " ".join(to_text(html_text).split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
