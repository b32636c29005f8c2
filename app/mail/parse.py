"""An RFC 822 message as the desk reads it: who wrote, about what, the text, the
HTML, the files. The standard library parses (policy=default); what it lacks is
added here: text in a charset nobody declared (charset-normalizer, with a
Cyrillic tie-break), HTML made safe (nh3) and readable as text (html2text),
TNEF winmail.dat unpacked (tnefparse), file names without paths.

Never raises on bad input: whatever the bytes, ``parse`` returns a ParsedMail
(its ``problems`` say what went wrong). No Flask, no database: the charsets to
try are an argument."""
import email
import email.policy
import email.utils
import hashlib
import html
import os
import re
from dataclasses import dataclass, field

import html2text
import nh3
from charset_normalizer import from_bytes
from tnefparse import TNEF

from app.mail.headers import RememberingRegistry

DEFAULT_CHARSETS = ("utf_8", "cp1251", "koi8_r", "koi8_u", "cp1252", "iso8859_15", "gb18030")
_CYRILLIC = {"cp1251", "windows-1251", "koi8_r", "koi8-r", "koi8_u", "koi8-u", "cp866", "mac_cyrillic", "iso8859_5"}
MAX_DEPTH = 20  # message/rfc822 inside message/rfc822 …: deeper ones stay one attachment, not parsed


POLICY = email.policy.default.clone(header_factory=RememberingRegistry())  # the standard policy, faster


@dataclass
class Part:
    filename: str
    content_type: str
    data: bytes
    content_id: str = ""  # without <>; an inline image the HTML points at as cid:…


@dataclass
class ParsedMail:
    message_id: str = ""
    subject: str = ""
    sender: str = ""  # the address, lower-cased
    sender_name: str = ""
    to: list = field(default_factory=list)
    cc: list = field(default_factory=list)
    in_reply_to: list = field(default_factory=list)
    references: list = field(default_factory=list)
    headers: dict = field(default_factory=dict)  # lower-cased name → decoded value (first of each)
    text: str = ""  # the readable text (derived from the HTML when there is only HTML)
    html: str = ""  # sanitized HTML, when the mail had some
    html_new: str = ""  # sanitized: what the writer wrote above the quotation
    html_quoted: str = ""  # sanitized: the quotation (empty when none was found)
    body_type: str = "text/plain"
    attachments: list = field(default_factory=list)
    report_type: str = ""  # "delivery-status" for a bounce (multipart/report)
    bounced_message_ids: list = field(default_factory=list)
    bounced_subject: str = ""
    bounce_detail: str = ""
    problems: list = field(default_factory=list)


# -- charsets ------------------------------------------------------------------------

def _cyrillic_tiebreak(data: bytes) -> str:
    """cp1251 or KOI8-R: in running text most letters are lower case, which sit at
    0xE0–0xFF in cp1251 and at 0xC0–0xDF in KOI8-R."""
    high = sum(1 for b in data if b >= 0xE0)
    middle = sum(1 for b in data if 0xC0 <= b < 0xE0)
    return "koi8_r" if middle > high else "cp1251"


