"""Builders for test data. They go through the services, like every real write."""
from app.auth import services as accounts
from app.auth.permissions import SHELL
from app.orgs import services as orgs

PASSWORD = "correct horse battery"


def make_org(code: str, name: str, **details):
    return orgs.create_organization(SHELL, code=code, name=name, **details)


def make_team(name: str, members=()):
    return orgs.create_team(SHELL, name=name, members=members)


def make_user(role: str, *, org=None, email=None, name=None, teams=(), password=PASSWORD, **fields):
    email = email or f"{role}-{id(object())}@example.test"
    return accounts.create_user(SHELL, email=email, name=name or email.split("@")[0].title(), role=role,
                                organization=org, teams=teams, password=password, **fields)


def make_ticket(actor, *, kind="incident", title="Disk full on web-01", description="The disk is full.", **fields):
    from app.tickets import services as tickets

    return tickets.create_ticket(actor, kind=kind, title=title, description=description, **fields)


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa75\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
