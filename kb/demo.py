"""The demo's knowledge base: a few categories and articles in English and Ukrainian, for all
clients, for one organization, and internal; one in review, one drafted from a solved ticket.
Written by the demo's agent, published by its manager, through the services."""
import sqlalchemy as sa

from app.auth.models import User
from app.auth.permissions import SHELL
from app.extensions import db
from app.orgs.models import Organization
from app.tickets.models import Ticket
from app.transactions import transactional
from kb import from_ticket, services
from kb.models import Article, Category

# (category path, title, language, visibility, organization code, tags, status, body)
ARTICLES = (
    ("Mail", "Mail to Gmail bounces with “550 SPF fail”", "en", "clients", None, ["mail", "dns", "spf"], "published",
     "## Symptoms\n\nMail to Gmail or Outlook.com comes back with `550 5.7.26 … SPF fail`.\n\n"
     "## Cause\n\nThe domain's SPF record does not list the server that sends the mail.\n\n"
     "## Resolution\n\n1. Find the sending server's address in the bounce (`Received: from …`).\n"
     "2. Add it to the SPF record: `v=spf1 mx ip4:<address> include:_spf.zayavka.example ~all`.\n"
     "3. Wait for the TTL (usually an hour) and send again."),
    ("Mail", "Пошта до Gmail повертається з «550 SPF fail»", "uk", "clients", None, ["пошта", "dns", "spf"],
     "published",
     "## Симптоми\n\nЛисти до Gmail чи Outlook.com повертаються з `550 5.7.26 … SPF fail`.\n\n"
     "## Причина\n\nSPF-запис домену не містить сервера, що надсилає пошту.\n\n"
     "## Рішення\n\n1. Знайдіть адресу сервера-відправника у поверненому листі.\n"
     "2. Додайте її до SPF-запису: `v=spf1 mx ip4:<адреса> include:_spf.zayavka.example ~all`.\n"
     "3. Зачекайте TTL (зазвичай годину) і надішліть знову."),
    ("Servers / Disks", "A disk is full: find what grew", "en", "clients", None, ["disk", "linux"], "published",
     "Run `df -h` to see which file system is full, then `du -xh --max-depth=1 / | sort -h` on it.\n\n"
     "The usual suspects: `/var/log` (rotate the logs), old kernels in `/boot`, database dumps in `/home`."),
    ("Servers / Disks", "Диск заповнений: що саме виросло", "uk", "clients", None, ["диск", "linux"], "published",
     "Виконайте `df -h`, щоб побачити, яка файлова система заповнена, потім `du -xh --max-depth=1 / | sort -h`.\n\n"
     "Зазвичай це `/var/log` (ротація журналів), старі ядра в `/boot`, дампи баз у `/home`."),
    ("Network", "VPN drops every hour", "en", "organizations", "DNIPRO", ["vpn"], "published",
     "Dnipro Logistics' site-to-site VPN renegotiates every 3600 s. Set the phase 2 lifetime on your "
     "router to 3600 s as well, and turn on dead peer detection."),
    ("Network", "Core switch maintenance runbook", "en", "internal", None, ["network", "runbook"], "published",
     "Before work on `core-sw-1`: announce the window, move the uplinks one at a time, check LACP after each."),
    ("Panel", "Reset your control panel password", "en", "clients", None, ["panel"], "in_review",
     "Click **Forgot your password?** on the login page and follow the link in the mail."),
)


def _category(path: str):
    parent = None
    for name in path.split(" / "):
        from_db = db.session.scalar(sa.select(Category).where(
            Category.name == name,
            Category.parent_id.is_(None) if parent is None else Category.parent_id == parent.id))
        parent = from_db or services.save_category(SHELL, name, parent)
    return parent


@transactional
def seed_articles() -> int:
    """Write the demo's articles once (nothing when any exists). Returns how many were added."""
    if db.session.scalar(sa.select(Article.id).limit(1)) is not None:
        return 0
    agent = db.session.scalar(sa.select(User).where(User.email == "ivan@zayavka.example")) or SHELL
    manager = db.session.scalar(sa.select(User).where(User.email == "manager@zayavka.example")) or SHELL
    made = {}
    for path, title, language, visibility, code, tags, status, body in ARTICLES:
        orgs = [db.session.scalar(sa.select(Organization).where(Organization.code == code))] if code else []
        article = services.create_article(agent, title=title, body=body, visibility=visibility,
                                          organizations=[o for o in orgs if o], language=language,
                                          category=_category(path), tags=tags,
                                          translation_of=made.get(path) if language == "uk" else None)
        made.setdefault(path, article)
        if status == "in_review":
            services.submit_for_review(agent, article)
        elif status == "published":
            services.publish(manager, article)
    solved = db.session.scalar(sa.select(Ticket).where(Ticket.kind == "incident", Ticket.status == "resolved")
                               .order_by(Ticket.id).limit(1))
    if solved is not None:
        from_ticket.make_article(agent, solved)
    return len(ARTICLES) + (solved is not None)