def decode_bytes(data: bytes, declared: str | None = None, charsets=DEFAULT_CHARSETS) -> str:
    """Text of ``data``: in its declared charset if that works, else UTF-8, else the best guess."""
    if declared:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("ascii" if declared is None else "utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=list(charsets)).best()
    encoding = best.encoding if best is not None else "cp1252"
    if encoding in _CYRILLIC:
        encoding = _cyrillic_tiebreak(data)
    return data.decode(encoding, errors="replace")


def _header_text(value, charsets) -> str:
    """A header as text. 8-bit bytes nobody declared come out of the stdlib as surrogates:
    take them back as bytes and guess their charset."""
    if value is None:
        return ""
    try:
        text = str(value)
    except Exception:  # a header the stdlib cannot even render
        return ""
    if any("\udc80" <= ch <= "\udcff" for ch in text) or "\ufffd" in text:
        raw = getattr(value, "_raw", None) or text
        try:
            text = decode_bytes(str(raw).encode("ascii", "surrogateescape"), None, charsets)
        except UnicodeEncodeError:
            text = text.encode("utf-8", "replace").decode("utf-8")
    return " ".join(text.split())


def _raw_header(message, name: str):
    """The header's value as the parser stored it (surrogates for undeclared 8-bit bytes): the first."""
    found = getattr(message, "_zayavka_raw", None)
    if found is None:
        found = {}
        for key, value in message.raw_items():
            found.setdefault(key.lower(), value)
        message._zayavka_raw = found
    return found.get(name)


def _decoded_header(message, name: str, charsets) -> str:
    raw = _raw_header(message, name)
    if raw is None:
        return ""
    raw = str(raw)
    if raw.isascii() and "=?" not in raw:  # nothing to decode: the registry's parse would change nothing
        return " ".join(raw.split())
    if any("\udc80" <= ch <= "\udcff" for ch in raw):
        return " ".join(decode_bytes(raw.encode("ascii", "surrogateescape"), None, charsets).split())
    try:
        return _header_text(message[name], charsets)
    except Exception:  # a header the policy cannot parse: its raw text
        return " ".join(raw.split())


# -- addresses and ids ---------------------------------------------------------------------

_MSGID = re.compile(r"<([^<>\s]{1,250})>")


def message_ids(value: str) -> list[str]:
    """The Message-IDs in a References / In-Reply-To header, in order, without <>."""
    return _MSGID.findall(value or "")


def addresses(value: str) -> list[str]:
    return [address.lower() for _name, address in email.utils.getaddresses([value or ""]) if "@" in address]


def safe_filename(name: str) -> str:
    """A file name without any directory part or control characters."""
    name = (name or "").replace("\\", "/").replace("\x00", "")
    name = os.path.basename(name).strip().lstrip(".")
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*/')
    return name[:200]


# -- HTML --------------------------------------------------------------------------------

HTML_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "i", "img", "kbd", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "u", "ul",
}


def clean_html(text: str) -> str:
    """Mail HTML without scripts, styles or anything that acts; cid: images kept for the gateway to point home."""
    return nh3.clean(text or "", tags=HTML_TAGS,
                     attributes={"a": {"href", "title"}, "img": {"src", "alt", "title"}, "td": {"align"},
                                 "th": {"align"}},
                     url_schemes={"http", "https", "mailto", "cid"}, link_rel="noopener noreferrer nofollow",
                     clean_content_tags={"script", "style", "title", "head"})


def html_to_text(text: str) -> str:
    converter = html2text.HTML2Text()
    converter.body_width = 0
    converter.ignore_images = True
    converter.ignore_emphasis = True
    try:
        return converter.handle(text or "").strip()
    except Exception:  # html2text on a pathological document
        return nh3.clean(text or "", tags=set()).strip()


# -- the walk ----------------------------------------------------------------------------

def _part_bytes(part) -> bytes:
    try:
        if part.get_content_maintype() == "message":
            inner = part.get_payload()
            inner = inner[0] if isinstance(inner, list) and inner else inner
            return inner.as_bytes(policy=email.policy.default) if hasattr(inner, "as_bytes") else b""
        data = part.get_payload(decode=True)
        return data if isinstance(data, bytes) else b""
    except Exception:
        payload = part.get_payload()
        return payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else b""


def _part_text(part, charsets) -> str:
    return decode_bytes(_part_bytes(part), part.get_content_charset(), charsets)


def _filename(part, charsets) -> str:
    try:
        name = part.get_filename()
    except Exception:
        name = None
    if name and any("\udc80" <= ch <= "\udcff" for ch in name):
        name = decode_bytes(name.encode("ascii", "surrogateescape"), None, charsets)
    return safe_filename(name or "")


def _leaves(message):
    """Every leaf part in order, with message/* parts as leaves (their inside is a forwarded mail)."""
    stack = [message]
    while stack:
        part = stack.pop(0)
        if part.is_multipart() and part.get_content_maintype() == "multipart":
            stack[0:0] = list(part.get_payload())
        else:
            yield part


def _tnef(data: bytes) -> list[Part]:
    try:
        unpacked = TNEF(data)
    except Exception:
        return []
    parts = []
    for item in unpacked.attachments:
        name = item.long_filename() if hasattr(item, "long_filename") else item.name
        if isinstance(name, bytes):
            name = name.decode("utf-8", "replace")
        parts.append(Part(safe_filename(name or "attachment"), "application/octet-stream", bytes(item.data or b"")))
    return parts


def _inner_subject(part, charsets) -> str:
    inner = part.get_payload()
    inner = inner[0] if isinstance(inner, list) and inner else inner
    try:
        return _decoded_header(inner, "subject", charsets) if hasattr(inner, "raw_items") else ""
    except Exception:
        return ""


