"""What people write: Markdown (or HTML) in, sanitized HTML and plain text out.

Images from other hosts never load by themselves: they become links (see
without_remote_images)."""
import functools
import html
import re

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

_markdown = MarkdownIt("commonmark", {"html": True, "linkify": False, "breaks": True}).enable("table")

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "details", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "i", "img", "kbd", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "u", "ul", "summary",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "td": {"align"}, "th": {"align"}}
ALLOWED_CLASSES = {"a": {"remote-image"}}

# An <img> as nh3 writes it: every attribute value in double quotes, with " < > & escaped.
_IMG = re.compile(r'<img((?:\s+[\w:-]+(?:="[^"]*")?)*)\s*/?>')
_ATTRIBUTE = re.compile(r'([\w:-]+)(?:="([^"]*)")?')


def _clean(html_text: str) -> str:
    return nh3.clean(html_text, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, allowed_classes=ALLOWED_CLASSES,
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow")


def is_local(url: str) -> bool:
    """A path on this site ("/tickets/…"), not another host's ("//host/…", "/\\host/…", "https://…")."""
    return url.startswith("/") and not url.startswith(("//", "/\\"))


def _link_instead(match: re.Match) -> str:
    attributes = {name: html.unescape(value or "") for name, value in _ATTRIBUTE.findall(match.group(1))}
    src = attributes.get("src", "")
    if not src or is_local(src):
        return match.group(0)
    label = "🖼 " + (attributes.get("alt") or src)
    return (f'<a class="remote-image" href="{escape(src)}" title="{escape(src)}" '
            f'rel="noopener noreferrer nofollow">{escape(label)}</a>')


def without_remote_images(clean_html: str) -> str:
    """Sanitized HTML with every image from another host turned into a link to it:
    nothing loads until the reader chooses to (no read-tracking pixels, in the
    pages or in the engineers' mail)."""
    return _IMG.sub(_link_instead, clean_html)


def to_html(text: str) -> str:
    """Render Markdown (HTML inside it allowed) and keep only harmless HTML, without remote images."""
    return without_remote_images(_clean(_markdown.render(text or "")))


def safe_html(stored_html: str | None) -> Markup:
    """Stored HTML, cleaned once more for showing (rows written before a rule
    tightened obey it too): the template filter ``message_html``."""
    return Markup(_shown(stored_html or ""))


@functools.lru_cache(maxsize=2048)
def _shown(stored_html: str) -> str:
    """What safe_html shows of a stored text, kept per text (a function of the text alone): a
    conversation's messages are read again at every view, and parsing them is the costly part."""
    return without_remote_images(_clean(stored_html))


def to_text(html_text: str) -> str:
    """Plain text of sanitized HTML: for search, previews and mail."""
    with_breaks = re.sub(r"<(br|/p|/li|/h\d|/tr|/pre)\b[^>]*>", "\n", html_text or "")
    stripped = nh3.clean(with_breaks, tags=set())
    return re.sub(r"\n{3,}", "\n\n", html.unescape(stripped)).strip()


def preview(html_text: str, length: int = 160) -> str:
    text = " ".join(to_text(html_text).split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
