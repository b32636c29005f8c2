"""Tickets that look alike: the words that say which problem it is (host names kept whole), and
a score of shared words with the title's counting double. The portal compares a ticket being
written with its organization's open tickets (app/portal/queries.py); the agent's ticket page
asks the full-text index once for the newest tickets sharing a word of the title and shows the
best few of those."""
import sqlalchemy as sa

from app.extensions import db
from app.tickets import search
from app.tickets.content import to_text
from app.tickets.models import Ticket
from app.tickets.queries import tickets_visible_to

# Words that say nothing about which problem it is.
STOPWORDS = frozenset(str.split("""
the and for with from that this have has was were are not but our your you we can cannot can't after before
when since into out all any some there their they them what which who how why then than also just only very
still again please help hello thanks thank server servers problem issue error working work works does doesn't
urgent asap today yesterday since hours minutes
що як не та і й на в у з із до від для це ця цей але або вже ще після коли над під при про через
будь ласка допоможіть сервер сервера проблема помилка працює терміново дякую добрий день
"""))
MIN_SCORE = 3
CANDIDATES = 50  # the newest tickets sharing a word of the title, scored here


def words(text: str) -> set[str]:
    found = set()
    for token, parts in search.terms(text, limit=400):
        if len(parts) > 1 and any(ch.isdigit() for ch in token):
            found.add(token.strip(".,;:!?()[]\"'"))  # a host name such as web-01 or db2.example.com
        found.update(w for w in parts if len(w) > 2 and w not in STOPWORDS and not w.isdigit())
    return found


def score(wanted_title: set[str], wanted: set[str], title: str, text: str) -> int:
    in_title = words(title)
    return 2 * len(wanted_title & in_title) + len(wanted & (in_title | words(text)))


def similar_to(user, ticket: Ticket, limit: int = 5) -> list[Ticket]:
    """Tickets the user may see that look like this one, the most alike first (open or not: a
    resolved one may hold the answer). One query of the index, newest first, at most CANDIDATES."""
    wanted_title = words(ticket.title)
    wanted = wanted_title | words(to_text(ticket.description))
    match = search.any_word_ids(sorted(wanted_title)[:12], limit=CANDIDATES * 4)
    if match is None:
        return []
    candidates = db.session.execute(
        tickets_visible_to(user).with_only_columns(Ticket.id, Ticket.title, Ticket.description)
        .where(Ticket.id.in_(match), Ticket.id != ticket.id, Ticket.merged_into_id.is_(None))
        .order_by(Ticket.id.desc()).limit(CANDIDATES))
    scored = sorted(((score(wanted_title, wanted, title, to_text(html)), ticket_id)
                     for ticket_id, title, html in candidates), reverse=True)
    best = [ticket_id for points, ticket_id in scored[:limit] if points >= MIN_SCORE]
    found = {t.id: t for t in db.session.scalars(sa.select(Ticket).where(Ticket.id.in_(best)))} if best else {}
    return [found[ticket_id] for ticket_id in best]