def _bounce(parsed: ParsedMail, part, charsets) -> None:
    kind = part.get_content_type()
    if kind == "message/delivery-status":
        payload = part.get_payload()
        blocks = payload if isinstance(payload, list) else []
        detail = b"\n".join(block.as_bytes() for block in blocks if hasattr(block, "as_bytes"))
        lines = decode_bytes(detail, None, charsets).splitlines()
        wanted = [line.strip() for line in lines if line.lower().startswith(("final-recipient", "diagnostic-code",
                                                                             "status", "action"))]
        parsed.bounce_detail = "\n".join(wanted)[:1000]
    elif kind in ("message/rfc822", "text/rfc822-headers"):
        inner = email.message_from_bytes(_part_bytes(part), policy=email.policy.default)
        parsed.bounced_message_ids += message_ids(_decoded_header(inner, "message-id", charsets))
        parsed.bounced_subject = _decoded_header(inner, "subject", charsets)


_HEADER_LINE = re.compile(rb"[!-9;-~]{1,76}:")


def _skip_leading_garbage(raw: bytes) -> bytes:
    """A mail whose first line is no header ("Fro :m …", a stray mbox line) would be read as
    headerless; start at the first header line instead, when one follows within a few lines."""
    if _HEADER_LINE.match(raw) or raw.startswith((b"\r", b"\n")):
        return raw
    offset = 0
    for _ in range(5):
        end = raw.find(b"\n", offset)
        if end < 0:
            return raw
        offset = end + 1
        if _HEADER_LINE.match(raw, offset) and not raw.startswith(b"From ", offset):
            return raw[offset:]
        if raw[offset:offset + 1] in (b"\r", b"\n"):
            return raw
    return raw


def parse(raw: bytes, charsets=DEFAULT_CHARSETS) -> ParsedMail:
    parsed = ParsedMail()
    try:
        message = email.message_from_bytes(_skip_leading_garbage(raw or b""), policy=POLICY)
    except Exception as error:  # the stdlib parser is lenient, but never say never
        parsed.problems.append(f"unreadable: {error}")
        return parsed
    parsed.problems += [type(defect).__name__ for defect in message.defects]
    header = lambda name: _decoded_header(message, name, charsets)  # noqa: E731
    for name in ("auto-submitted", "precedence", "x-loop", "x-autoreply", "x-autorespond", "return-path",
                 "list-id", "x-auto-response-suppress", "reply-to"):
        value = header(name)
        if value:
            parsed.headers[name] = value
    parsed.subject = header("subject")
    ids = message_ids(header("message-id"))
    parsed.message_id = ids[0] if ids else ""
    sender = email.utils.parseaddr(header("from"))
    parsed.sender_name, parsed.sender = sender[0][:120], (sender[1] if "@" in sender[1] else "").lower()[:254]
    parsed.to, parsed.cc = addresses(header("to")), addresses(header("cc"))
    parsed.in_reply_to = message_ids(header("in-reply-to"))
    parsed.references = message_ids(header("references"))

    content_type = message.get_content_type()
    if content_type == "multipart/report":
        parsed.report_type = (message.get_param("report-type") or "").lower()
    plain, rich = None, None
    for index, part in enumerate(_leaves(message)):
        kind = part.get_content_type()
        disposition = (part.get_content_disposition() or "").lower()
        name = _filename(part, charsets)
        if parsed.report_type and kind in ("message/delivery-status", "message/rfc822", "text/rfc822-headers"):
            _bounce(parsed, part, charsets)
        if kind == "text/plain" and disposition != "attachment" and not name and plain is None:
            plain = _part_text(part, charsets)
            continue
        if kind == "text/html" and disposition != "attachment" and not name and rich is None:
            rich = _part_text(part, charsets)
            continue
        if kind in ("text/plain", "text/html") and disposition != "attachment" and not name:
            continue  # another alternative of a body already taken
        if kind == "multipart/alternative" or (part.get_content_maintype() == "multipart"):
            continue  # a multipart without a boundary the parser could split: nothing to keep
        data = _part_bytes(part)
        if kind == "application/ms-tnef" or name.lower() == "winmail.dat":
            unpacked = _tnef(data)
            if unpacked:
                parsed.attachments += unpacked
                continue
        content_id = (part.get("content-id") or "").strip().strip("<>")[:200]
        if not name:
            if part.get_content_maintype() == "message":
                name = safe_filename(_inner_subject(part, charsets))[:150]
                name = f"{name}.eml" if name else "forwarded-message.eml"
            else:
                extension = (part.get_content_subtype() or "bin").split("+")[0][:10]
                name = f"part-{index + 1}.{extension}"
        parsed.attachments.append(Part(name, kind, data, content_id))
    if rich is not None:
        parsed.html = clean_html(rich)
        new, quoted = trim_quoted_html(rich)
        parsed.html_new, parsed.html_quoted = clean_html(new), clean_html(quoted) if quoted else ""
        parsed.body_type = "text/html" if plain is None else "multipart/alternative"
    parsed.text = plain if plain is not None else (html_to_text(parsed.html) if rich is not None else "")
    if plain is None and rich is None and not parsed.attachments and message.get_content_maintype() != "multipart":
        parsed.text = _part_text(message, charsets)
    if not parsed.message_id:
        parsed.message_id = f"{hashlib.sha256(raw or b'').hexdigest()}@no-message-id.invalid"
    return parsed


