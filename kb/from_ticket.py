"""A draft article from a solved ticket (KCS: the answer is written while it is fresh).

From a resolved (or closed) incident or request, or a problem that is a known error or
resolved: the title; the symptoms from the client's description, with e-mail addresses, IP
addresses and host names marked ⚠ for the author to generalise (they are one client's, the
article is for many); the cause (the problem's root cause); the resolution (its text and the
public replies of the engineers), the workaround of a known error; the classes of the
ticket's CIs. The draft is internal until the author and a reviewer decide who reads it,
and keeps the ticket as its source."""
import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from app.errors import ValidationError
from app.extensions import db
from app.tickets.content import to_text
from app.transactions import transactional
from cmdb.models import CI, CIClass, TicketCI
from kb import services

EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
IP = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}(?:/\d{1,2})?\b"
                r"|\b(?=[0-9a-f:]*::|(?:[0-9a-f]{1,4}:){3})[0-9a-f]{1,4}(?::[0-9a-f]{0,4}){2,7}\b", re.IGNORECASE)
# A host name ends in a top-level domain, not in a file's extension (php.ini, nginx.conf, error.log).
FILE_ENDINGS = ("ini|conf|cfg|cnf|log|txt|php|py|sh|json|ya?ml|xml|html?|js|css|sql|gz|tar|tgz|zip|pem|crt|key|"
                "csr|pid|sock|lock|service|timer|socket|md|rst|csv|bak|tmp|old|dist|so|d|rb|pl|go|java|jar|war")
HOST = re.compile(r"\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?!(?:" + FILE_ENDINGS + r")\b)[a-z]{2,24}\b",
                  re.IGNORECASE)
SPECIFIC = re.compile("|".join(f"(?:{p.pattern})" for p in (EMAIL, IP, HOST)), re.IGNORECASE)
FLAG = "⚠"
MAX_REPLIES = 5


@dataclass
class Draft:
    title: str
    body: str
    ci_classes: list = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)


def can_draft(ticket) -> bool:
    if ticket.kind in ("incident", "request"):
        return ticket.status in ("resolved", "closed")
    if ticket.kind == "problem":
        detail = getattr(ticket, "problem_detail", None)
        return ticket.status in ("resolved", "closed") or bool(detail and detail.known_error)
    return False


def flag(text: str) -> tuple[str, list[str]]:
    """``text`` with each e-mail address, IP address and host name marked for the author."""
    found: list[str] = []

    def mark(match):
        found.append(match.group(0))
        return f"{FLAG}`{match.group(0)}`"

    return SPECIFIC.sub(mark, text), list(dict.fromkeys(found))


def _quoted(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().splitlines()).strip()


def draft(ticket) -> Draft:
    symptoms, flagged = flag(_quoted(to_text(ticket.description)))
    sections = [f"## {_('Symptoms')}", symptoms or _("(describe what the reader sees)")]
    detail = getattr(ticket, "problem_detail", None)
    if detail is not None and (detail.root_cause or "").strip():
        cause, more = flag(_quoted(to_text(detail.root_cause)))
        flagged += more
        sections += [f"## {_('Cause')}", cause]
    if detail is not None and (detail.workaround or "").strip():
        workaround, more = flag(_quoted(to_text(detail.workaround)))
        flagged += more
        sections += [f"## {_('Workaround')}", workaround]
    resolution = [_quoted(to_text(ticket.resolution))] if (ticket.resolution or "").strip() else []
    replies = [m for m in ticket.messages if not m.internal and m.author is not None and m.author.is_staff]
    resolution += [_quoted(m.body_text) for m in replies[-MAX_REPLIES:] if (m.body_text or "").strip()]
    if resolution:
        text, more = flag("\n\n".join(resolution))
        flagged += more
        sections += [f"## {_('Resolution')}", text]
    flagged = list(dict.fromkeys(flagged))
    if flagged:
        sections.insert(0, "> " + FLAG + " " + _("Before publishing, replace what belongs to one client with "
                                                  "general words: %(items)s", items=", ".join(flagged)))
    linked = (sa.select(CI.class_id).join(TicketCI, TicketCI.ci_id == CI.id)
              .where(TicketCI.ticket_id == ticket.id, TicketCI.impact != "not_impacted"))
    classes = list(db.session.scalars(sa.select(CIClass).where(CIClass.id.in_(linked)).order_by(CIClass.name)))
    return Draft(title=ticket.title[:200], body="\n\n".join(sections), ci_classes=classes, flagged=flagged)


@transactional
def make_article(actor, ticket, language: str = "en"):
    """The draft as an article (status draft, internal), linked to its source ticket."""
    services.require_staff(actor)
    if not can_draft(ticket):
        raise ValidationError.single("ticket", _("An article is made from a resolved incident or request, or from "
                                                  "a problem that is a known error."))
    made = draft(ticket)
    return services.create_article(actor, title=made.title, body=made.body, visibility="internal",
                                   language=language if language in ("en", "uk") else "en",
                                   ci_classes=made.ci_classes, source_tickets=[ticket],
                                   note=_("Drafted from %(number)s", number=ticket.number))
