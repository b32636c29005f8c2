"""`flask seed-demo`: a provider with teams and staff, three client organizations, service levels.

Idempotent: what exists (by e-mail, code or name) is left as it is.
"""
import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from app.auth import services as accounts
from app.auth.models import User
from app.auth.permissions import SHELL
from app.demo_desk import seed_desk
from app.demo_sla import seed_sla
from app.extensions import db
from app.jobs import without_jobs
from app.orgs import services as orgs
from app.orgs.models import Organization, Team
from app.routing.demo import seed_routing
from cmdb.demo import seed_estate
from kb.demo import seed_articles

DEMO_PASSWORD = "zayavka-demo"

TEAMS = [
    ("Service Desk L1", "First line: takes every new ticket, solves what it can, routes the rest.", "l1@zayavka.example"),
    ("Infrastructure L2", "Servers, virtualization, storage and backups.", "infra@zayavka.example"),
    ("Network", "Switches, routers, firewalls, uplinks and VPNs.", "noc@zayavka.example"),
]

STAFF = [
    # e-mail, name, role, teams
    ("admin@zayavka.example", "Olena Kovalenko", "admin", []),
    ("manager@zayavka.example", "Andriy Melnyk", "manager", ["Service Desk L1", "Infrastructure L2", "Network"]),
    ("ivan@zayavka.example", "Ivan Bondarenko", "agent", ["Service Desk L1"]),
    ("maria@zayavka.example", "Maria Shevchenko", "agent", ["Service Desk L1", "Infrastructure L2"]),
    ("taras@zayavka.example", "Taras Tkachenko", "agent", ["Infrastructure L2"]),
    ("oksana@zayavka.example", "Oksana Kravchenko", "agent", ["Network"]),
]

ORGANIZATIONS = [
    # code, name, details, contacts (e-mail, name, role, job title)
    ("DNIPRO", "Dnipro Logistics", {"email": "it@dnipro-logistics.example", "phone": "+380 56 700 10 10",
                                     "address": "Dnipro, Naberezhna Peremohy 32", "website": "dnipro-logistics.example"},
     [("anna@dnipro-logistics.example", "Anna Savchenko", "client_admin", "IT manager"),
      ("petro@dnipro-logistics.example", "Petro Lysenko", "client_user", "System administrator"),
      ("yulia@dnipro-logistics.example", "Yulia Moroz", "client_user", "Developer")]),
    ("LVIVPHARM", "Lviv Pharma", {"email": "support@lvivpharma.example", "phone": "+380 32 200 20 20",
                                  "address": "Lviv, Horodotska 174", "website": "lvivpharma.example"},
     [("roman@lvivpharma.example", "Roman Hnatyuk", "client_admin", "Head of IT"),
      ("iryna@lvivpharma.example", "Iryna Kozak", "client_user", "Quality systems engineer")]),
    ("KYIVMEDIA", "Kyiv Media Group", {"email": "tech@kyivmedia.example", "phone": "+380 44 300 30 30",
                                       "address": "Kyiv, Velyka Vasylkivska 100", "website": "kyivmedia.example"},
     [("dmytro@kyivmedia.example", "Dmytro Rudenko", "client_admin", "CTO"),
      ("sofia@kyivmedia.example", "Sofia Pavlenko", "client_user", "Web producer"),
      ("max@kyivmedia.example", "Maksym Oliynyk", "client_user", "DevOps engineer")]),
]

DEMO_ACCOUNTS = [(email, role) for email, _, role, _ in STAFF] + [
    (email, role) for *_, contacts in ORGANIZATIONS for email, _, role, _ in contacts
]


def _user_exists(email: str) -> bool:
    return db.session.scalar(sa.select(User.id).where(User.email == email)) is not None


def seed() -> int:
    """Create what is missing; return how many rows were added. Nobody is mailed."""
    with without_jobs():
        return _seed()


def _seed() -> int:
    added = 0
    teams = {t.name: t for t in db.session.scalars(sa.select(Team))}
    for name, description, email in TEAMS:
        if name not in teams:
            teams[name] = orgs.create_team(SHELL, name=name, description=description, email=email)
            added += 1
    for email, name, role, team_names in STAFF:
        if not _user_exists(email):
            accounts.create_user(SHELL, email=email, name=name, role=role, teams=[teams[t] for t in team_names],
                                 password=DEMO_PASSWORD, timezone="Europe/Kyiv")
            added += 1
    for code, name, details, contacts in ORGANIZATIONS:
        org = db.session.scalar(sa.select(Organization).where(Organization.code == code))
        if org is None:
            org = orgs.create_organization(SHELL, code=code, name=name, **details)
            added += 1
        for email, contact_name, role, job_title in contacts:
            if not _user_exists(email):
                accounts.create_user(SHELL, email=email, name=contact_name, role=role, organization=org,
                                     job_title=job_title, password=DEMO_PASSWORD)
                added += 1
    added += seed_estate()  # before the tickets: their affected systems link to its CIs
    added += seed_sla()  # before the tickets: their clocks start at the doors
    added += seed_routing()  # before the tickets: they land in queues
    added += seed_desk()
    return added + seed_articles()  # after the tickets: one article is drafted from a solved one


def database_is_empty() -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Only when the database has no users yet.")
@with_appcontext
def seed_demo(if_empty: bool) -> None:
    """Load the demo provider, its teams and three client organizations."""
    if if_empty and not database_is_empty():
        click.echo("The database already has users; demo data not loaded.")
        return
    added = seed()
    click.echo(f"Demo data: {added} rows added. Every demo account's password is '{DEMO_PASSWORD}'.")