_SIGN_OFF = re.compile(r"^(best|kind|warm)?\s*regards,?|^thanks?( you)?[,!.]?|^cheers,?|^mit freundlichen grüßen,?|"
                       r"^з повагою,?|^с уважением,?|^дякую[,!.]?|^спасибо[,!.]?|^sent from my \w+", re.IGNORECASE)


def _sign_off(head: list[str]) -> int | None:
    """Where a short sign-off ("Best regards, / Name") starts near the end of what was written."""
    written = [index for index, line in enumerate(head) if line.strip()]
    for index in written[-4:]:
        if _SIGN_OFF.match(head[index].strip()) and index > 0 and len([i for i in written if i >= index]) <= 4:
            return index
    return None


def trim_quoted(text: str) -> tuple[str, str]:
    """(what the writer wrote, the quoted history and signature below it) of a plain text."""
    head, tail = _trim_quotation(text)
    lines = head.split("\n")
    cut = _sign_off(lines)
    if cut is not None and "\n".join(lines[:cut]).strip():
        return "\n".join(lines[:cut]).rstrip(), ("\n".join(lines[cut:]) + ("\n\n" + tail if tail else "")).strip("\n")
    return head, tail


def _trim_quotation(text: str) -> tuple[str, str]:
    lines = (text or "").replace("\r\n", "\n").split("\n")
    for number, line in enumerate(lines):
        stripped = line.strip()
        if number == 0:
            continue
        if (stripped == "--" or line.rstrip("\n") == "-- " or _QUOTE_HEADER.match(stripped)
                or (stripped.startswith(">") and all(not other.strip() or other.lstrip().startswith(">")
                                                     or _QUOTE_HEADER.match(other.strip())
                                                     for other in lines[number:]))):
            head = "\n".join(lines[:number]).rstrip()
            if head.strip():
                return head, "\n".join(lines[number:]).strip("\n")
    return (text or "").strip(), ""


_QUOTE_HEADER = re.compile(
    r"^(On .{3,200} wrote:|Am .{3,200} schrieb .{0,200}:|Le .{3,200} a écrit ?:|.{0,200}\d{4}.{0,100} пише:|"
    r".{0,200}\d{4}.{0,100} пишет:|-{2,} ?(Original Message|Ursprüngliche Nachricht|Исходное сообщение|"
    r"Forwarded message|Вихідне повідомлення) ?-{2,}|From: .{1,200}|Від: .{1,200}|От: .{1,200}|_{20,})$",
    re.IGNORECASE)
_HTML_QUOTE = re.compile(r'<blockquote|<div[^>]*class="[^"]*(gmail_quote|moz-cite-prefix|OutlookMessageHeader)'
                         r'|<div[^>]*id="(divRplyFwdMsg|appendonsend)"|<hr', re.IGNORECASE)


def trim_quoted_html(raw_html: str) -> tuple[str, str]:
    """The same for HTML: split before the first quotation block."""
    match = _HTML_QUOTE.search(raw_html or "")
    if match is None or not html_to_text(raw_html[: match.start()]).strip():
        return raw_html or "", ""
    return raw_html[: match.start()], raw_html[match.start():]


def text_to_html(text: str) -> str:
    return "<br>".join(html.escape(line) for line in (text or "").split("\n"))
